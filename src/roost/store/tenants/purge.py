"""SQL for removing a deleted tenant's data, a bounded batch at a time.

Every table whose rows carry ``tenant_id`` is covered, found from the schema itself, so
a table added later is purged without anyone listing it here."""

from __future__ import annotations

from sqlalchemy import Table, delete, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.tenant import DELETING
from roost.store.admin.schema import config_documents, jobs
from roost.store.tables import file_infos, tenant_daily_usage, tenant_domains, tenants
from roost.store.tenants.copy import tenant_data_tables


def tenant_tables() -> list[Table]:
    """Tables holding a tenant's own data (in its database), children before the tables
    they refer to. The directory's rows go last, once everything they name is gone."""
    return list(reversed(tenant_data_tables()))


async def deleting(conn: AsyncConnection) -> list[str]:
    rows = await conn.execute(select(tenants.c.id).where(tenants.c.state == DELETING))
    return [str(r) for r in rows.scalars()]


async def file_ids(conn: AsyncConnection, tenant_id: str, limit: int) -> list[str]:
    rows = await conn.execute(
        select(file_infos.c.id).where(file_infos.c.tenant_id == tenant_id).limit(limit)
    )
    return [str(r) for r in rows.scalars()]


async def forget_files(conn: AsyncConnection, tenant_id: str, ids: list[str]) -> None:
    await conn.execute(
        delete(file_infos).where(file_infos.c.tenant_id == tenant_id, file_infos.c.id.in_(ids))
    )


async def delete_batch(conn: AsyncConnection, table: Table, tenant_id: str, limit: int) -> int:
    """Delete up to ``limit`` of the tenant's rows of ``table``; returns how many.

    By physical row id, which both databases have (ctid, rowid): a short statement
    whatever the table's key, so other tenants' writes are never held up for long."""
    row = "ctid" if conn.dialect.name == "postgresql" else "rowid"
    statement = text(
        # Table names come from the schema, never from input.
        f"DELETE FROM {table.name} WHERE {row} IN "
        f"(SELECT {row} FROM {table.name} WHERE tenant_id = :tenant LIMIT :limit)"
    )
    result = await conn.execute(statement, {"tenant": tenant_id, "limit": limit})
    return int(result.rowcount or 0)


async def remove_tenant(conn: AsyncConnection, tenant_id: str) -> None:
    """The directory's rows of the tenant (in the directory's database)."""
    await conn.execute(
        delete(tenant_daily_usage).where(tenant_daily_usage.c.tenant_id == tenant_id)
    )
    await conn.execute(delete(tenant_domains).where(tenant_domains.c.tenant_id == tenant_id))
    for table in (config_documents, jobs):  # issue 24's directory rows
        await conn.execute(delete(table).where(table.c.tenant_id == tenant_id))
    await conn.execute(delete(tenants).where(tenants.c.id == tenant_id))
