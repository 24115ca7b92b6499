"""Whether the pieces this node depends on answer, and take writes.

A node whose data directory, file store or database has turned read-only still
answers reads, and would pass a probe that only reads: every login would then fail
while the balancer keeps sending users to it. ``storage_problems`` therefore writes: a
probe file in the data directory, a probe object in the file store (written and
deleted; only for the detailed check, as Mattermost's), and a write the database must
accept. The data directory and database probes run in the background, at most every
``PROBE_INTERVAL_SECONDS`` per node however often the balancer asks.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from roost.cluster.bus import Bus, LocalBus
from roost.filestore import FileStore
from roost.store.db.database import HOME, Database
from roost.tenancy.scope import across_tenants, current_tenant

CHECK_TIMEOUT_SECONDS = 2.0
PROBE_INTERVAL_SECONDS = 2.0
# Not a key the app ever makes (those start with a tenant id), so it names no upload.
PROBE_KEY = "health-probe/{node}"


class Health:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        store: FileStore | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._bus = bus
        self._store = store
        self._data_dir = data_dir
        self._probed_at = -PROBE_INTERVAL_SECONDS
        self._problems: dict[str, str] = {}
        self._probe: asyncio.Task[None] | None = None

    def replicas_status(self) -> str:
        """The read replicas' state; "" when there are none."""
        replicas = self._db.replicas
        return replicas.status() if replicas is not None else ""

    def redis_status(self) -> str:
        """ "OK" or "UNHEALTHY" when nodes are joined through Redis; "" when they are not."""
        if isinstance(self._bus, LocalBus):
            return ""
        return "OK" if self._bus.connected else "UNHEALTHY"

    async def database_ok(self) -> bool:
        """Whether the asking tenant's database answers, and the directory's (which every
        request needs) when that is another one. A tenant's database being down does not
        fail the others' probes."""
        if not await self._answers():
            return False
        if self._db.database_of(current_tenant()) != HOME:
            with across_tenants(HOME):
                return await self._answers()
        return True

    async def storage_problems(self, deep: bool = False) -> dict[str, str]:
        """What cannot be written, with the reason: ``data_dir`` and ``database`` (a
        database that answers but refuses writes; one that does not answer is
        ``database_ok``'s), and with ``deep`` also ``filestore``. Empty when all is well.

        The node's probes run in the background: a ping answers at once from the last
        result (a slow disk never makes the balancer's probe time out) and starts the
        next probe when that result is older than PROBE_INTERVAL_SECONDS."""
        stale = time.monotonic() - self._probed_at >= PROBE_INTERVAL_SECONDS
        if stale and (self._probe is None or self._probe.done()):
            self._probe = asyncio.create_task(self._refresh())
        problems = dict(self._problems)
        if deep and self._store is not None:
            key = PROBE_KEY.format(node=os.getpid())
            try:
                async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                    await self._store.put_bytes(key, b"ok", "text/plain")
                    await self._store.delete([key])
            except Exception as exc:
                problems["filestore"] = _reason(exc)
        return problems

    async def _refresh(self) -> None:
        try:
            self._problems = await self._probe_node()
        finally:
            self._probed_at = time.monotonic()

    async def _probe_node(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self._data_dir is not None:
            try:
                await asyncio.to_thread(_write_probe_file, self._data_dir)
            except OSError as exc:
                problems["data_dir"] = f"{self._data_dir}: {exc.strerror or exc}"
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                if not await self._db.accepts_writes():
                    problems["database"] = "read-only"
        except Exception:
            # Down or busy (waiting for SQLite's write lock) is not read-only; a
            # database that does not answer is database_ok's to report.
            pass
        return problems

    async def _answers(self) -> bool:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self._db.ping()
        except Exception:
            return False
        return True


def _write_probe_file(folder: Path) -> None:
    probe = folder / f".health-probe-{os.getpid()}"
    probe.write_bytes(b"ok")
    probe.unlink()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__
