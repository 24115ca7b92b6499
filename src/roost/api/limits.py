"""``/limits/server``: the user and post-history limits the web app reads at start-up
(mattermost-redux's ``loadMe`` fails without it)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response


async def server_limits(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.users.server_limits(actor))


def routes() -> list[Route]:
    return [Route("/limits/server", endpoint(server_limits), methods=["GET"])]
