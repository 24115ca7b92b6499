"""``/drafts``: server-side drafts, and the client performance reports clients send."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors

MAX_PERF_REPORT_BYTES = 64 * 1024


async def upsert_draft(req: Req) -> Response:
    actor = await req.actor()
    draft = await req.services.drafts.do_upsert(actor, await req.json_object())
    return json_response(draft.to_dict(), status=201)


async def team_drafts(req: Req) -> Response:
    actor = await req.actor()
    drafts = await req.services.drafts.list_for_team(
        actor, await req.user_id_param(), req.path_id("team_id")
    )
    return json_response([d.to_dict() for d in drafts])


async def delete_draft(req: Req) -> Response:
    actor = await req.actor()
    root_id = req.path_id("thread_id") if "thread_id" in req.raw.path_params else ""
    await req.services.drafts.do_delete(
        actor, await req.user_id_param(), req.path_id("channel_id"), root_id
    )
    return ok_response()


async def client_perf(req: Req) -> Response:
    """Clients report their own timings every minute; accepted and not stored yet."""
    await req.actor()
    body = await req.raw.body()
    if len(body) > MAX_PERF_REPORT_BYTES:
        raise errors.invalid_body_param("report")
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/drafts", endpoint(upsert_draft), methods=["POST"]),
        Route("/users/{user_id}/teams/{team_id}/drafts", endpoint(team_drafts), methods=["GET"]),
        Route(
            "/users/{user_id}/channels/{channel_id}/drafts",
            endpoint(delete_draft),
            methods=["DELETE"],
        ),
        Route(
            "/users/{user_id}/channels/{channel_id}/drafts/{thread_id}",
            endpoint(delete_draft),
            methods=["DELETE"],
        ),
        Route("/client_perf", endpoint(client_perf), methods=["POST"]),
    ]
