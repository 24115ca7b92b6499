"""SQL for which users a restricted viewer may see (``roost.app.accounts.visibility``):
themself and whoever shares a channel with them, direct and group ones included, as
Mattermost's view restrictions by channel. A condition on ``users.c.id`` for the
listing queries, so the rule runs in the database however many users there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import KeyedColumnElement

from roost.store.tables import channel_members, users

GUEST_ROLE = "system_guest"


def _shares_channel(tenant_id: str, viewer_id: str) -> Any:
    """The ids of everyone in a channel the viewer is in (the viewer among them)."""
    mine = channel_members.alias("seen_by_mine")
    theirs = channel_members.alias("seen_by_theirs")
    return (
        select(theirs.c.user_id)
        .select_from(
            mine.join(
                theirs,
                (theirs.c.tenant_id == mine.c.tenant_id)
                & (theirs.c.channel_id == mine.c.channel_id),
            )
        )
        .where(mine.c.tenant_id == tenant_id, mine.c.user_id == viewer_id)
    )


def visible_to(
    tenant_id: str, viewer_id: str, user_id: KeyedColumnElement[Any] = users.c.id
) -> ColumnElement[bool]:
    """True for the rows whose ``user_id`` column (by default ``users.id``) names a user
    the viewer may see."""
    return or_(user_id == viewer_id, user_id.in_(_shares_channel(tenant_id, viewer_id)))


async def visible_ids(
    conn: AsyncConnection, tenant_id: str, viewer_id: str, user_ids: Sequence[str]
) -> set[str]:
    """Those of ``user_ids`` the viewer may see."""
    if not user_ids:
        return set()
    rows = await conn.execute(
        select(users.c.id).where(
            users.c.tenant_id == tenant_id,
            users.c.id.in_(list(user_ids)),
            visible_to(tenant_id, viewer_id),
        )
    )
    return {str(r[0]) for r in rows}


async def guest_ids(conn: AsyncConnection, tenant_id: str) -> list[str]:
    """Active guest accounts (few: the role is a short string, checked word by word)."""
    rows = await conn.execute(
        select(users.c.id, users.c.roles).where(
            users.c.tenant_id == tenant_id,
            users.c.delete_at == 0,
            users.c.roles.like(f"%{GUEST_ROLE}%"),
        )
    )
    return [str(r.id) for r in rows if GUEST_ROLE in str(r.roles).split()]
