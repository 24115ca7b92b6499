"""SQL for moving a tenant's rows from one database to another.

The tables are found from the schema, as the purge finds them: a table added later moves
with the rest without anyone listing it here. The directory's tables stay where the
directory is."""

from __future__ import annotations

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import metadata

# The directory's own rows: they live in the directory's database, wherever the tenant's
# data is (usage counts are written there for every tenant, every minute).
# The stored configuration and the jobs live in the directory's database too (issue 24).
DIRECTORY_TABLES = frozenset(
    {"tenants", "tenant_domains", "tenant_daily_usage", "config_documents", "jobs"}
)


def tenant_data_tables() -> list[Table]:
    """Tables holding a tenant's own data, parents before the tables that refer to them."""
    return [
        t for t in metadata.sorted_tables if "tenant_id" in t.c and t.name not in DIRECTORY_TABLES
    ]


async def copy_table(
    source: AsyncConnection, target: AsyncConnection, table: Table, tenant_id: str, batch: int
) -> int:
    """Copy the tenant's rows of ``table``, ``batch`` rows per statement; returns how many.

    Read as one streamed query, so the source's snapshot is consistent for the table and
    memory holds one batch at a time."""
    copied = 0
    result = await source.stream(select(table).where(table.c.tenant_id == tenant_id))
    async for part in result.partitions(batch):
        rows = [dict(row._mapping) for row in part]
        await target.execute(table.insert(), rows)
        copied += len(rows)
    return copied


async def count_rows(conn: AsyncConnection, table: Table, tenant_id: str) -> int:
    found = await conn.execute(
        select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
    )
    return int(found.scalar_one())
