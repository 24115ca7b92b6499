"""SQL for sidebar categories and the channels placed in them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.category import FAVORITE_CHANNEL, FAVORITES, SidebarCategory, SidebarChannel
from roost.model.channel import DIRECT, GROUP, ChannelMember
from roost.store.channels.channels import member_from_row
from roost.store.db.dialect import insert_ignore
from roost.store.tables import (
    channel_members,
    channels,
    preferences,
    sidebar_categories,
    sidebar_channels,
)


def _category(row: RowMapping) -> SidebarCategory:
    return SidebarCategory(
        id=row["id"],
        user_id=row["user_id"],
        team_id=row["team_id"],
        type=row["type"],
        display_name=row["display_name"],
        sort_order=int(row["sort_order"]),
        sorting=row["sorting"],
        muted=bool(row["muted"]),
        collapsed=bool(row["collapsed"]),
    )


def _values(tenant_id: str, c: SidebarCategory) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": c.id,
        "user_id": c.user_id,
        "team_id": c.team_id,
        "sort_order": c.sort_order,
        "sorting": c.sorting,
        "type": c.type,
        "display_name": c.display_name,
        "muted": c.muted,
        "collapsed": c.collapsed,
    }


async def list_categories(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str
) -> list[SidebarCategory]:
    """The user's categories in the team, in sidebar order (no channels filled in)."""
    stmt = (
        select(sidebar_categories)
        .where(
            sidebar_categories.c.tenant_id == tenant_id,
            sidebar_categories.c.user_id == user_id,
            sidebar_categories.c.team_id == team_id,
        )
        .order_by(sidebar_categories.c.sort_order, sidebar_categories.c.id)
    )
    return [_category(r) for r in (await conn.execute(stmt)).mappings()]


async def favorites_categories(
    conn: AsyncConnection, tenant_id: str, user_id: str
) -> list[SidebarCategory]:
    """The user's Favorites category in every team that has one."""
    stmt = select(sidebar_categories).where(
        sidebar_categories.c.tenant_id == tenant_id,
        sidebar_categories.c.user_id == user_id,
        sidebar_categories.c.type == FAVORITES,
    )
    return [_category(r) for r in (await conn.execute(stmt)).mappings()]


async def insert_categories(
    conn: AsyncConnection, tenant_id: str, categories: Sequence[SidebarCategory]
) -> int:
    """Insert categories, skipping ids already there; returns how many were new."""
    return await insert_ignore(
        conn, sidebar_categories, [_values(tenant_id, c) for c in categories]
    )


async def update_category(conn: AsyncConnection, tenant_id: str, c: SidebarCategory) -> None:
    """Write what a user may change: name, sorting, muted, collapsed."""
    await conn.execute(
        update(sidebar_categories)
        .where(sidebar_categories.c.tenant_id == tenant_id, sidebar_categories.c.id == c.id)
        .values(
            display_name=c.display_name, sorting=c.sorting, muted=c.muted, collapsed=c.collapsed
        )
    )


async def set_sort_orders(conn: AsyncConnection, tenant_id: str, orders: Mapping[str, int]) -> None:
    for category_id, sort_order in sorted(orders.items()):
        await conn.execute(
            update(sidebar_categories)
            .where(
                sidebar_categories.c.tenant_id == tenant_id,
                sidebar_categories.c.id == category_id,
            )
            .values(sort_order=sort_order)
        )


async def delete_category(conn: AsyncConnection, tenant_id: str, category_id: str) -> None:
    """The category and its placements (its channels fall back to the default ones)."""
    await conn.execute(
        delete(sidebar_categories).where(
            sidebar_categories.c.tenant_id == tenant_id, sidebar_categories.c.id == category_id
        )
    )
    await conn.execute(
        delete(sidebar_channels).where(
            sidebar_channels.c.tenant_id == tenant_id,
            sidebar_channels.c.category_id == category_id,
        )
    )


# Placements.


