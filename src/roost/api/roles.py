"""Roles: Mattermost's built-in roles and their permissions (``/api/v4/roles``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, decode_json, endpoint
from roost.api.http.responses import json_response


async def _body(req: Req, name: str) -> Any:
    """The JSON body; missing or malformed is Mattermost's invalid body error for ``name``."""
    raw = await req.raw.body()
    return decode_json(raw, name) if raw else None


async def list_roles(req: Req) -> Response:
    actor = await req.actor()
    roles = await req.services.roles.list_all(actor)
    return json_response([r.to_dict() for r in roles])


async def get_role(req: Req) -> Response:
    actor = await req.actor()
    role = await req.services.roles.get(actor, str(req.raw.path_params["role_id"]))
    return json_response(role.to_dict())


async def get_role_by_name(req: Req) -> Response:
    actor = await req.actor()
    role = await req.services.roles.get_by_name(actor, str(req.raw.path_params["role_name"]))
    return json_response(role.to_dict())


async def get_roles_by_names(req: Req) -> Response:
    actor = await req.actor()
    roles = await req.services.roles.get_by_names(actor, await _body(req, "rolenames"))
    return json_response([r.to_dict() for r in roles])


async def patch_role(req: Req) -> Response:
    actor = await req.actor()
    role_id = str(req.raw.path_params["role_id"])
    role = await req.services.roles.do_patch(actor, role_id, await _body(req, "role"))
    return json_response(role.to_dict())


def routes() -> list[Route]:
    return [
        Route("/roles", endpoint(list_roles), methods=["GET"]),
        Route("/roles/names", endpoint(get_roles_by_names), methods=["POST"]),
        Route("/roles/name/{role_name}", endpoint(get_role_by_name), methods=["GET"]),
        Route("/roles/{role_id}", endpoint(get_role), methods=["GET"]),
        Route("/roles/{role_id}/patch", endpoint(patch_role), methods=["PUT"]),
    ]
