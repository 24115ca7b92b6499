"""SQL for jobs: made pending, claimed by one node with a conditional update (a second
node's claim finds the status changed and fails), progress and status as the job runs."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.job import Job
from roost.store.admin.schema import jobs
from roost.store.db.dialect import insert_ignore

c = jobs.c


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        tenant_id=row.tenant_id,
        type=row.type,
        status=row.status,
        progress=int(row.progress),
        create_at=int(row.create_at),
        start_at=int(row.start_at),
        last_activity_at=int(row.last_activity_at),
        data=json.loads(row.data or "{}"),
    )


async def insert(conn: AsyncConnection, tenant_id: str, job: Job) -> bool:
    """False when a job with this id exists (a scheduled run another node made)."""
    row = {
        "tenant_id": tenant_id,
        "id": job.id,
        "type": job.type,
        "status": job.status,
        "progress": job.progress,
        "create_at": job.create_at,
        "data": json.dumps(job.data),
    }
    return await insert_ignore(conn, jobs, [row]) > 0


async def get(conn: AsyncConnection, tenant_id: str, job_id: str) -> Job | None:
    row = (await conn.execute(select(jobs).where(c.tenant_id == tenant_id, c.id == job_id))).first()
    return _job(row) if row is not None else None


async def page(
    conn: AsyncConnection, tenant_id: str, job_type: str, offset: int, limit: int
) -> list[Job]:
    query = select(jobs).where(c.tenant_id == tenant_id)
    if job_type:
        query = query.where(c.type == job_type)
    query = query.order_by(c.create_at.desc(), c.id.desc()).offset(offset).limit(limit)
    return [_job(r) for r in await conn.execute(query)]


async def runnable(conn: AsyncConnection, tenant_id: str, stale_before: int) -> list[Job]:
    """Pending jobs, and running ones whose node stopped reporting (across tenants when
    ``tenant_id`` is '*'), oldest first."""
    query = select(jobs).where(
        or_(
            c.status == "pending", (c.status == "in_progress") & (c.last_activity_at < stale_before)
        )
    )
    if tenant_id != "*":
        query = query.where(c.tenant_id == tenant_id)
    return [_job(r) for r in await conn.execute(query.order_by(c.create_at).limit(100))]


async def claim(conn: AsyncConnection, tenant_id: str, job: Job, node: str, now: int) -> bool:
    """Take the job for ``node`` if it is still as read (pending, or stale at the same
    last activity)."""
    result = await conn.execute(
        update(jobs)
        .where(
            c.tenant_id == tenant_id,
            c.id == job.id,
            c.status == job.status,
            c.last_activity_at == job.last_activity_at,
        )
        .values(status="in_progress", node=node, start_at=now, last_activity_at=now)
    )
    return result.rowcount == 1


async def report(
    conn: AsyncConnection,
    tenant_id: str,
    job_id: str,
    now: int,
    progress: int,
    data: dict[str, Any],
    status: str = "",
) -> str:
    """Progress (and a final status); returns the status stored (``cancel_requested``
    tells the runner to stop)."""
    values: dict[str, Any] = {
        "last_activity_at": now,
        "progress": progress,
        "data": json.dumps(data),
    }
    if status:
        values["status"] = status
    await conn.execute(
        update(jobs).where(c.tenant_id == tenant_id, c.id == job_id).values(**values)
    )
    row = (
        await conn.execute(select(c.status).where(c.tenant_id == tenant_id, c.id == job_id))
    ).first()
    return str(row.status) if row is not None else ""


async def request_cancel(conn: AsyncConnection, tenant_id: str, job_id: str) -> bool:
    """Pending jobs are canceled at once; running ones are asked to stop."""
    pending = await conn.execute(
        update(jobs)
        .where(c.tenant_id == tenant_id, c.id == job_id, c.status == "pending")
        .values(status="canceled")
    )
    if pending.rowcount == 1:
        return True
    running = await conn.execute(
        update(jobs)
        .where(c.tenant_id == tenant_id, c.id == job_id, c.status == "in_progress")
        .values(status="cancel_requested")
    )
    return running.rowcount == 1
