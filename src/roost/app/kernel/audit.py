"""The audit log's recorder: every domain notes security-relevant actions here.

``record(actor, "updatePassword", extra)`` (or ``record_as`` where nobody is logged in,
as a failed login) is synchronous and never fails: it puts the record on a bounded
queue and returns. A background task writes the queue in batches, one transaction per
tenant, shortly after records arrive. Why not in the action's own transaction: a login
failure has no transaction, the record would lengthen every write it joins, and an
audit row that cannot be written (a full disk, a tenant being moved) would fail the
action itself. Why not awaited after the commit: a login storm would add a transaction
per attempt on the request path. The price is that records still queued when a process
dies are lost (at most ``AUDIT_GATHER_SECONDS`` worth, plus whatever the database
refused meanwhile); a full queue drops new records and counts them
(``roost_audit_records_dropped_total``), so recording never waits and never grows
without bound. Reads flush the queue first, so a node reads its own records at once.

The address is the client's as the API layer saw it (``enter_client_address``, once
per request), so call sites need not carry it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import unicodedata
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass

from roost import metrics
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.ids import new_id
from roost.model.audit import ACTION_MAX, EXTRA_INFO_MAX, IP_ADDRESS_MAX, Audit
from roost.store import audits as audit_store
from roost.store.db.database import Database
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger("roost.audit")

# Records waiting to be written; beyond this new ones are dropped (and counted).
AUDIT_QUEUE_MAX = 10_000
# Records written per round (each tenant's in one transaction).
AUDIT_FLUSH_BATCH = 500
# How long the writer waits after the first record so that a burst shares a round.
AUDIT_GATHER_SECONDS = 0.05
# Rounds a record may fail in (its tenant moving, the database away) before it is dropped.
AUDIT_MAX_ATTEMPTS = 5
AUDIT_RETRY_SECONDS = 1.0
# The purge deletes this many rows per statement and at most this many per run and database.
AUDIT_PURGE_BATCH = 1_000
AUDIT_PURGE_MAX_PER_RUN = 50_000

DAY_MS = 86_400_000

# The dropped counter's children, looked up once (a full queue is the path to keep cheap).
_DROPPED_FULL = metrics.audit_dropped.labels("full")
_DROPPED_FAILED = metrics.audit_dropped.labels("failed")

_client_address: ContextVar[str] = ContextVar("roost_client_address", default="")


def enter_client_address(address: str) -> None:
    """The client's address for the rest of this task (a request's)."""
    _client_address.set(address[:IP_ADDRESS_MAX])


def client_address() -> str:
    return _client_address.get()


def clean(text: str, limit: int) -> str:
    """Control characters (NUL would fail a PostgreSQL insert) become spaces; cut to fit."""
    if text.isprintable():
        return text[:limit]
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)[:limit]


@dataclass(slots=True)
class _Pending:
    tenant_id: str
    audit: Audit
    attempts: int = 0


class AuditLog:
    def __init__(
        self,
        db: Database | None,
        retention_days: float = 0,
        purge_interval_seconds: float = 3600,
        queue_max: int = AUDIT_QUEUE_MAX,
    ) -> None:
        """``db`` None records nothing (a service built without a log)."""
        self._db = db
        self._retention_ms = int(retention_days * DAY_MS)
        self._purge_interval = purge_interval_seconds
        self._queue_max = queue_max
        self._pending: deque[_Pending] = deque()
        self._arrived = asyncio.Event()
        # One writer at a time: a read waits for a round already under way.
        self._writing = asyncio.Lock()
        self.dropped = 0

    # Recording.

    def record(self, actor: Actor, action: str, extra: str = "") -> None:
        """``actor`` did ``action`` (Mattermost's audit event names: ``updatePassword``,
        ``updateUserRoles``, ...); ``extra`` names the target and details, never a secret."""
        self.record_as(actor.tenant_id, actor.user_id, action, extra, actor.session_id)

    def record_as(
        self, tenant_id: str, user_id: str, action: str, extra: str = "", session_id: str = ""
    ) -> None:
        """A record for ``user_id`` ('' for nobody known) where no Actor exists."""
        if self._db is None:
            return
        if len(self._pending) >= self._queue_max:
            self.dropped += 1
            _DROPPED_FULL.inc()
            return
        audit = Audit(
            id=new_id(),
            create_at=now_ms(),
            user_id=user_id,
            action=clean(action, ACTION_MAX),
            extra_info=clean(extra, EXTRA_INFO_MAX),
            ip_address=client_address(),
            session_id=session_id,
        )
        self._pending.append(_Pending(tenant_id, audit))
        self._arrived.set()

    @property
    def queued(self) -> int:
        return len(self._pending)

    # Writing.

    async def run(self) -> None:
        """The writer: a round shortly after records arrive, until cancelled."""
        while True:
            await self._arrived.wait()
            await asyncio.sleep(AUDIT_GATHER_SECONDS)
            self._arrived.clear()
            try:
                failed = await self.flush()
            except Exception:
                log.exception("writing audit records failed")
                failed = 1
            if failed:
                await asyncio.sleep(AUDIT_RETRY_SECONDS)
                self._arrived.set()

    async def flush(self) -> int:
        """Write what is queued, a batch at a time; returns how many records failed
        (queued again, or dropped after ``AUDIT_MAX_ATTEMPTS``)."""
        failed = 0
        async with self._writing:
            while self._pending and not failed:
                batch = [
                    self._pending.popleft()
                    for _ in range(min(AUDIT_FLUSH_BATCH, len(self._pending)))
                ]
                failed = await self._write(batch)
        return failed

    async def _write(self, batch: list[_Pending]) -> int:
        assert self._db is not None
        by_tenant: dict[str, list[_Pending]] = {}
        for item in batch:
            by_tenant.setdefault(item.tenant_id, []).append(item)
        retry: list[_Pending] = []
        for tenant_id, items in by_tenant.items():
            try:
                with tenant_scope(tenant_id):
                    async with self._db.write() as conn:
                        await audit_store.insert_many(conn, tenant_id, [i.audit for i in items])
                metrics.audit_written.inc(len(items))
            except Exception as exc:
                log.warning("audit records of tenant %s not written yet: %r", tenant_id, exc)
                for item in items:
                    item.attempts += 1
                    if item.attempts < AUDIT_MAX_ATTEMPTS:
                        retry.append(item)
                    else:
                        self.dropped += 1
                        _DROPPED_FAILED.inc()
        # Back at the front, oldest first; the queue's bound still holds for new records.
        self._pending.extendleft(reversed(retry))
        return len(retry)

    async def close(self) -> None:
        """A last round at shutdown (once; what fails now is lost)."""
        if self._db is not None and self._pending:
            with contextlib.suppress(Exception):
                await self.flush()

    # Reading.

    async def newest(self, tenant_id: str, user_id: str, offset: int, limit: int) -> list[Audit]:
        """The tenant's records, or one user's, newest first; this node's queue first."""
        if self._db is None:
            return []
        await self.flush()
        async with self._db.read(primary=True) as conn:
            return await audit_store.newest(conn, tenant_id, user_id, offset, limit)

    # Retention.

    async def run_purge(self) -> None:
        """Every node purges now and then; two nodes at once only delete less each."""
        while True:
            await asyncio.sleep(self._purge_interval)
            try:
                await self.purge()
            except Exception:
                log.exception("purging old audit records failed; retrying next round")

    async def purge(self, max_rows: int = AUDIT_PURGE_MAX_PER_RUN) -> int:
        """Delete records past the retention, at most ``max_rows`` per database, in
        short transactions; returns how many went. Retention 0 keeps everything."""
        if self._db is None or self._retention_ms <= 0:
            return 0
        before = now_ms() - self._retention_ms
        total = 0
        for database in self._db.names():
            done = 0
            while done < max_rows:
                with across_tenants(database):
                    async with self._db.write() as conn:
                        n = await audit_store.purge_batch(
                            conn, before, min(AUDIT_PURGE_BATCH, max_rows - done)
                        )
                done += n
                if n < AUDIT_PURGE_BATCH:
                    break
                await asyncio.sleep(0)  # let requests in between batches
            total += done
        if total:
            metrics.audit_purged.inc(total)
        return total
