"""Guest accounts' routes (``/users/{user_id}/demote`` and ``/promote``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import ok_response


async def demote(req: Req) -> Response:
    actor = await req.actor()
    await req.services.messaging.guests.do_demote(actor, req.path_id("user_id"))
    return ok_response()


async def promote(req: Req) -> Response:
    actor = await req.actor()
    await req.services.messaging.guests.do_promote(actor, req.path_id("user_id"))
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/users/{user_id}/demote", endpoint(demote), methods=["POST"]),
        Route("/users/{user_id}/promote", endpoint(promote), methods=["POST"]),
    ]
