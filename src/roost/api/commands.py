"""``/commands``: custom slash commands, running commands, autocomplete."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response


async def create_command(req: Req) -> Response:
    actor = await req.actor()
    command = await req.services.integrations.commands.do_create(actor, await req.json_object())
    return json_response(command.to_dict(), status=201)


async def list_commands(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.integrations.commands.listing(
        actor, req.query_id("team_id", required=True), req.query_bool("custom_only")
    )
    return json_response(found)


async def get_command(req: Req) -> Response:
    actor = await req.actor()
    command = await req.services.integrations.commands.get(actor, req.path_id("command_id"))
    return json_response(command.to_dict())


async def update_command(req: Req) -> Response:
    actor = await req.actor()
    command = await req.services.integrations.commands.do_update(
        actor, req.path_id("command_id"), await req.json_object()
    )
    return json_response(command.to_dict())


async def delete_command(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.commands.do_delete(actor, req.path_id("command_id"))
    return ok_response()


async def regen_token(req: Req) -> Response:
    actor = await req.actor()
    token = await req.services.integrations.commands.do_regen_token(
        actor, req.path_id("command_id")
    )
    return json_response({"token": token})


async def execute(req: Req) -> Response:
    actor = await req.actor()
    answer = await req.services.integrations.commands.do_execute(actor, await req.json_object())
    return json_response(answer.to_dict())


async def autocomplete(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.integrations.commands.autocomplete(actor, req.path_id("team_id"))
    return json_response(found)


async def suggestions(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.integrations.commands.suggestions(
        actor,
        req.path_id("team_id"),
        req.query_str("user_input", max_len=4096),
        req.query_id("channel_id"),
        req.query_id("root_id"),
    )
    return json_response(found)


def routes() -> list[Route]:
    r = Route
    return [
        r("/commands/execute", endpoint(execute), methods=["POST"]),
        r("/commands", endpoint(create_command), methods=["POST"]),
        r("/commands", endpoint(list_commands), methods=["GET"]),
        r("/commands/{command_id}", endpoint(get_command), methods=["GET"]),
        r("/commands/{command_id}", endpoint(update_command), methods=["PUT"]),
        r("/commands/{command_id}", endpoint(delete_command), methods=["DELETE"]),
        r("/commands/{command_id}/regen_token", endpoint(regen_token), methods=["PUT"]),
        r("/teams/{team_id}/commands/autocomplete", endpoint(autocomplete), methods=["GET"]),
        r(
            "/teams/{team_id}/commands/autocomplete_suggestions",
            endpoint(suggestions),
            methods=["GET"],
        ),
    ]
