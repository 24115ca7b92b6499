"""Moving a tenant to another database, read-only while it moves.

1. The tenant turns ``moving`` in the directory: every node refuses its writes (the
   database layer does, so workers are refused too) and reads go on as before.
2. After a grace period every node has heard (the bus at once, the directory's reload at
   the latest), so no write of the tenant is under way anywhere.
3. Its rows are copied, table by table, into the target in ONE transaction: a failure
   leaves the target without them and the tenant where it was.
4. The directory points at the target and the tenant turns ``active``.
5. After another grace period (nodes still reading the source have moved on), its rows
   are removed from the source in bounded batches.

A node that dies mid-move leaves the tenant ``moving``; moving it again starts over
(rows a failed attempt left in the target are removed first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from roost.app.kernel.errors import invalid_param
from roost.app.tenants.directory import TenantDirectory
from roost.app.tenants.errors import move_default_tenant, move_in_state, move_to_same_database
from roost.model.tenant import ACTIVE, MOVING, Tenant
from roost.store.db.database import Database
from roost.store.tenants import copy as tenant_copy
from roost.store.tenants.purge import delete_batch
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import tenant_scope

log = logging.getLogger("roost.tenancy")

COPY_BATCH_ROWS = 1000


class TenantMover:
    def __init__(
        self,
        db: Database,
        directory: TenantDirectory,
        grace_seconds: float,
        purge_batch: int = 1000,
    ) -> None:
        self._db = db
        self._directory = directory
        self._grace = grace_seconds
        self._purge_batch = purge_batch
        self._moves: set[asyncio.Task[None]] = set()
        self.last_report: dict[str, float] = {}

    def check_move(self, tenant_ref: str, target: str) -> Tenant:
        tenant = self._directory.get(tenant_ref)
        if target not in self._db.names():
            raise invalid_param("database")
        if tenant.id == DEFAULT_TENANT_ID:
            raise move_default_tenant()
        if tenant.state not in (ACTIVE, MOVING):
            raise move_in_state(tenant.state)
        if tenant.database == target and tenant.state == ACTIVE:
            raise move_to_same_database()
        return tenant

    async def do_start_move(self, tenant_ref: str, target: str) -> Tenant:
        """Begin moving in the background; returns the tenant, now read-only."""
        tenant = self.check_move(tenant_ref, target)
        moving = await self._directory.do_set_moving(tenant.id)
        task = asyncio.create_task(self._move_logged(tenant.id, tenant.database, target))
        self._moves.add(task)
        task.add_done_callback(self._moves.discard)
        return moving

    async def do_move(self, tenant_ref: str, target: str) -> dict[str, float]:
        """Move and wait until done (the CLI); returns what it took."""
        tenant = self.check_move(tenant_ref, target)
        await self._directory.do_set_moving(tenant.id)
        return await self._move(tenant.id, tenant.database, target)

    async def close(self) -> None:
        for task in list(self._moves):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _move_logged(self, tenant_id: str, source: str, target: str) -> None:
        try:
            self.last_report = await self._move(tenant_id, source, target)
        except Exception:
            log.exception("moving tenant %s to %r failed; it stays where it was", tenant_id, target)
            with contextlib.suppress(Exception):
                await self._directory.do_place(tenant_id, source)

    async def _move(self, tenant_id: str, source: str, target: str) -> dict[str, float]:
        started = time.perf_counter()
        await asyncio.sleep(self._grace)  # every node now refuses the tenant's writes
        read_only_from = time.perf_counter()
        with tenant_scope(tenant_id):
            await self._purge(target, tenant_id)  # what an earlier attempt left
            rows = await self._copy(source, target, tenant_id)
            copied = time.perf_counter()
            await self._directory.do_place(tenant_id, target)
            writable_again = time.perf_counter()
            # Moved: from here a failure must not send the tenant back. Rows left in the
            # source are never read (the directory points elsewhere) and a move back
            # clears them before copying.
            try:
                await asyncio.sleep(self._grace)  # readers of the source have moved on
                await self._purge(source, tenant_id)
            except Exception:
                log.exception("tenant %s moved, but its old rows in %r remain", tenant_id, source)
        log.info("tenant %s moved to %r: %d rows", tenant_id, target, rows)
        return {
            "rows": float(rows),
            "read_only_seconds": writable_again - started,
            "copy_seconds": copied - read_only_from,
            "total_seconds": time.perf_counter() - started,
        }

    async def _copy(self, source: str, target: str, tenant_id: str) -> int:
        rows = 0
        async with self._db.read_on(source, primary=True) as src, self._db.write_on(target) as dst:
            for table in tenant_copy.tenant_data_tables():
                rows += await tenant_copy.copy_table(src, dst, table, tenant_id, COPY_BATCH_ROWS)
        return rows

    async def _purge(self, database: str, tenant_id: str) -> None:
        for table in reversed(tenant_copy.tenant_data_tables()):
            while True:
                async with self._db.write_on(database) as conn:
                    deleted = await delete_batch(conn, table, tenant_id, self._purge_batch)
                if deleted < self._purge_batch:
                    break
                await asyncio.sleep(0)  # others' requests between batches
