"""The whole HTTP surface, assembled from each domain's routes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from roost import metrics
from roost.api import bots, channel_members, channels, search, status, system, teams, threads, users
from roost.api import drafts as draft_routes
from roost.api import files as file_routes
from roost.api import plugins as plugin_routes
from roost.api import posts as post_routes
from roost.api import reactions as reaction_routes
from roost.api.responses import error_response
from roost.api.router import IndexedRouter
from roost.api.websocket import websocket_endpoint
from roost.app.errors import AppError
from roost.app.health import unavailable_error
from roost.ids import new_id

_LANDING = """<!doctype html><html><head><meta charset="utf-8"><title>Roost</title></head>
<body><h1>Roost</h1><p>The chat server is running. The API is at <code>/api/v4</code>.</p>
</body></html>"""


PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def api_routes() -> list[BaseRoute]:
    return [
        *system.routes(),
        *status.routes(),
        *users.routes(),
        *users.image_routes(),
        *bots.routes(),
        *draft_routes.routes(),
        *teams.routes(),
        *channels.routes(),
        *channel_members.routes(),
        *post_routes.routes(),
        *reaction_routes.routes(),
        *file_routes.routes(),
        *threads.routes(),
        *search.routes(),
        *plugin_routes.routes(),
        WebSocketRoute("/websocket", websocket_endpoint),
    ]


async def landing(_: Request) -> Response:
    return HTMLResponse(_LANDING)


async def prometheus_metrics(request: Request) -> Response:
    if not request.app.state.services.settings.metrics_enabled:
        return await not_found(request, LookupError())
    return Response(metrics.exposition(), media_type=PROMETHEUS_TEXT)


def all_routes() -> list[BaseRoute]:
    return [
        Mount("/api/v4", app=IndexedRouter(api_routes())),
        Route("/", landing, methods=["GET"]),
        Route("/metrics", prometheus_metrics, methods=["GET"]),
        *file_routes.public_routes(),
        *plugin_routes.public_routes(),
    ]


def _request_id(request: Request) -> str:
    return str(request.scope.get("roost.request_id") or new_id())


async def not_found(request: Request, _: Exception) -> Response:
    error = AppError(404, "api.context.404.app_error", "Sorry, we could not find the page.")
    return error_response(error, _request_id(request))


async def method_not_allowed(request: Request, _: Exception) -> Response:
    error = AppError(405, "api.context.405.app_error", "Method not allowed.")
    return error_response(error, _request_id(request))


async def server_error(request: Request, exc: Exception) -> Response:
    error = unavailable_error(exc) or AppError(
        500, "api.context.500.app_error", "An internal error occurred."
    )
    return error_response(error, _request_id(request))
