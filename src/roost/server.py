"""The ASGI app of one node: routes and middleware over the node ``roost.compose``
builds, with a lifespan that starts its components in order and stops them in reverse."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from types import FrameType
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware

from roost import metrics
from roost.api import files as file_routes
from roost.api import imports as import_routes
from roost.api.client_config import version_id
from roost.api.http.middleware import RoostMiddleware
from roost.api.http.rate_limit import RateLimitMiddleware, RateLimits
from roost.api.routes import all_routes, method_not_allowed, not_found, server_error
from roost.compose import build_node, start_all, stop_all, with_stored_settings
from roost.config import Settings
from roost.plugin_runtime.host_user import harden_process
from roost.store.db.migrate import migrate_all

log = logging.getLogger("roost.server")

# A young collection walks up to this many objects, and every 20th (generation 1) up to
# 20 times the survivors. Measured at ~4,000 load-test users with 50,000: generation-0
# pauses of 50-450 ms and generation-1 of 320-540 ms, each holding every request; at
# 10,000 the login storm's slow refusals (53-112 ms) went away (docs/benchmarks.md).
GC_GEN0_THRESHOLD = 10_000
# A collection pausing this long is logged: as long as admission control's quick refusals
# are allowed to take, all of them.
SLOW_GC_SECONDS = 0.05
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def create_app(settings: Settings, migrate: bool = True) -> Starlette:
    # No process of this uid (a plugin host, a plugin's subprocess) reads this one's
    # environment, where the operator token and database passwords are.
    harden_process()
    settings = with_stored_settings(settings)
    node = build_node(settings)
    services = node.services
    rate_limits = RateLimits(services.throttle, settings.rate_limits, services.auth.knows_token)
    admin = settings.serving.admin_address

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await migrate_all(settings)
        _tune_gc()
        started = await start_all(node.components)
        restore = _on_stop_signal(services.admission.close)
        try:
            yield
        finally:
            restore()
            services.admission.close()
            await stop_all(started)

    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(
                RoostMiddleware,
                version_id=version_id(),
                max_body_bytes=settings.max_request_body_bytes,
                streamed_uploads=frozenset({file_routes.UPLOAD_PATH, import_routes.UPLOAD_PREFIX}),
                resolve_tenant=services.tenants.admit,
                admin_port=admin[1] if admin else None,
                admin_paths_on_public=settings.serving.admin_paths_on_public,
            ),
            # Inside: its 429s carry the request id, and unknown hosts are refused first.
            Middleware(RateLimitMiddleware, limits=rate_limits),
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.rate_limits = rate_limits
    app.state.hub = node.hub
    app.state.presence = node.presence
    app.state.plugins = node.plugins
    app.state.version_id = version_id()
    app.state.hostname = socket.gethostname()
    node.hub.server_version = app.state.version_id
    node.hub.hostname = app.state.hostname
    return app


def app_for_worker() -> Starlette:
    """The app in one of several server processes (``roost serve --workers``): the
    parent has already migrated the database."""
    from roost.config import load_settings

    return create_app(load_settings(), migrate=False)


def _on_stop_signal(drop_queued: Callable[[], None]) -> Callable[[], None]:
    """On SIGTERM/SIGINT, drop the queued work at once (then let uvicorn's own handler
    stop the server): uvicorn waits for every running request before the lifespan
    ends, and a request queued for a hashing slot should be refused, not served late.
    Returns what puts the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(drop_queued)
        chained = previous.get(signum)
        if callable(chained):
            chained(signum, frame)

    for signum in STOP_SIGNALS:
        previous[signum] = signal.signal(signum, handle)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def _tune_gc() -> None:
    """Fewer collections than Python's default, each short: requests allocate many
    short-lived objects, and any collection walking many objects is a latency spike.
    Objects alive after start-up are frozen out of collection entirely."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, 20, 20)
    if _time_gc not in gc.callbacks:
        gc.callbacks.append(_time_gc)


_gc_started = 0.0
_gc_clock = time.perf_counter


def _time_gc(phase: str, info: dict[str, int]) -> None:
    """Every collection's pause into ``roost_gc_pause_seconds``; one long enough to be
    felt by every request in flight (``SLOW_GC_SECONDS``) is also logged, so that a
    latency spike can be matched with its cause."""
    global _gc_started
    if phase == "start":
        _gc_started = _gc_clock()
        return
    paused = _gc_clock() - _gc_started
    generation = info.get("generation", 0)
    metrics.gc_pause.labels(str(generation)).observe(paused)
    if paused >= SLOW_GC_SECONDS:
        log.warning(
            "garbage collection of generation %d paused the process for %.0f ms (%d collected)",
            generation,
            paused * 1000,
            info.get("collected", 0),
        )