async def placements(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str
) -> list[tuple[str, str]]:
    """(category id, channel id) of the user's placements in the team, each category's in
    order, for channels the user is still a member of."""
    member = and_(
        channel_members.c.tenant_id == sidebar_channels.c.tenant_id,
        channel_members.c.channel_id == sidebar_channels.c.channel_id,
        channel_members.c.user_id == sidebar_channels.c.user_id,
    )
    stmt = (
        select(sidebar_channels.c.category_id, sidebar_channels.c.channel_id)
        .join(channel_members, member)
        .where(
            sidebar_channels.c.tenant_id == tenant_id,
            sidebar_channels.c.user_id == user_id,
            sidebar_channels.c.team_id == team_id,
        )
        .order_by(sidebar_channels.c.sort_order, sidebar_channels.c.channel_id)
    )
    return [(r.category_id, r.channel_id) for r in await conn.execute(stmt)]


async def replace_placements(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    team_id: str,
    lists: Mapping[str, Sequence[str]],
    spacing: int,
    released: Sequence[str] = (),
) -> None:
    """Each listed category holds exactly its list, in that order; a channel listed is
    taken out of whichever other category of the team held it, and so is every channel
    ``released`` (they go back to where unplaced channels show)."""
    where_user = and_(
        sidebar_channels.c.tenant_id == tenant_id,
        sidebar_channels.c.user_id == user_id,
        sidebar_channels.c.team_id == team_id,
    )
    if lists:
        await conn.execute(
            delete(sidebar_channels).where(
                where_user, sidebar_channels.c.category_id.in_(sorted(lists))
            )
        )
    moved = sorted({cid for ids in lists.values() for cid in ids} | set(released))
    if moved:
        await conn.execute(
            delete(sidebar_channels).where(where_user, sidebar_channels.c.channel_id.in_(moved))
        )
    rows = [
        {
            "tenant_id": tenant_id,
            "user_id": user_id,
            "team_id": team_id,
            "channel_id": channel_id,
            "category_id": category_id,
            "sort_order": i * spacing,
        }
        for category_id, ids in lists.items()
        for i, channel_id in enumerate(ids)
    ]
    if rows:
        await conn.execute(sidebar_channels.insert(), rows)


async def place_first(
    conn: AsyncConnection,
    tenant_id: str,
    category: SidebarCategory,
    channel_id: str,
    spacing: int,
) -> str | None:
    """Put the channel at the top of the category (unless it is already in it); returns
    the category it was taken out of, if any."""
    where_channel = and_(
        sidebar_channels.c.tenant_id == tenant_id,
        sidebar_channels.c.user_id == category.user_id,
        sidebar_channels.c.team_id == category.team_id,
        sidebar_channels.c.channel_id == channel_id,
    )
    current = (
        await conn.execute(select(sidebar_channels.c.category_id).where(where_channel))
    ).scalar()
    if current == category.id:
        return None
    if current is not None:
        await conn.execute(delete(sidebar_channels).where(where_channel))
    lowest = (
        await conn.execute(
            select(func.min(sidebar_channels.c.sort_order)).where(
                sidebar_channels.c.tenant_id == tenant_id,
                sidebar_channels.c.category_id == category.id,
            )
        )
    ).scalar()
    await conn.execute(
        sidebar_channels.insert(),
        {
            "tenant_id": tenant_id,
            "user_id": category.user_id,
            "team_id": category.team_id,
            "channel_id": channel_id,
            "category_id": category.id,
            "sort_order": 0 if lowest is None else int(lowest) - spacing,
        },
    )
    return str(current) if current is not None else None


async def remove_from_categories(
    conn: AsyncConnection, tenant_id: str, category_ids: Iterable[str], channel_ids: Sequence[str]
) -> list[str]:
    """Take the channels out of these categories; returns the categories that held one."""
    ids = sorted(set(category_ids))
    if not ids or not channel_ids:
        return []
    where = and_(
        sidebar_channels.c.tenant_id == tenant_id,
        sidebar_channels.c.category_id.in_(ids),
        sidebar_channels.c.channel_id.in_(list(channel_ids)),
    )
    held = sorted(
        set((await conn.execute(select(sidebar_channels.c.category_id).where(where))).scalars())
    )
    if held:
        await conn.execute(delete(sidebar_channels).where(where))
    return held


