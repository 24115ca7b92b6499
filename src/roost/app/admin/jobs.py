"""Jobs (``/api/v4/jobs``): background work run by one node at a time.

The data retention job is made each day for each tenant whose global policy deletes
messages or files, once the clock passes ``DeletionJobStartTime`` (UTC), under an id
derived from the tenant and the day so that every node making it makes the same row
(the insert of the second is ignored); an admin can also ask for a run
(``POST /jobs``). Each node looks for pending jobs every ``ROOST_JOBS_POLL_SECONDS``
(at once when told over the bus), and takes one with a conditional update of its status:
only one node's update finds it pending. A running job reports after each batch; a job
whose node stopped reporting for ``STALE_SECONDS`` is taken over by another node.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
from typing import Any

from roost.app.accounts.permissions import Permissions
from roost.app.admin import errors
from roost.app.admin.retention import Retention
from roost.app.kernel.context import Actor
from roost.app.tenants.directory import TenantDirectory
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config.administration import AdministrationSettings
from roost.ids import new_id
from roost.model import job as model
from roost.model.event import Event, internal_event
from roost.model.events import JOBS_CHANGED
from roost.model.tenant import ACTIVE
from roost.store.admin import jobs as store
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger(__name__)

MANAGE_SYSTEM = "manage_system"
STALE_SECONDS = 120.0


def scheduled_id(tenant_id: str, job_type: str, day: str) -> str:
    """The same id on every node for one tenant's scheduled job of a day."""
    return hashlib.sha256(f"{tenant_id}:{job_type}:{day}".encode()).hexdigest()[:26]


class Jobs:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        tenants: TenantDirectory,
        permissions: Permissions,
        retention: Retention,
        settings: AdministrationSettings,
    ) -> None:
        self._db = db
        self._bus = bus
        self._tenants = tenants
        self._permissions = permissions
        self._retention = retention
        self._settings = settings
        self.node_id = str(getattr(bus, "node_id", "") or new_id())
        self._wake = asyncio.Event()

    # The API.

    async def page(self, actor: Actor, job_type: str, offset: int, limit: int) -> list[model.Job]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        with across_tenants():
            async with self._db.read_on("", primary=True) as conn:
                return await store.page(conn, actor.tenant_id, job_type, offset, limit)

    async def get(self, actor: Actor, job_id: str) -> model.Job:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        with across_tenants():
            async with self._db.read_on("", primary=True) as conn:
                job = await store.get(conn, actor.tenant_id, job_id)
        if job is None:
            raise errors.job_not_found()
        return job

    async def do_create(self, actor: Actor, job_type: str) -> model.Job:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        if job_type not in model.JOB_TYPES:
            raise errors.invalid_job_type(job_type)
        job = model.Job(new_id(), actor.tenant_id, job_type, create_at=now_ms())
        job.data = {"requested_by": actor.user_id}
        await self._insert(job)
        await self._bus.publish([internal_event("", JOBS_CHANGED, {})])
        return job

    async def do_cancel(self, actor: Actor, job_id: str) -> None:
        await self.get(actor, job_id)
        with across_tenants():
            async with self._db.write_on("") as conn:
                if not await store.request_cancel(conn, actor.tenant_id, job_id):
                    raise errors.job_not_cancelable()

    async def _insert(self, job: model.Job) -> bool:
        with across_tenants():
            async with self._db.write_on("") as conn:
                return await store.insert(conn, job.tenant_id, job)

    # The runner.

    def on_event(self, event: Event) -> None:
        if event.name == JOBS_CHANGED:
            self._wake.set()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.jobs_poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.tick()
            except Exception as exc:
                log.warning("jobs: %r", exc)

    async def tick(self) -> None:
        await self._schedule()
        while True:
            job = await self._claim()
            if job is None:
                return
            await self._run(job)

    def _tenant_ids(self) -> list[str]:
        listed = self._tenants.page_of(0, max(1, self._tenants.count))
        ids = [t.id for t in listed if t.state == ACTIVE]
        return ids if DEFAULT_TENANT_ID in ids else [DEFAULT_TENANT_ID, *ids]

    async def _schedule(self) -> None:
        """Today's data retention job of each tenant whose global policy deletes, once
        past its start time."""
        now = dt.datetime.now(dt.UTC)
        day, clock = now.strftime("%Y-%m-%d"), now.strftime("%H:%M")
        for tenant_id in self._tenant_ids():
            with tenant_scope(tenant_id):  # the tenant's settings
                s = self._settings
                due = (
                    s.data_retention_enable_message_deletion
                    or s.data_retention_enable_file_deletion
                ) and clock >= s.data_retention_deletion_job_start_time
            if due:
                job_id = scheduled_id(tenant_id, model.DATA_RETENTION, day)
                job = model.Job(job_id, tenant_id, model.DATA_RETENTION, create_at=now_ms())
                job.data = {"scheduled": day}
                await self._insert(job)

    async def _claim(self) -> model.Job | None:
        now = now_ms()
        with across_tenants():
            async with self._db.read_on("", primary=True) as conn:
                candidates = await store.runnable(conn, "*", now - int(STALE_SECONDS * 1000))
            for job in candidates:
                async with self._db.write_on("") as conn:
                    if await store.claim(conn, job.tenant_id, job, self.node_id, now):
                        return job
        return None

    async def _run(self, job: model.Job) -> None:
        log.info("job %s (%s) of tenant %s started", job.id, job.type, job.tenant_id)
        job.data = {**job.data, "node": self.node_id}  # which node ran it (cluster status ids)

        async def report(progress: int, data: dict[str, Any]) -> bool:
            status = await self._report(job, progress, {**job.data, **data})
            return status == model.IN_PROGRESS

        try:
            with tenant_scope(job.tenant_id):
                data = await self._retention.run(job.tenant_id, report)
        except Exception as exc:
            log.warning("job %s failed: %r", job.id, exc)
            await self._report(job, 0, {**job.data, "error": str(exc)[:500]}, model.ERROR)
            return
        status = await self._report(job, 100, {**job.data, **data})
        final = model.CANCELED if status == model.CANCEL_REQUESTED else model.SUCCESS
        await self._report(
            job, 100 if final == model.SUCCESS else job.progress, {**job.data, **data}, final
        )
        log.info("job %s %s: %s", job.id, final, data)

    async def _report(
        self, job: model.Job, progress: int, data: dict[str, Any], status: str = ""
    ) -> str:
        with across_tenants():
            async with self._db.write_on("") as conn:
                return await store.report(
                    conn, job.tenant_id, job.id, now_ms(), progress, data, status
                )
