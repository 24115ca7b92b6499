"""A user's own marks on posts and their custom status: saved (flagged) posts, marking a
post unread, and ``/users/{id}/status/custom``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response


async def flagged_posts(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    offset, limit = req.paging()
    found = await req.services.saved_posts.flagged(
        actor,
        user_id,
        team_id=req.query_id("team_id"),
        channel_id=req.query_id("channel_id"),
        offset=offset,
        limit=limit,
    )
    return json_response(found.to_dict())


class SetUnread(BaseModel):
    model_config = ConfigDict(extra="ignore")
    collapsed_threads_supported: bool = False


async def set_unread(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    post_id = req.path_id("post_id")
    body = await req.raw.body()
    crt = (await req.model(SetUnread)).collapsed_threads_supported if body.strip() else False
    unread_at = await req.services.post_unread.do_set_unread(actor, user_id, post_id, crt)
    return json_response(unread_at)


async def set_custom_status(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.custom_status.do_set(actor, user_id, await req.json())
    return ok_response()


async def clear_custom_status(req: Req) -> Response:
    actor = await req.actor()
    await req.services.custom_status.do_clear(actor, await req.user_id_param())
    return ok_response()


async def remove_recent_custom_status(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.custom_status.do_remove_recent(actor, user_id, await req.json())
    return ok_response()


def routes() -> list[Route]:
    r = Route
    return [
        r("/users/{user_id}/posts/flagged", endpoint(flagged_posts), methods=["GET"]),
        r("/users/{user_id}/posts/{post_id}/set_unread", endpoint(set_unread), methods=["POST"]),
        r("/users/{user_id}/status/custom", endpoint(set_custom_status), methods=["PUT"]),
        r("/users/{user_id}/status/custom", endpoint(clear_custom_status), methods=["DELETE"]),
        r(
            "/users/{user_id}/status/custom/recent/delete",
            endpoint(remove_recent_custom_status),
            methods=["POST"],
        ),
    ]
