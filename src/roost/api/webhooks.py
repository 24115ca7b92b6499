"""``/hooks/incoming``, ``/hooks/outgoing`` and the public ``/hooks/{id}`` endpoints
integrations post to."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from roost.api.http.request import Req, decode_json, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.integrations.errors import webhook_payload_too_large
from roost.app.kernel import errors

FORM = "application/x-www-form-urlencoded"


async def _payload(req: Req, limit: int) -> Any:
    """JSON, or a form whose ``payload`` field is JSON (as Slack's hooks take)."""
    declared = req.raw.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise webhook_payload_too_large(limit)
    body = b""
    async for chunk in req.raw.stream():
        body += chunk
        if len(body) > limit:
            raise webhook_payload_too_large(limit)
    if req.raw.headers.get("content-type", "").split(";")[0].strip() == FORM:
        fields = parse_qs(body.decode(errors="replace"))
        if "payload" not in fields:
            raise errors.invalid_body_param("payload")
        body = fields["payload"][0].encode()
    if not body.strip():
        raise errors.invalid_body_param("payload")
    return decode_json(body, "payload")


async def receive_incoming(req: Req) -> Response:
    settings = req.services.settings.integrations
    payload = await _payload(req, settings.incoming_webhook_max_bytes)
    if not isinstance(payload, dict):
        raise errors.invalid_body_param("payload", "expected a JSON object")
    await req.services.integrations.incoming_webhooks.do_receive(
        req.tenant_id, req.path_str("hook_id", 64), payload
    )
    return PlainTextResponse("ok")


async def receive_command_response(req: Req) -> Response:
    payload = await _payload(req, req.services.settings.integrations.incoming_webhook_max_bytes)
    await req.services.integrations.custom_commands.do_respond(
        req.tenant_id, req.path_str("hook_id", 64), payload
    )
    return PlainTextResponse("ok")


# Incoming hooks.


async def create_incoming(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.incoming_webhooks.do_create(
        actor, await req.json_object()
    )
    return json_response(hook.to_dict(), status=201)


async def list_incoming(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    hooks = await req.services.integrations.incoming_webhooks.listing(
        actor, req.query_id("team_id"), offset, limit
    )
    return json_response([h.to_dict() for h in hooks])


async def get_incoming(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.incoming_webhooks.get(actor, req.path_id("hook_id"))
    return json_response(hook.to_dict())


async def update_incoming(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.incoming_webhooks.do_update(
        actor, req.path_id("hook_id"), await req.json_object()
    )
    return json_response(hook.to_dict())


async def delete_incoming(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.incoming_webhooks.do_delete(actor, req.path_id("hook_id"))
    return ok_response()


# Outgoing hooks.


async def create_outgoing(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.outgoing_webhooks.do_create(
        actor, await req.json_object()
    )
    return json_response(hook.to_dict(), status=201)


async def list_outgoing(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    hooks = await req.services.integrations.outgoing_webhooks.listing(
        actor, req.query_id("team_id"), req.query_id("channel_id"), offset, limit
    )
    return json_response([h.to_dict() for h in hooks])


async def get_outgoing(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.outgoing_webhooks.get(actor, req.path_id("hook_id"))
    return json_response(hook.to_dict())


async def update_outgoing(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.outgoing_webhooks.do_update(
        actor, req.path_id("hook_id"), await req.json_object()
    )
    return json_response(hook.to_dict())


async def regen_outgoing_token(req: Req) -> Response:
    actor = await req.actor()
    hook = await req.services.integrations.outgoing_webhooks.do_regen_token(
        actor, req.path_id("hook_id")
    )
    return json_response(hook.to_dict())


async def delete_outgoing(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.outgoing_webhooks.do_delete(actor, req.path_id("hook_id"))
    return ok_response()


def routes() -> list[Route]:
    r = Route
    return [
        r("/hooks/incoming", endpoint(create_incoming), methods=["POST"]),
        r("/hooks/incoming", endpoint(list_incoming), methods=["GET"]),
        r("/hooks/incoming/{hook_id}", endpoint(get_incoming), methods=["GET"]),
        r("/hooks/incoming/{hook_id}", endpoint(update_incoming), methods=["PUT"]),
        r("/hooks/incoming/{hook_id}", endpoint(delete_incoming), methods=["DELETE"]),
        r("/hooks/outgoing", endpoint(create_outgoing), methods=["POST"]),
        r("/hooks/outgoing", endpoint(list_outgoing), methods=["GET"]),
        r("/hooks/outgoing/{hook_id}", endpoint(get_outgoing), methods=["GET"]),
        r("/hooks/outgoing/{hook_id}", endpoint(update_outgoing), methods=["PUT"]),
        r("/hooks/outgoing/{hook_id}", endpoint(delete_outgoing), methods=["DELETE"]),
        r(
            "/hooks/outgoing/{hook_id}/regen_token",
            endpoint(regen_outgoing_token),
            methods=["POST"],
        ),
    ]


def public_routes() -> list[Route]:
    """Outside /api/v4, where Mattermost serves them."""
    return [
        Route("/hooks/commands/{hook_id}", endpoint(receive_command_response), methods=["POST"]),
        Route("/hooks/{hook_id}", endpoint(receive_incoming), methods=["POST"]),
    ]
