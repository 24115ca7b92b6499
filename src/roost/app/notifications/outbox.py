"""The notification outbox: durable work that must happen once, however many nodes run.

Rows are written by whoever decides on the work (the post recorder, the post jobs,
reads that clear badges) and worked by every node's worker: it claims due rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two nodes never take the same row; SQLite
has one writer), leasing them past the work's timeout, then hands each to the handler
of its kind. Done rows are deleted in one statement per batch; a failed one is
rescheduled with exponential backoff and, after the last attempt, kept as ``failed``
(listed to admins). A node that dies mid-send leaves its leased rows to be claimed again
once the lease runs out: a push or email may then go twice, never not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from roost.clock import now_ms
from roost.model.notification import OutboxItem
from roost.store.db.database import Connection, Database
from roost.store.db.errors import is_unavailable
from roost.store.notifications import outbox as outbox_store
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger("roost.notifications")

CLAIM_BATCH = 200
CONCURRENCY = 64
BACKOFF_MAX_SECONDS = 3600.0
LEASE_MARGIN_SECONDS = 30.0


class Retry(Exception):
    """The work failed and may succeed later (SMTP or the proxy down, a timeout)."""


class GiveUp(Exception):
    """The work can never succeed (a refused address, a malformed device id)."""


Handler = Callable[[OutboxItem], Awaitable[None]]
# Works a whole claimed batch of its kind and owns those rows from then on (deletes or
# reschedules them itself): for work that is cheaper done together (digests).
BatchHandler = Callable[[list[OutboxItem]], Awaitable[None]]


class Outbox:
    def __init__(
        self,
        db: Database,
        max_attempts: int,
        retry_base_seconds: float,
        lease_seconds: float,
        poll_seconds: float,
    ) -> None:
        self._db = db
        self._max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        # A claimed batch is worked CONCURRENCY at a time, each within lease_seconds.
        rounds = -(-CLAIM_BATCH // CONCURRENCY)
        self._lease_ms = int((lease_seconds * rounds + LEASE_MARGIN_SECONDS) * 1000)
        self._poll = poll_seconds
        self._handlers: dict[str, Handler] = {}
        self._batch_handlers: dict[str, BatchHandler] = {}
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(CONCURRENCY)
        # Set when the worker runs in another process (roost.cluster.wake_socket).
        self._nudge: Callable[[], None] | None = None

    def handle(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def handle_batch(self, kind: str, handler: BatchHandler) -> None:
        self._batch_handlers[kind] = handler

    def nudge_with(self, nudge: Callable[[], None]) -> None:
        """Wake a worker in another process too: this process writes rows, that one
        works them (``ROOST_NOTIFICATION_WORKER=process``)."""
        self._nudge = nudge

    def wake(self) -> None:
        """Look for work now (rows were just written on this node)."""
        self._wake.set()
        if self._nudge is not None:
            self._nudge()

    async def add(self, items: Sequence[OutboxItem]) -> None:
        """Write rows (each in its tenant's scope and database), then wake the worker."""
        by_tenant: dict[str, list[OutboxItem]] = {}
        for item in items:
            by_tenant.setdefault(item.tenant_id, []).append(item)
        for tenant_id, rows in by_tenant.items():
            with tenant_scope(tenant_id):
                async with self._db.write() as conn:
                    await outbox_store.insert_items(conn, rows)
        if items:
            self.wake()

    async def run(self) -> None:
        """Claim and work due rows until cancelled: at every poll and when woken."""
        while True:
            try:
                while await self.run_once():
                    pass
            except Exception as exc:
                if is_unavailable(exc):  # down, restarting, out of connections: it passes
                    log.warning("notification worker: database unavailable (%s); retrying", exc)
                else:
                    log.exception("notification worker round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
            self._wake.clear()

    async def run_once(self) -> int:
        now = now_ms()
        due: list[OutboxItem] = []
        kinds = [*self._handlers, *self._batch_handlers]
        for database in self._db.names():
            with across_tenants(database):  # the outbox is every tenant's
                async with self._db.write() as conn:
                    await outbox_store.recover_stale(conn, now)
                    due += await outbox_store.claim_due(
                        conn,
                        now,
                        now + self._lease_ms,
                        CLAIM_BATCH,
                        kinds,
                        self._db.read_only_tenants(),
                    )
        if not due:
            return 0
        batches = [
            self._work_batch(kind, [i for i in due if i.kind == kind])
            for kind in self._batch_handlers
            if any(i.kind == kind for i in due)
        ]
        single = [i for i in due if i.kind not in self._batch_handlers]
        results = await asyncio.gather(*(self._work(item) for item in single), *batches)
        done: dict[str, list[str]] = {}
        failed: dict[str, list[tuple[OutboxItem, tuple[str, bool]]]] = {}
        for item, outcome in zip(single, results, strict=False):
            if outcome is None:
                done.setdefault(item.tenant_id, []).append(item.id)
            else:
                failed.setdefault(item.tenant_id, []).append((item, outcome))
        # One transaction per tenant for the batch's outcome (a proxy that is down fails
        # a whole batch: not a transaction per row).
        for tenant_id in {*done, *failed}:
            with tenant_scope(tenant_id):
                async with self._db.write() as conn:
                    await outbox_store.delete_items(conn, tenant_id, done.get(tenant_id, []))
                    for item, (error, permanent) in failed.get(tenant_id, []):
                        await self._failed(conn, item, error, permanent)
        return len(due)

    async def _work_batch(self, kind: str, items: list[OutboxItem]) -> None:
        try:
            await self._batch_handlers[kind](items)
        except Exception:
            # Its rows stay leased and are claimed again once the lease runs out.
            log.exception("notification batch (%s, %d rows) failed", kind, len(items))

    async def _work(self, item: OutboxItem) -> tuple[str, bool] | None:
        """None when done, else (error, permanent)."""
        handler = self._handlers[item.kind]
        async with self._slots:
            with tenant_scope(item.tenant_id):
                try:
                    await handler(item)
                except Retry as exc:
                    return str(exc) or "retry", False
                except GiveUp as exc:
                    return str(exc) or "failed", True
                except Exception as exc:
                    log.exception("notification %s (%s) failed", item.id, item.kind)
                    return type(exc).__name__, False
        return None

    async def _failed(
        self, conn: Connection, item: OutboxItem, error: str, permanent: bool
    ) -> None:
        now = now_ms()
        if permanent or item.attempts >= self._max_attempts:
            await outbox_store.mark_failed(conn, item.tenant_id, [item.id], error, now)
            log.warning("notification %s (%s) failed: %s", item.id, item.kind, error)
            return
        delay = min(self._retry_base * 2 ** (item.attempts - 1), BACKOFF_MAX_SECONDS)
        await outbox_store.reschedule(
            conn, item.tenant_id, [item.id], now + int(delay * 1000), error, now
        )
