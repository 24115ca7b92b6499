"""Interactive dialogs' routes (``/actions/dialogs/open`` and ``/submit``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response


async def open_dialog(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    await req.services.messaging.dialogs.do_open(actor, body)
    return ok_response()


async def submit_dialog(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    answer = await req.services.messaging.dialogs.do_submit(actor, body)
    return json_response(answer)


def routes() -> list[Route]:
    return [
        Route("/actions/dialogs/open", endpoint(open_dialog), methods=["POST"]),
        Route("/actions/dialogs/submit", endpoint(submit_dialog), methods=["POST"]),
    ]
