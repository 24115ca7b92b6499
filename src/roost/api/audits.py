"""``/audits`` and ``/users/{user_id}/audits``: the audit log, newest first, by page."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response


async def get_audits(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    audits = await req.services.audits.list_all(actor, offset, limit)
    return json_response([a.to_dict() for a in audits])


async def get_user_audits(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    offset, limit = req.paging()
    audits = await req.services.audits.list_for_user(actor, user_id, offset, limit)
    return json_response([a.to_dict() for a in audits])


def routes() -> list[Route]:
    return [
        Route("/audits", endpoint(get_audits), methods=["GET"]),
        Route("/users/{user_id}/audits", endpoint(get_user_audits), methods=["GET"]),
    ]
