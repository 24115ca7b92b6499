"""``/posts/{post_id}/actions/{action_id}``: a click on an interactive message."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response


async def do_action(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object() if await req.raw.body() else {}
    result = await req.services.integrations.post_actions.do_action(
        actor, req.path_id("post_id"), req.path_str("action_id", 64), body
    )
    return json_response(result)


def routes() -> list[Route]:
    return [Route("/posts/{post_id}/actions/{action_id}", endpoint(do_action), methods=["POST"])]
