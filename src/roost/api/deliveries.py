"""``/outbound_deliveries``: the delivery queue as admins see it (Roost's own API)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response


async def list_deliveries(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    found = await req.services.integrations.deliveries.listing(
        actor, req.query_str("state", "failed", 16), offset, limit
    )
    return json_response([d.to_dict() for d in found])


async def retry_delivery(req: Req) -> Response:
    actor = await req.actor()
    await req.services.integrations.deliveries.do_retry(actor, req.path_id("delivery_id"))
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/outbound_deliveries", endpoint(list_deliveries), methods=["GET"]),
        Route(
            "/outbound_deliveries/{delivery_id}/retry",
            endpoint(retry_delivery),
            methods=["POST"],
        ),
    ]
