"""Each app's bindings, cached by the server.

Mattermost's Apps Framework asked every app for its bindings on every channel switch;
Roost asks each app once and keeps the answer, per app (not per user or channel), until
the app says they changed (``refresh_bindings`` in a call's answer, or its bot calling
the refresh endpoint) or ``ROOST_APP_BINDINGS_TTL_SECONDS`` pass. A refresh is an
internal bus event, so every node drops its copy. Concurrent misses on a node share
one fetch; an app that fails to answer is asked again after a short pause, not on
every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from roost.app.integrations.apps.calls import base_context, request_body, send
from roost.app.integrations.outbound import OutboundHttp
from roost.app.kernel import errors
from roost.cluster.bus import Bus
from roost.model.app import AppBindings, InstalledApp
from roost.model.event import Event, internal_event
from roost.model.events import BINDINGS_CHANGED, RESYNC

log = logging.getLogger("roost.integrations")

# An app's bindings: at most this many, nested at most this deep (a command, its
# sub-commands, theirs); an answer beyond either is refused, and logged.
MAX_BINDINGS = 200
MAX_DEPTH = 3
LABEL_MAX = 128
FAILED_RETRY_SECONDS = 10.0


class BindingsTooLarge(ValueError):
    pass


def _stamped(binding: Any, app_id: str, depth: int, count: list[int]) -> dict[str, Any]:
    if not isinstance(binding, dict):
        raise BindingsTooLarge("a binding is not an object")
    count[0] += 1
    if count[0] > MAX_BINDINGS:
        raise BindingsTooLarge(f"more than {MAX_BINDINGS} bindings")
    if depth > MAX_DEPTH:
        raise BindingsTooLarge(f"nested deeper than {MAX_DEPTH}")
    label = binding.get("label") or binding.get("location") or ""
    if not isinstance(label, str) or len(label) > LABEL_MAX:
        raise BindingsTooLarge("a label is not a short string")
    out = {**binding, "app_id": app_id}
    subs = binding.get("bindings")
    if subs is not None:
        if not isinstance(subs, list):
            raise BindingsTooLarge("bindings is not a list")
        out["bindings"] = [_stamped(b, app_id, depth + 1, count) for b in subs]
    return out


def checked_bindings(app: InstalledApp, data: Any) -> AppBindings:
    """The bindings call's ``data``: a list of ``{location, bindings}``, kept for the
    locations the manifest requested."""
    if not isinstance(data, list):
        raise BindingsTooLarge("data is not a list")
    allowed = set(app.manifest.get("requested_locations") or ())
    found = AppBindings(app.app_id)
    count = [0]
    for top in data:
        if not isinstance(top, dict) or top.get("location") not in allowed:
            continue
        subs = top.get("bindings") or []
        if not isinstance(subs, list):
            raise BindingsTooLarge("bindings is not a list")
        found.by_location.setdefault(top["location"], []).extend(
            _stamped(b, app.app_id, 1, count) for b in subs
        )
    return found


class BindingsCache:
    def __init__(
        self, http: OutboundHttp, bus: Bus, ttl_seconds: float, site_url: Callable[[str], str]
    ) -> None:
        self._http = http
        self._bus = bus
        self._ttl = ttl_seconds
        self._site_url = site_url
        self._cached: dict[tuple[str, str], tuple[float, AppBindings]] = {}
        self._fetching: dict[tuple[str, str], asyncio.Future[AppBindings]] = {}
        # Bumped by every drop, so a fetch that was under way then is not kept.
        self._generation = 0
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.name == BINDINGS_CHANGED:
            self._generation += 1
            self._cached.pop((event.tenant_id, event.data["app_id"]), None)
        elif event.name == RESYNC:
            self._generation += 1
            self._cached.clear()

    def cached(self, tenant_id: str, app_id: str) -> AppBindings | None:
        """What this node holds now, stale or not (for synchronous listings)."""
        held = self._cached.get((tenant_id, app_id))
        return held[1] if held else None

    async def get(self, app: InstalledApp) -> AppBindings:
        key = (app.tenant_id, app.app_id)
        held = self._cached.get(key)
        if held is not None and held[0] > time.monotonic():
            return held[1]
        running = self._fetching.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[AppBindings] = asyncio.get_running_loop().create_future()
        self._fetching[key] = future
        generation = self._generation
        try:
            found, keep = await self._fetch(app)
            if generation == self._generation:
                self._cached[key] = (time.monotonic() + keep, found)
            future.set_result(found)
            return found
        finally:
            del self._fetching[key]
            if not future.done():
                future.cancel()

    async def _fetch(self, app: InstalledApp) -> tuple[AppBindings, float]:
        call = app.manifest["bindings"]
        context = base_context(app, self._site_url)
        try:
            answer = await send(
                self._http, app, call["path"], request_body(call, context), app.bot_user_id
            )
            if answer["type"] != "ok":
                raise BindingsTooLarge(f"answered {answer['type']}: {answer.get('text', '')}")
            return checked_bindings(app, answer.get("data") or []), self._ttl
        except (errors.AppError, BindingsTooLarge) as exc:
            why = (exc.detailed or exc.message) if isinstance(exc, errors.AppError) else str(exc)
            log.warning("bindings of app %s not used: %s", app.app_id, why)
            return AppBindings(app.app_id), FAILED_RETRY_SECONDS

    async def refresh(self, tenant_id: str, app_id: str) -> None:
        """Every node forgets this app's bindings; the next request asks it again."""
        await self._bus.publish([internal_event(tenant_id, BINDINGS_CHANGED, {"app_id": app_id})])
