"""Sessions' ``last_activity_at`` without a write per request.

Every authenticated request notes the time in memory (a dict assignment); a worker
writes the sessions noted since its last round every ``flush_seconds``, one
transaction per database and one statement per tenant, as Mattermost's session cache
writes a session's activity at most once per five minutes. What a node noted but has
not written yet is merged into what it reads (the sessions list, the idle check), so
on one node the figures are exact; another node sees them up to ``flush_seconds`` late.

With an idle timeout, each round also ends the web sessions idle for longer than the
timeout plus one round (so that activity another node has not written yet cannot be
missed): a session held open only by a WebSocket, with no request to notice it, ends
too, and ``on_idle`` announces it (the hub closes its sockets on every node).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from cachetools import LRUCache

from roost.clock import now_ms
from roost.store.accounts import sessions as session_store
from roost.store.db.database import Database
from roost.tenancy.scope import across_tenants

log = logging.getLogger("roost.accounts")

# Mattermost's SessionActivityTimeout: a session's activity reaches the database at most
# this often. Shorter idle timeouts shorten it (a tenth of the timeout), so that a node
# judging a session idle from the database is at most that far off.
ACTIVITY_FLUSH_SECONDS = 300.0
MIN_FLUSH_SECONDS = 0.2
# Sessions whose last activity a node remembers (the token cache's size).
ACTIVITY_MEMORY = 100_000
# Idle sessions ended per database per round (the rest wait for the next round).
IDLE_SWEEP_BATCH = 1000


def flush_interval(idle_timeout_minutes: float) -> float:
    if idle_timeout_minutes <= 0:
        return ACTIVITY_FLUSH_SECONDS
    return max(MIN_FLUSH_SECONDS, min(ACTIVITY_FLUSH_SECONDS, idle_timeout_minutes * 6.0))


class SessionActivity:
    def __init__(
        self,
        db: Database,
        flush_seconds: float,
        idle_timeout_ms: int = 0,
        on_idle: Callable[[list[tuple[str, str]]], Awaitable[None]] | None = None,
    ) -> None:
        self._db = db
        self.flush_seconds = flush_seconds
        self._idle_timeout_ms = idle_timeout_ms
        self._on_idle = on_idle
        self._seen: LRUCache[tuple[str, str], int] = LRUCache(ACTIVITY_MEMORY)
        self._dirty: dict[tuple[str, str], int] = {}
        self._task: asyncio.Task[None] | None = None
        self.flushes = 0

    def touch(self, tenant_id: str, session_id: str, at: int) -> None:
        key = (tenant_id, session_id)
        self._seen[key] = at
        self._dirty[key] = at

    def last(self, tenant_id: str, session_id: str) -> int:
        """What this node saw of the session (0 when nothing)."""
        return self._seen.get((tenant_id, session_id), 0)

    def forget(self, tenant_id: str, session_id: str) -> None:
        self._seen.pop((tenant_id, session_id), None)
        self._dirty.pop((tenant_id, session_id), None)

    async def flush(self) -> None:
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, {}
        by_database: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for (tenant_id, session_id), at in dirty.items():
            by_database[self._db.database_of(tenant_id)][tenant_id][session_id] = at
        for database, by_tenant in by_database.items():
            try:
                with across_tenants(database):
                    async with self._db.write() as conn:
                        # Tenants in a fixed order too (see update_last_activity).
                        for tenant_id, activity in sorted(by_tenant.items()):
                            await self._db.narrow(conn, tenant_id)
                            await session_store.update_last_activity(conn, tenant_id, activity)
            except Exception:
                # Activity is advisory: a lost round is only a little staleness; the
                # next touch of each session writes it again.
                log.warning("session activity not written to database %r", database, exc_info=True)
        self.flushes += 1

    async def end_idle(self) -> int:
        """End the web sessions idle past the timeout (and one round); how many ended."""
        if not self._idle_timeout_ms:
            return 0
        cutoff = now_ms() - self._idle_timeout_ms - int(self.flush_seconds * 1000)
        ended: list[tuple[str, str]] = []
        for database in self._db.names():
            try:
                with across_tenants(database):
                    async with self._db.write() as conn:
                        ended += await session_store.end_idle_web_sessions(
                            conn, cutoff, self._db.read_only_tenants(), IDLE_SWEEP_BATCH
                        )
            except Exception:
                log.warning("idle sessions not swept in database %r", database, exc_info=True)
        for tenant_id, session_id in ended:
            self.forget(tenant_id, session_id)
        if ended and self._on_idle is not None:
            await self._on_idle(ended)
        return len(ended)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.flush_seconds)
            try:
                await self.flush()
                await self.end_idle()
            except Exception:
                # The loop outlives any one round's failure.
                log.exception("session activity round failed")

    async def start(self) -> None:
        self._task = asyncio.ensure_future(self.run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
