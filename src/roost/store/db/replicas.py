"""PostgreSQL read replicas: which are fit to serve reads, and who must read the primary.

A monitor asks each replica every second how far behind it is. One that lags more than
the limit, or does not answer, leaves the rotation until it catches up; reads then go
to the others, or to the primary. A reader who wrote a moment ago reads the primary, so
nobody misses their own change: the api layer names the reader of each request
(``bind_reader``), and every write marks its reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from contextvars import ContextVar
from dataclasses import dataclass

from cachetools import TTLCache
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from roost import metrics

log = logging.getLogger("roost.store")

CHECK_INTERVAL_SECONDS = 1.0
MAX_TRACKED_WRITERS = 100_000

# Seconds the replica is behind: 0 when it has replayed all the WAL it received.
_LAG_SQL = text(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

_reader: ContextVar[str] = ContextVar("roost_reader", default="")


def bind_reader(key: str) -> None:
    """Name whoever this request reads for (a user id); set once per request."""
    _reader.set(key)


@dataclass
class Replica:
    url: str
    engine: AsyncEngine
    healthy: bool = False
    lag_seconds: float | None = None


class ReplicaSet:
    def __init__(
        self, replicas: list[Replica], max_lag_seconds: float, read_own_writes_seconds: float
    ) -> None:
        self.replicas = replicas
        self.max_lag = max_lag_seconds
        self._recent_writers: TTLCache[str, bool] = TTLCache(
            MAX_TRACKED_WRITERS, read_own_writes_seconds
        )
        self._turn = itertools.count()
        self._monitor: asyncio.Task[None] | None = None

    def wrote(self) -> None:
        key = _reader.get()
        if key:
            self._recent_writers[key] = True

    def pick(self) -> Replica | None:
        """A healthy replica for this request's reads, or None for the primary."""
        if _reader.get() in self._recent_writers:
            return None
        healthy = [r for r in self.replicas if r.healthy]
        if not healthy:
            return None
        return healthy[next(self._turn) % len(healthy)]

    def failed(self, replica: Replica) -> None:
        """A read on it could not reach it: out of rotation until the monitor sees it again."""
        replica.healthy = False

    async def start(self) -> None:
        await self.check()
        self._monitor = asyncio.create_task(self._watch(), name="replica-monitor")

    async def close(self) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
        for replica in self.replicas:
            await replica.engine.dispose()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(CHECK_INTERVAL_SECONDS)
            await self.check()

    async def check(self) -> None:
        for replica in self.replicas:
            try:
                async with asyncio.timeout(2), replica.engine.connect() as conn:
                    lag = float((await conn.execute(_LAG_SQL)).scalar() or 0.0)
            except Exception as exc:  # any failure means: not fit to serve
                if replica.healthy:
                    log.warning("replica %s out of rotation: %s", _host(replica.url), exc)
                replica.healthy, replica.lag_seconds = False, None
                continue
            fit = lag <= self.max_lag
            if fit != replica.healthy:
                state = "back in rotation" if fit else f"out of rotation ({lag:.1f} s behind)"
                log.warning("replica %s %s", _host(replica.url), state)
            replica.healthy, replica.lag_seconds = fit, lag
            metrics.db_replica_lag.labels(_host(replica.url)).set(lag)
        for replica in self.replicas:
            metrics.db_replica_healthy.labels(_host(replica.url)).set(int(replica.healthy))

    def status(self) -> str:
        """ "OK" (all in rotation), "DEGRADED" (some) or "UNHEALTHY" (none: primary only)."""
        healthy = sum(r.healthy for r in self.replicas)
        if healthy == len(self.replicas):
            return "OK"
        return "DEGRADED" if healthy else "UNHEALTHY"


def _host(url: str) -> str:
    return url.rsplit("@", 1)[-1]
