"""The tenant directory keeps the newest state it has read (issue 20.5): a periodic
reload (or an event's re-read) that began before a suspend committed and finished after
the suspending node re-read the tenant must not put "active" back. The race is forced
here by holding the slow read until the suspend has answered."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from roost.app.kernel.errors import AppError
from roost.app.tenants.directory import TenantDirectory
from roost.cluster.bus import EventHandler, LocalBus
from roost.model.tenant import Tenant
from roost.store.db.database import Database
from roost.store.db.migrate import upgrade_async
from roost.store.tenants import directory as tenant_store
from roost.tenancy.placement import Placements


class QuietBus(LocalBus):
    """Delivers nothing to the directory: the re-read its own event would start (which
    on SQLite's single connection queues behind the held read and would land last,
    hiding the race) is left out; the answering node's own re-read must suffice."""

    def subscribe(self, handler: EventHandler) -> None:
        pass


class HeldReads:
    """Wraps the store's directory read: reads started while ``hold`` is set wait for
    ``release`` after reading (an old snapshot arriving late)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.hold = False
        self.release = asyncio.Event()
        self.held = asyncio.Event()

    async def __call__(self, conn: Any, tenant_id: str = "") -> list[Tenant]:
        held = self.hold
        found: list[Tenant] = await self.real(conn, tenant_id)
        if held:
            self.held.set()
            await self.release.wait()
        return found


@pytest.mark.parametrize("whole", [True, False], ids=["periodic_reload", "event_reload"])
async def test_a_late_old_read_does_not_undo_a_suspend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'dir.db'}"
    await upgrade_async(url)
    placements = Placements()
    db = Database(url, placements=placements)
    directory = TenantDirectory(db, QuietBus(), placements, base_domain="chat.test")
    reads = HeldReads(tenant_store.all_tenants)
    monkeypatch.setattr(tenant_store, "all_tenants", reads)
    try:
        await directory.reload()
        tenant = await directory.do_create("acme", "Acme", [])
        assert directory.resolve("acme.chat.test") == tenant.id

        # A read of the old state starts, and is held...
        reads.hold = True
        stale = asyncio.create_task(
            directory.reload() if whole else directory.reload_one(tenant.id)
        )
        await asyncio.wait_for(reads.held.wait(), 5)
        reads.hold = False
        # ...while the operator suspends the tenant: in force when answered.
        await directory.do_suspend(tenant.id)
        with pytest.raises(AppError) as refused:
            directory.resolve("acme.chat.test")
        assert refused.value.status == 403
        # The old read lands after: the suspension stays.
        reads.release.set()
        await asyncio.wait_for(stale, 5)
        with pytest.raises(AppError) as still:
            directory.resolve("acme.chat.test")
        assert still.value.status == 403
        # And a read that starts now sees the resume.
        await directory.do_resume(tenant.id)
        assert directory.resolve("acme.chat.test") == tenant.id
    finally:
        await directory.close()
        await db.close()
