"""``/bots`` and personal access tokens (``/users/{id}/tokens``, ``/users/tokens/...``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.ids import is_valid_id


async def create_bot(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    username = body.get("username")
    display_name = body.get("display_name", "")
    description = body.get("description", "")
    if not isinstance(username, str) or not username:
        raise errors.invalid_body_param("username")
    if not isinstance(display_name, str) or not isinstance(description, str):
        raise errors.invalid_body_param("display_name")
    bot = await req.services.bots.do_create(actor, username, display_name, description)
    return json_response(bot.to_dict(), status=201)


async def list_bots(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    bots = await req.services.bots.list(actor, offset, limit, req.query_bool("include_deleted"))
    return json_response([b.to_dict() for b in bots])


async def get_bot(req: Req) -> Response:
    actor = await req.actor()
    bot = await req.services.bots.get(
        actor, req.path_id("bot_user_id"), req.query_bool("include_deleted")
    )
    return json_response(bot.to_dict())


async def patch_bot(req: Req) -> Response:
    actor = await req.actor()
    bot = await req.services.bots.do_patch(
        actor, req.path_id("bot_user_id"), await req.json_object()
    )
    return json_response(bot.to_dict())


async def disable_bot(req: Req) -> Response:
    actor = await req.actor()
    bot = await req.services.bots.do_set_enabled(actor, req.path_id("bot_user_id"), False)
    return json_response(bot.to_dict())


async def enable_bot(req: Req) -> Response:
    actor = await req.actor()
    bot = await req.services.bots.do_set_enabled(actor, req.path_id("bot_user_id"), True)
    return json_response(bot.to_dict())


async def assign_bot(req: Req) -> Response:
    actor = await req.actor()
    bot = await req.services.bots.do_assign(
        actor, req.path_id("bot_user_id"), req.path_id("user_id")
    )
    return json_response(bot.to_dict())


async def create_token(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    description = body.get("description")
    if not isinstance(description, str):
        raise errors.invalid_body_param("description")
    token, value = await req.services.auth.do_create_access_token(
        actor, await req.user_id_param(), description
    )
    return json_response(token.to_dict(value))


async def list_user_tokens(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    tokens = await req.services.auth.list_access_tokens(
        actor, await req.user_id_param(), offset, limit
    )
    return json_response([t.to_dict() for t in tokens])


async def get_token(req: Req) -> Response:
    actor = await req.actor()
    token = await req.services.auth.get_access_token(actor, req.path_id("token_id"))
    return json_response(token.to_dict())


def _token_state(state: str) -> Route:
    async def change(req: Req) -> Response:
        actor = await req.actor()
        body = await req.json_object()
        token_id = body.get("token_id")
        if not isinstance(token_id, str) or not is_valid_id(token_id):
            raise errors.invalid_body_param("token_id")
        await req.services.auth.do_set_access_token_state(actor, token_id, state)
        return ok_response()

    change.__name__ = f"{state}_token"
    return Route(f"/users/tokens/{state}", endpoint(change), methods=["POST"])


def routes() -> list[Route]:
    return [
        Route("/bots", endpoint(create_bot), methods=["POST"]),
        Route("/bots", endpoint(list_bots), methods=["GET"]),
        Route("/bots/{bot_user_id}", endpoint(get_bot), methods=["GET"]),
        Route("/bots/{bot_user_id}", endpoint(patch_bot), methods=["PUT"]),
        Route("/bots/{bot_user_id}/disable", endpoint(disable_bot), methods=["POST"]),
        Route("/bots/{bot_user_id}/enable", endpoint(enable_bot), methods=["POST"]),
        Route("/bots/{bot_user_id}/assign/{user_id}", endpoint(assign_bot), methods=["POST"]),
        _token_state("revoke"),
        _token_state("disable"),
        _token_state("enable"),
        Route("/users/tokens/{token_id}", endpoint(get_token), methods=["GET"]),
        Route("/users/{user_id}/tokens", endpoint(create_token), methods=["POST"]),
        Route("/users/{user_id}/tokens", endpoint(list_user_tokens), methods=["GET"]),
    ]
