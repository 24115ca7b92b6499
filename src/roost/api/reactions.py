"""``/reactions`` and the reaction paths under posts and users."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response

MAX_BULK_POSTS = 200


class NewReaction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    user_id: str = ""
    post_id: str = ""
    emoji_name: str = ""


async def add_reaction(req: Req) -> Response:
    actor = await req.actor()
    body = await req.model(NewReaction)
    reaction = await req.services.reactions.do_add(
        actor, body.user_id, body.post_id, body.emoji_name
    )
    # 200, not the 201 the OpenAPI description claims: clients expect what Mattermost sends.
    return json_response(reaction.to_dict())


async def post_reactions(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.reactions.for_post(actor, req.path_id("post_id"))
    return json_response([r.to_dict() for r in found])


async def remove_reaction(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    post_id = req.path_id("post_id")
    emoji_name = req.path_str("emoji_name", 64)
    await req.services.reactions.do_remove(actor, user_id, post_id, emoji_name)
    return ok_response()


async def bulk_reactions(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("post_ids", MAX_BULK_POSTS)
    found = await req.services.reactions.for_posts(actor, ids)
    return json_response({pid: [r.to_dict() for r in rs] for pid, rs in found.items()})


def routes() -> list[Route]:
    r = Route
    return [
        r("/reactions", endpoint(add_reaction), methods=["POST"]),
        r("/posts/ids/reactions", endpoint(bulk_reactions), methods=["POST"]),
        r("/posts/{post_id}/reactions", endpoint(post_reactions), methods=["GET"]),
        r(
            "/users/{user_id}/posts/{post_id}/reactions/{emoji_name}",
            endpoint(remove_reaction),
            methods=["DELETE"],
        ),
    ]
