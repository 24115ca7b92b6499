"""SQL for guest accounts: a demoted user's memberships lose their admin flags."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import channel_members, team_members


async def drop_admin_flags(conn: AsyncConnection, tenant_id: str, user_id: str) -> None:
    for table in (team_members, channel_members):
        await conn.execute(
            update(table)
            .where(
                table.c.tenant_id == tenant_id,
                table.c.user_id == user_id,
                table.c.scheme_admin.is_(True),
            )
            .values(scheme_admin=False)
        )