async def forget_channels(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_ids: Sequence[str]
) -> None:
    """The user left these channels: their places in every team go (as in Mattermost,
    joining again puts them back in Channels)."""
    if channel_ids:
        await conn.execute(
            delete(sidebar_channels).where(
                sidebar_channels.c.tenant_id == tenant_id,
                sidebar_channels.c.user_id == user_id,
                sidebar_channels.c.channel_id.in_(list(channel_ids)),
            )
        )


async def clear_team(conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str) -> None:
    """The user left the team: their categories there go (made afresh if they return)."""
    for table in (sidebar_channels, sidebar_categories):
        await conn.execute(
            delete(table).where(
                table.c.tenant_id == tenant_id,
                table.c.user_id == user_id,
                table.c.team_id == team_id,
            )
        )


# What the user is in.


async def sidebar_channels_of(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str
) -> list[SidebarChannel]:
    """Every channel of the team the user is a member of, and every direct and group
    channel, archived ones included; by display name (then name), as Mattermost lists
    the channels no category holds."""
    stmt = (
        select(channels.c.id, channels.c.type, channels.c.delete_at)
        .select_from(channel_members)
        .join(
            channels,
            and_(
                channels.c.tenant_id == channel_members.c.tenant_id,
                channels.c.id == channel_members.c.channel_id,
            ),
        )
        .where(
            channel_members.c.tenant_id == tenant_id,
            channel_members.c.user_id == user_id,
            or_(channels.c.team_id == team_id, channels.c.type.in_((DIRECT, GROUP))),
        )
        .order_by(channels.c.display_name, channels.c.name, channels.c.id)
    )
    return [SidebarChannel._make(r) for r in (await conn.execute(stmt)).tuples()]


async def channel_team(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_id: str
) -> str | None:
    """The team of a channel the user is a member of ('' for direct and group channels);
    None when the user is not in it."""
    stmt = (
        select(channels.c.team_id)
        .select_from(channel_members)
        .join(
            channels,
            and_(
                channels.c.tenant_id == channel_members.c.tenant_id,
                channels.c.id == channel_members.c.channel_id,
            ),
        )
        .where(
            channel_members.c.tenant_id == tenant_id,
            channel_members.c.user_id == user_id,
            channel_members.c.channel_id == channel_id,
        )
    )
    team_id = (await conn.execute(stmt)).scalar()
    return None if team_id is None else str(team_id)


async def favorite_channel_ids(conn: AsyncConnection, tenant_id: str, user_id: str) -> set[str]:
    """Channels the user's favorite_channel preferences mark "true"."""
    stmt = select(preferences.c.name).where(
        preferences.c.tenant_id == tenant_id,
        preferences.c.user_id == user_id,
        preferences.c.category == FAVORITE_CHANNEL,
        preferences.c.value == "true",
    )
    return set((await conn.execute(stmt)).scalars())


async def memberships_in(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_ids: Sequence[str]
) -> list[ChannelMember]:
    """The user's memberships of these channels (to mute or unmute them)."""
    if not channel_ids:
        return []
    stmt = select(channel_members).where(
        channel_members.c.tenant_id == tenant_id,
        channel_members.c.user_id == user_id,
        channel_members.c.channel_id.in_(sorted(channel_ids)),
    )
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def insert_placements(
    conn: AsyncConnection,
    tenant_id: str,
    category: SidebarCategory,
    channel_ids: Sequence[str],
    spacing: int,
) -> None:
    """Place channels in a new category, skipping any already placed in the team."""
    rows = [
        {
            "tenant_id": tenant_id,
            "user_id": category.user_id,
            "team_id": category.team_id,
            "channel_id": channel_id,
            "category_id": category.id,
            "sort_order": i * spacing,
        }
        for i, channel_id in enumerate(channel_ids)
    ]
    await insert_ignore(conn, sidebar_channels, rows)
