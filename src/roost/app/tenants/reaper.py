"""Removing deleted tenants' data: files, custom emoji images and team icons, then every
tenant-scoped table, in bounded batches, each in a short transaction of its own, so the
rest of the deployment never waits on a large tenant going away.

Every node runs a reaper: it wakes when told (the node that took the delete) and polls
otherwise, so a deletion left by a node that stopped is finished by another. Two nodes
working on the same tenant only repeat deletes that find nothing. The tenant's directory
row goes last; until then the tenant answers like one that does not exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from roost.app.tenants.directory import TenantDirectory
from roost.filestore import FileStore
from roost.filestore.keys import all_keys, emoji_image_key, team_icon_key
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.posts import emoji as emoji_store
from roost.store.tenants import purge as tenant_purge
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger("roost.tenancy")

# Passes over a deleted tenant's tables until one finds no row (see _purge), a pause apart.
SWEEP_PASSES = 5
SWEEP_PAUSE_SECONDS = 1.0


class TenantReaper:
    def __init__(
        self,
        db: Database,
        store: FileStore,
        directory: TenantDirectory,
        batch: int,
        interval_seconds: float,
    ) -> None:
        self._db = db
        self._store = store
        self._directory = directory
        self._batch = batch
        self._interval = interval_seconds
        self._wake = asyncio.Event()
        self.rows_deleted = 0

    def nudge(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                await self.reap()
            except Exception:
                log.exception("removing deleted tenants failed; retrying")

    async def reap(self) -> int:
        """Remove every tenant marked for deletion; returns how many were finished."""
        with across_tenants():
            async with self._db.read(primary=True) as conn:
                doomed = await tenant_purge.deleting(conn)
        for tenant_id in doomed:
            with tenant_scope(tenant_id):
                await self._purge(tenant_id)
        return len(doomed)

    async def _purge(self, tenant_id: str) -> None:
        # Files first: their objects, then their rows (a store failure leaves the rows,
        # so the next round finds the objects again).
        while True:
            async with self._db.read(primary=True) as conn:
                ids = await tenant_purge.file_ids(conn, tenant_id, self._batch)
            if not ids:
                break
            await self._store.delete([k for f in ids for k in all_keys(tenant_id, f)])
            async with self._db.write() as conn:
                await tenant_purge.forget_files(conn, tenant_id, ids)
        # Custom emoji images, while their rows still name them.
        after = ""
        while True:
            async with self._db.read(primary=True) as conn:
                emoji_ids = await emoji_store.ids_page(conn, tenant_id, after, self._batch)
            if not emoji_ids:
                break
            await self._store.delete([emoji_image_key(tenant_id, e) for e in emoji_ids])
            after = emoji_ids[-1]
        # Team icons, likewise while the team rows say which teams have one.
        after = ""
        while True:
            async with self._db.read(primary=True) as conn:
                team_ids = await team_store.icon_team_ids(conn, tenant_id, after, self._batch)
            if not team_ids:
                break
            await self._store.delete([team_icon_key(tenant_id, t) for t in team_ids])
            after = team_ids[-1]
        # Requests for the tenant are refused from the moment it is marked, but work
        # already under way (a thread fan-out, a job, an audit record in a writer's
        # queue) may still commit rows into a table this pass has emptied: passes
        # repeat, a pause apart, until one finds nothing.
        for attempt in range(SWEEP_PASSES):
            if not await self._sweep(tenant_id):
                break
            if attempt:
                log.info("tenant %s: rows written during its deletion, removed", tenant_id)
            await asyncio.sleep(SWEEP_PAUSE_SECONDS)
        with across_tenants():  # the directory's own rows
            async with self._db.write() as conn:
                await tenant_purge.remove_tenant(conn, tenant_id)
        await self._directory.forget(tenant_id)
        log.info("tenant %s deleted", tenant_id)

    async def _sweep(self, tenant_id: str) -> int:
        """One pass over the tenant's tables; returns how many rows it deleted."""
        swept = 0
        for table in tenant_purge.tenant_tables():
            while True:
                async with self._db.write() as conn:
                    deleted = await tenant_purge.delete_batch(conn, table, tenant_id, self._batch)
                swept += deleted
                if deleted < self._batch:
                    break
                await asyncio.sleep(0)  # let requests in between batches
        self.rows_deleted += swept
        return swept
