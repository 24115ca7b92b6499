"""``/users/sessions/device``: the mobile app names the device its session runs on."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import ok_response
from roost.app.kernel import errors


def _text(body: dict[str, Any], name: str) -> str:
    # The mobile app sends every value as a string; a boolean is taken as its spelling.
    value = body.get(name, "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        raise errors.invalid_param(name)
    return value


async def attach_device(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    await req.services.auth.do_attach_device(
        actor,
        _text(body, "device_id"),
        notification_disabled=_text(body, "device_notification_disabled"),
        mobile_version=_text(body, "mobile_version"),
    )
    return ok_response()


def routes() -> list[Route]:
    return [Route("/users/sessions/device", endpoint(attach_device), methods=["PUT"])]
