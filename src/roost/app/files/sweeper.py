"""The sweep of uploads no post took, and of temporary files left by interrupted ones.

Every node runs it (a repeat of another node's work is harmless). Each round, per
tenant: uploads still unattached after the orphan age are marked deleted in a
conditional UPDATE (a post taking one at that moment wins, and it is kept); the marked
ones' objects are removed; then their rows. A store that fails leaves the rows marked,
and the next round tries again, so nothing is forgotten while its content remains.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from roost.app.kernel.upload_spool import TEMP_PREFIX
from roost.clock import now_ms
from roost.filestore import FileStore, FileStoreError
from roost.filestore.keys import all_keys
from roost.store.db.database import Database
from roost.store.files import files as file_store
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger("roost.files")

BATCH = 500
# A temporary file this old belongs to no live upload (each write refreshes its time),
# however short the orphan age is set.
TEMP_FILE_MIN_AGE_SECONDS = 3600.0


class FileSweeper:
    def __init__(
        self,
        db: Database,
        store: FileStore,
        temp_dir: Path,
        orphan_age_seconds: float,
        interval_seconds: float,
    ) -> None:
        self._db = db
        self._store = store
        self._temp_dir = temp_dir
        self._age = orphan_age_seconds
        self._interval = interval_seconds

    async def run(self) -> None:
        """Sweep every interval until cancelled; a failed round is logged, not fatal."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.sweep()
            except Exception:
                log.exception("file sweep failed")

    async def sweep(self) -> int:
        """One round; returns how many uploads were removed."""
        cutoff = now_ms() - int(self._age * 1000)
        with across_tenants():  # the directory's list; each tenant's rows are in its database
            async with self._db.read(primary=True) as conn:
                tenants = await file_store.tenant_ids(conn)
        removed = 0
        for tenant_id in tenants:
            if not self._db.writable(tenant_id):
                continue  # moving; swept where it lands
            with tenant_scope(tenant_id):
                removed += await self._sweep_tenant(tenant_id, cutoff)
        temp_age = max(self._age, TEMP_FILE_MIN_AGE_SECONDS)
        await asyncio.to_thread(_remove_stale_temp_files, self._temp_dir, temp_age)
        return removed

    async def _sweep_tenant(self, tenant_id: str, cutoff: int) -> int:
        removed = 0
        while True:
            async with self._db.read(primary=True) as conn:
                found = await file_store.unattached_before(conn, tenant_id, cutoff, BATCH)
            if not found:
                return removed
            async with self._db.write() as conn:
                marked = await file_store.mark_swept(conn, tenant_id, found, now_ms())
            try:
                await self._store.delete([k for f in marked for k in all_keys(tenant_id, f)])
            except FileStoreError as exc:
                log.warning("file sweep: the store failed, retrying next round: %s", exc)
                return removed
            async with self._db.write() as conn:
                await file_store.purge(conn, tenant_id, marked)
            removed += len(marked)
            if len(found) < BATCH:
                return removed


def _remove_stale_temp_files(directory: Path, age_seconds: float) -> None:
    """Temporary files of uploads that a crash or a kill interrupted."""
    if not directory.is_dir():
        return
    limit = time.time() - age_seconds
    for path in directory.glob(f"{TEMP_PREFIX}*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
