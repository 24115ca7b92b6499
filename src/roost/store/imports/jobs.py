"""SQL for import jobs (Mattermost's Jobs of type import_process) and the uploads that
bring their files."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db import codec
from roost.store.tables import import_jobs, import_uploads

Row = dict[str, Any]


def _job(row: Any) -> Row:
    out = dict(row._mapping)
    out.pop("tenant_id", None)
    out["data"] = codec.load_dict(out["data"])
    return out


async def insert_job(conn: AsyncConnection, tenant_id: str, job: Row) -> None:
    await conn.execute(
        import_jobs.insert().values(tenant_id=tenant_id, **{**job, "data": codec.dump(job["data"])})
    )


async def update_job(conn: AsyncConnection, tenant_id: str, job_id: str, **values: Any) -> None:
    if "data" in values:
        values["data"] = codec.dump(values["data"])
    await conn.execute(
        update(import_jobs)
        .where(import_jobs.c.tenant_id == tenant_id, import_jobs.c.id == job_id)
        .values(**values)
    )


async def get_job(conn: AsyncConnection, tenant_id: str, job_id: str) -> Row | None:
    row = (
        await conn.execute(
            select(import_jobs).where(
                import_jobs.c.tenant_id == tenant_id, import_jobs.c.id == job_id
            )
        )
    ).first()
    return None if row is None else _job(row)


async def list_jobs(conn: AsyncConnection, tenant_id: str, offset: int, limit: int) -> list[Row]:
    rows = await conn.execute(
        select(import_jobs)
        .where(import_jobs.c.tenant_id == tenant_id)
        .order_by(import_jobs.c.create_at.desc(), import_jobs.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [_job(r) for r in rows]


async def insert_upload(conn: AsyncConnection, tenant_id: str, upload: Row) -> None:
    await conn.execute(import_uploads.insert().values(tenant_id=tenant_id, **upload))


async def get_upload(conn: AsyncConnection, tenant_id: str, upload_id: str) -> Row | None:
    row = (
        await conn.execute(
            select(import_uploads).where(
                import_uploads.c.tenant_id == tenant_id, import_uploads.c.id == upload_id
            )
        )
    ).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out.pop("tenant_id")
    return out


async def set_upload_offset(
    conn: AsyncConnection, tenant_id: str, upload_id: str, offset: int
) -> None:
    await conn.execute(
        update(import_uploads)
        .where(import_uploads.c.tenant_id == tenant_id, import_uploads.c.id == upload_id)
        .values(file_offset=offset)
    )


async def delete_upload(conn: AsyncConnection, tenant_id: str, upload_id: str) -> None:
    await conn.execute(
        delete(import_uploads).where(
            import_uploads.c.tenant_id == tenant_id, import_uploads.c.id == upload_id
        )
    )
