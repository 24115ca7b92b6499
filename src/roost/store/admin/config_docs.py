"""SQL for stored configuration: one row per owner (a tenant, or '' for the deployment),
its overrides as JSON by Mattermost path, and a version every change compares and
increments (two admins' concurrent changes cannot overwrite each other unseen)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.admin.schema import config_documents
from roost.store.db.dialect import insert_ignore

c = config_documents.c


@dataclass(frozen=True, slots=True)
class StoredConfig:
    tenant_id: str
    version: int
    values: dict[str, Any]  # by Mattermost path, "Group.Name"
    update_at: int


def _row(row: Any) -> StoredConfig:
    values = json.loads(row.doc)
    return StoredConfig(row.tenant_id, int(row.version), values, int(row.update_at))


async def get(conn: AsyncConnection, tenant_id: str) -> StoredConfig | None:
    row = (await conn.execute(select(config_documents).where(c.tenant_id == tenant_id))).first()
    return _row(row) if row is not None else None


async def all_rows(conn: AsyncConnection, tenant_id: str = "*") -> list[StoredConfig]:
    """Every owner's row ('*'), as a node loads them when it starts; or one owner's."""
    query = select(config_documents)
    if tenant_id != "*":
        query = query.where(c.tenant_id == tenant_id)
    return [_row(r) for r in await conn.execute(query)]


async def swap(
    conn: AsyncConnection,
    tenant_id: str,
    expected_version: int,
    values: dict[str, Any],
    now: int,
    by: str,
) -> bool:
    """Write ``values`` as version ``expected_version + 1`` only if the stored version
    is still ``expected_version`` (0: no row yet). False: someone else changed it first
    (nothing written)."""
    doc = json.dumps(values, sort_keys=True)
    if expected_version == 0:
        return (
            await insert_ignore(
                conn,
                config_documents,
                [
                    {
                        "tenant_id": tenant_id,
                        "version": 1,
                        "doc": doc,
                        "update_at": now,
                        "update_by": by,
                    }
                ],
            )
            > 0
        )
    result = await conn.execute(
        update(config_documents)
        .where(c.tenant_id == tenant_id, c.version == expected_version)
        .values(version=expected_version + 1, doc=doc, update_at=now, update_by=by)
    )
    return result.rowcount == 1


async def table_exists(conn: AsyncConnection) -> bool:
    """Whether the migration that adds the table has run (a node reads stored settings
    before it migrates)."""

    def check(sync_conn: Any) -> bool:
        return bool(inspect(sync_conn).has_table(config_documents.name))

    return await conn.run_sync(check)
