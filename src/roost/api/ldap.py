"""``/ldap``: the LDAP directory's sync and connection test (system admins)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response


async def sync_now(req: Req) -> Response:
    """Mattermost answers ``{"status": "OK"}`` once the job is queued; Roost runs the
    sync before answering and adds what it did."""
    actor = await req.actor()
    result = await req.services.ldap.do_sync(actor)
    return json_response(result.to_dict())


async def test_connection(req: Req) -> Response:
    actor = await req.actor()
    await req.services.ldap.do_test(actor)
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/ldap/sync", endpoint(sync_now), methods=["POST"]),
        Route("/ldap/test", endpoint(test_connection), methods=["POST"]),
    ]
