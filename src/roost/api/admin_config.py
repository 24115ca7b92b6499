"""``/config`` (Mattermost's configuration API) and the operator's
``/operator/v1/config`` (the deployment's part): ``app/admin/config.py``."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.api.operator import OPERATOR_PREFIX, check_operator
from roost.config.mattermost import environment_document


def _etag(req: Req, tenant_id: str) -> dict[str, str]:
    return {"ETag": f'"{req.services.config_admin.config_hash(tenant_id)}"'}


async def get_config(req: Req) -> Response:
    actor = await req.actor()
    doc = await req.services.config_admin.get(actor)
    return json_response(doc, headers=_etag(req, actor.tenant_id))


async def put_config(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json()
    expected = req.raw.headers.get("if-match", "").strip().strip('"')
    doc = await req.services.config_admin.do_patch(actor, body, expected)
    return json_response(doc, headers=_etag(req, actor.tenant_id))


async def patch_config(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json()
    doc = await req.services.config_admin.do_patch(actor, body)
    return json_response(doc, headers=_etag(req, actor.tenant_id))


async def reload_config(req: Req) -> Response:
    actor = await req.actor()
    await req.services.config_admin.do_reload(actor)
    return ok_response()


async def config_environment(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.config_admin.environment(actor))


async def config_scopes(req: Req) -> Response:
    """Roost's own: who may change each setting and whether it applies at once."""
    actor = await req.actor()
    return json_response(await req.services.config_admin.scopes(actor))


async def operator_get_config(req: Req) -> Response:
    check_operator(req)
    admin = req.services.config_admin
    return json_response(
        {
            "config": admin.document(""),
            "environment": environment_document(admin.live.fixed),
        }
    )


async def operator_patch_config(req: Req) -> Response:
    check_operator(req)
    doc, restart = await req.services.config_admin.operator_patch(await req.json())
    return json_response({"config": doc, "restart_required": restart})


def routes() -> list[Route]:
    return [
        Route("/config", endpoint(get_config), methods=["GET"]),
        Route("/config", endpoint(put_config), methods=["PUT"]),
        Route("/config/patch", endpoint(patch_config), methods=["PUT"]),
        Route("/config/reload", endpoint(reload_config), methods=["POST"]),
        Route("/config/environment", endpoint(config_environment), methods=["GET"]),
        Route("/config/scopes", endpoint(config_scopes), methods=["GET"]),
    ]


def operator_routes() -> list[Route]:
    p = OPERATOR_PREFIX
    return [
        Route(f"{p}/config", endpoint(operator_get_config), methods=["GET"]),
        Route(f"{p}/config/patch", endpoint(operator_patch_config), methods=["PUT"]),
    ]
