"""The ASGI app of one node: routes and middleware over the node ``roost.compose``
builds, with a lifespan that starts its components in order and stops them in reverse."""

from __future__ import annotations

import contextlib
import gc
import socket
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware

from roost.api import files as file_routes
from roost.api.client_config import version_id
from roost.api.http.middleware import RoostMiddleware
from roost.api.routes import all_routes, method_not_allowed, not_found, server_error
from roost.compose import build_node, start_all, stop_all
from roost.config import Settings
from roost.plugin_runtime.host_user import harden_process
from roost.store.db.migrate import migrate_all

GC_GEN0_THRESHOLD = 50_000


def create_app(settings: Settings, migrate: bool = True) -> Starlette:
    # No process of this uid (a plugin host, a plugin's subprocess) reads this one's
    # environment, where the operator token and database passwords are.
    harden_process()
    node = build_node(settings)
    services = node.services
    admin = settings.serving.admin_address

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await migrate_all(settings)
        _tune_gc()
        started = await start_all(node.components)
        try:
            yield
        finally:
            await stop_all(started)

    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(
                RoostMiddleware,
                version_id=version_id(),
                max_body_bytes=settings.max_request_body_bytes,
                streamed_uploads=frozenset({file_routes.UPLOAD_PATH}),
                resolve_tenant=services.tenants.admit,
                admin_port=admin[1] if admin else None,
                admin_paths_on_public=settings.serving.admin_paths_on_public,
            )
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.hub = node.hub
    app.state.presence = node.presence
    app.state.plugins = node.plugins
    app.state.version_id = version_id()
    app.state.hostname = socket.gethostname()
    return app


def app_for_worker() -> Starlette:
    """The app in one of several server processes (``roost serve --workers``): the
    parent has already migrated the database."""
    from roost.config import load_settings

    return create_app(load_settings(), migrate=False)


def _tune_gc() -> None:
    """Fewer, cheaper collections: requests allocate many short-lived objects, and a
    full collection walking every long-lived one is a latency spike. Objects alive after
    start-up are frozen out of collection entirely."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, 20, 20)
