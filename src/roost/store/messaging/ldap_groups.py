"""SQL for user groups linked to directory groups (``user_groups`` rows of source
``ldap``, keyed by their ``remote_id``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.user_group import UserGroup
from roost.store.messaging.groups import _from_row
from roost.store.tables_messaging import user_groups

g = user_groups.c


async def get_by_remote_id(
    conn: AsyncConnection, tenant_id: str, source: str, remote_id: str
) -> UserGroup | None:
    """The group linked to that directory group (live or unlinked; one at most:
    ``ux_user_groups_remote``)."""
    stmt = select(user_groups).where(
        g.tenant_id == tenant_id, g.source == source, g.remote_id == remote_id
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _from_row(row) if row else None


async def live_linked(conn: AsyncConnection, tenant_id: str, source: str) -> list[UserGroup]:
    """Every live group of the source (what a sync keeps up to date)."""
    stmt = (
        select(user_groups)
        .where(g.tenant_id == tenant_id, g.source == source, g.delete_at == 0)
        .order_by(g.id)
    )
    return [_from_row(r) for r in (await conn.execute(stmt)).mappings()]
