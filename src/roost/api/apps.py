"""HTTP apps: Roost's admin API at ``/api/v4/apps`` (its own), and what clients and
apps call at Mattermost's Apps Framework paths,
``/plugins/com.mattermost.apps/api/v1/{bindings,call,subscribe,unsubscribe,subscriptions}``."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Mount, Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response

APPS_PLUGIN_PATH = "/plugins/com.mattermost.apps/api/v1"


async def install_app(req: Req) -> Response:
    actor = await req.actor()
    app, secret = await req.services.integrations.apps.do_install(actor, await req.json_object())
    # The secret is shown once, for the app's own configuration.
    return json_response({**app.to_dict(), "secret": secret}, status=201)


async def list_apps(req: Req) -> Response:
    actor = await req.actor()
    return json_response([a.to_dict() for a in await req.services.integrations.apps.listing(actor)])


async def get_app(req: Req) -> Response:
    actor = await req.actor()
    app = await req.services.integrations.apps.get(actor, req.path_str("app_id", 32))
    return json_response(app.to_dict())


async def uninstall_app(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.apps.do_uninstall(actor, req.path_str("app_id", 32))
    return ok_response()


async def refresh_bindings(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.apps.do_refresh_bindings(actor, req.path_str("app_id", 32))
    return ok_response()


async def bindings(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.integrations.app_requests.bindings_for(
        actor, req.query_id("channel_id"), req.query_id("team_id")
    )
    return json_response(found)


async def call(req: Req) -> Response:
    actor = await req.actor()
    answer = await req.services.integrations.app_requests.do_call(actor, await req.json_object())
    return json_response(answer)


async def subscribe(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.app_events.do_subscribe(actor, await req.json_object())
    return ok_response()


async def unsubscribe(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.app_events.do_unsubscribe(actor, await req.json_object())
    return ok_response()


async def subscriptions(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.integrations.app_events.listing(actor)
    return json_response([s.to_dict() for s in found])


def routes() -> list[Route]:
    return [
        Route("/apps", endpoint(install_app), methods=["POST"]),
        Route("/apps", endpoint(list_apps), methods=["GET"]),
        Route("/apps/{app_id}", endpoint(get_app), methods=["GET"]),
        Route("/apps/{app_id}", endpoint(uninstall_app), methods=["DELETE"]),
        Route("/apps/{app_id}/bindings/refresh", endpoint(refresh_bindings), methods=["POST"]),
    ]


def plugin_routes() -> list[Mount]:
    """Outside /api/v4, where Mattermost's apps plugin served them."""
    return [
        Mount(
            APPS_PLUGIN_PATH,
            routes=[
                Route("/bindings", endpoint(bindings), methods=["GET"]),
                Route("/call", endpoint(call), methods=["POST"]),
                Route("/subscribe", endpoint(subscribe), methods=["POST"]),
                Route("/unsubscribe", endpoint(unsubscribe), methods=["POST"]),
                Route("/subscriptions", endpoint(subscriptions), methods=["GET"]),
            ],
        )
    ]
