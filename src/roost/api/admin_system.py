"""``/logs``, ``/cluster/status`` and ``/analytics/old`` for system admins
(``app/admin/node.py``, ``app/admin/analytics.py``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response
from roost.app.admin.cluster_logs import MISSING_HEADER
from roost.app.kernel import errors

DEFAULT_LOGS_PER_PAGE = 10_000


async def get_logs(req: Req) -> Response:
    actor = await req.actor()
    page = await req.services.node_admin.log_lines(
        actor,
        req.query_str("level", ""),
        req.query_int("page", 0),
        req.query_int("logs_per_page", DEFAULT_LOGS_PER_PAGE),
    )
    # Every node's lines; the nodes that did not answer in time are named here too.
    headers = {MISSING_HEADER: ",".join(page.missing)} if page.missing else None
    return json_response(page.lines, headers=headers)


async def post_log(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    level, message = body.get("level", ""), body.get("message", "")
    if not isinstance(level, str) or not isinstance(message, str):
        raise errors.invalid_body_param("level or message")
    await req.services.node_admin.do_client_log(actor, level, message)
    return json_response({"level": level, "message": message})


async def cluster_status(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.node_admin.cluster_status(actor))


async def analytics_old(req: Req) -> Response:
    actor = await req.actor()
    name = req.query_str("name", "standard") or "standard"
    team_id = req.query_id("team_id")
    return json_response(await req.services.analytics.old(actor, name, team_id))


def routes() -> list[Route]:
    return [
        Route("/logs", endpoint(get_logs), methods=["GET"]),
        Route("/logs", endpoint(post_log), methods=["POST"]),
        Route("/cluster/status", endpoint(cluster_status), methods=["GET"]),
        Route("/analytics/old", endpoint(analytics_old), methods=["GET"]),
    ]
