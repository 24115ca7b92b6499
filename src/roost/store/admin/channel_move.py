"""SQL for moving a channel to another team: the rows that name the channel's team
besides the channel itself (threads' team, sidebar places), and members who are not in
the new team."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import channel_members, sidebar_channels, thread_memberships


async def retarget(
    conn: AsyncConnection, tenant_id: str, channel_id: str, old_team: str, new_team: str
) -> None:
    tm = thread_memberships.c
    await conn.execute(
        update(thread_memberships)
        .where(tm.tenant_id == tenant_id, tm.channel_id == channel_id)
        .values(team_id=new_team)
    )
    # Its places in the old team's sidebars; the new team's sidebars place it by default.
    sc = sidebar_channels.c
    await conn.execute(
        delete(sidebar_channels).where(
            sc.tenant_id == tenant_id, sc.channel_id == channel_id, sc.team_id == old_team
        )
    )


async def remove_members(
    conn: AsyncConnection, tenant_id: str, channel_id: str, user_ids: Sequence[str]
) -> None:
    cm = channel_members.c
    await conn.execute(
        delete(channel_members).where(
            cm.tenant_id == tenant_id, cm.channel_id == channel_id, cm.user_id.in_(user_ids)
        )
    )
