"""``/agents``: the AI agents the mobile app lists at start-up (Mattermost serves them
through its AI plugin). Roost has none: an empty list, rather than the 404 the app
would log."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response


async def list_agents(req: Req) -> Response:
    await req.actor()
    return json_response([])


def routes() -> list[Route]:
    return [Route("/agents", endpoint(list_agents), methods=["GET"])]
