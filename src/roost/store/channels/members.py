"""SQL for channel membership and each member's read state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import ChannelMember
from roost.store.channels.channels import member_from_row
from roost.store.db import codec
from roost.store.db.dialect import insert_ignore
from roost.store.tables import channel_members, channels


def member_values(tenant_id: str, member: ChannelMember) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "channel_id": member.channel_id,
        "user_id": member.user_id,
        "scheme_user": member.scheme_user,
        "scheme_admin": member.scheme_admin,
        "explicit_roles": member.explicit_roles,
        "last_viewed_at": member.last_viewed_at,
        "msg_count": member.msg_count,
        "msg_count_root": member.msg_count_root,
        "mention_count": member.mention_count,
        "mention_count_root": member.mention_count_root,
        "urgent_mention_count": member.urgent_mention_count,
        "notify_props": codec.dump(member.notify_props),
        "last_update_at": member.last_update_at,
    }


def _where_member(tenant_id: str, channel_id: str, user_id: str) -> Any:
    return and_(
        channel_members.c.tenant_id == tenant_id,
        channel_members.c.channel_id == channel_id,
        channel_members.c.user_id == user_id,
    )


async def insert_members(
    conn: AsyncConnection, tenant_id: str, members: Sequence[ChannelMember]
) -> list[ChannelMember]:
    """Insert the members not already there; returns those that were new."""
    if not members:
        return []
    by_channel: dict[str, list[ChannelMember]] = {}
    for m in members:
        by_channel.setdefault(m.channel_id, []).append(m)
    fresh: list[ChannelMember] = []
    for channel_id, group in by_channel.items():
        stmt = select(channel_members.c.user_id).where(
            channel_members.c.tenant_id == tenant_id,
            channel_members.c.channel_id == channel_id,
            channel_members.c.user_id.in_([m.user_id for m in group]),
        )
        existing = set((await conn.execute(stmt)).scalars())
        fresh.extend(m for m in group if m.user_id not in existing)
    await insert_ignore(conn, channel_members, [member_values(tenant_id, m) for m in fresh])
    return fresh


async def update_member(conn: AsyncConnection, tenant_id: str, member: ChannelMember) -> None:
    """Write roles and notification settings (read state has its own statements)."""
    await conn.execute(
        update(channel_members)
        .where(_where_member(tenant_id, member.channel_id, member.user_id))
        .values(
            scheme_user=member.scheme_user,
            scheme_admin=member.scheme_admin,
            explicit_roles=member.explicit_roles,
            notify_props=codec.dump(member.notify_props),
            last_update_at=member.last_update_at,
        )
    )


async def delete_member(
    conn: AsyncConnection, tenant_id: str, channel_id: str, user_id: str
) -> bool:
    result = await conn.execute(
        delete(channel_members).where(_where_member(tenant_id, channel_id, user_id))
    )
    return bool(result.rowcount)


async def delete_user_from_team(
    conn: AsyncConnection, tenant_id: str, team_id: str, user_id: str
) -> list[str]:
    """Remove a user from every channel of a team; returns those channel ids."""
    team_channels = select(channels.c.id).where(
        channels.c.tenant_id == tenant_id, channels.c.team_id == team_id
    )
    stmt = select(channel_members.c.channel_id).where(
        channel_members.c.tenant_id == tenant_id,
        channel_members.c.user_id == user_id,
        channel_members.c.channel_id.in_(team_channels),
    )
    ids = list((await conn.execute(stmt)).scalars())
    if ids:
        await conn.execute(
            delete(channel_members).where(
                channel_members.c.tenant_id == tenant_id,
                channel_members.c.user_id == user_id,
                channel_members.c.channel_id.in_(ids),
            )
        )
    return ids


async def list_members(
    conn: AsyncConnection, tenant_id: str, channel_id: str, *, offset: int, limit: int
) -> list[ChannelMember]:
    stmt = (
        select(channel_members)
        .where(channel_members.c.tenant_id == tenant_id, channel_members.c.channel_id == channel_id)
        .order_by(channel_members.c.user_id)
        .offset(offset)
        .limit(limit)
    )
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def members_by_ids(
    conn: AsyncConnection, tenant_id: str, channel_id: str, user_ids: Sequence[str]
) -> list[ChannelMember]:
    if not user_ids:
        return []
    stmt = select(channel_members).where(
        channel_members.c.tenant_id == tenant_id,
        channel_members.c.channel_id == channel_id,
        channel_members.c.user_id.in_(list(user_ids)),
    )
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def count_members(conn: AsyncConnection, tenant_id: str, channel_id: str) -> int:
    stmt = (
        select(func.count())
        .select_from(channel_members)
        .where(channel_members.c.tenant_id == tenant_id, channel_members.c.channel_id == channel_id)
    )
    return int((await conn.execute(stmt)).scalar_one())


def _joined() -> Any:
    return channel_members.join(
        channels,
        (channels.c.tenant_id == channel_members.c.tenant_id)
        & (channels.c.id == channel_members.c.channel_id),
    )


async def members_for_user(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    team_id: str | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[ChannelMember]:
    """The user's memberships; with ``team_id``, in that team and in direct/group channels."""
    stmt = (
        select(channel_members)
        .select_from(_joined())
        .where(channel_members.c.tenant_id == tenant_id, channel_members.c.user_id == user_id)
        .order_by(channel_members.c.channel_id)
    )
    if team_id is not None:
        stmt = stmt.where(or_(channels.c.team_id == team_id, channels.c.team_id == ""))
    if limit is not None:
        stmt = stmt.offset(offset).limit(limit)
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def member_channel_ids(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_ids: Sequence[str]
) -> list[str]:
    """Which of these channels the user is a member of."""
    if not channel_ids:
        return []
    stmt = select(channel_members.c.channel_id).where(
        channel_members.c.tenant_id == tenant_id,
        channel_members.c.user_id == user_id,
        channel_members.c.channel_id.in_(list(channel_ids)),
    )
    return list((await conn.execute(stmt)).scalars())


async def mark_viewed(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_ids: Sequence[str], now: int
) -> None:
    """Everything in these channels is read: counts catch up with the channel, mentions clear."""
    if not channel_ids:
        return

    def total(column: Any) -> Any:
        return (
            select(column)
            .where(channels.c.tenant_id == tenant_id, channels.c.id == channel_members.c.channel_id)
            .scalar_subquery()
        )

    await conn.execute(
        update(channel_members)
        .where(
            channel_members.c.tenant_id == tenant_id,
            channel_members.c.user_id == user_id,
            channel_members.c.channel_id.in_(list(channel_ids)),
        )
        .values(
            last_viewed_at=now,
            msg_count=total(channels.c.total_msg_count),
            msg_count_root=total(channels.c.total_msg_count_root),
            mention_count=0,
            mention_count_root=0,
            urgent_mention_count=0,
            last_update_at=now,
        )
    )


def unread_from_row(row: RowMapping) -> dict[str, Any]:
    """Mattermost's ChannelUnread: unread is what the channel has beyond what was read."""
    props = codec.load_dict(row["notify_props"])
    return {
        "team_id": row["team_id"],
        "channel_id": row["channel_id"],
        "msg_count": max(0, row["total_msg_count"] - row["msg_count"]),
        "msg_count_root": max(0, row["total_msg_count_root"] - row["msg_count_root"]),
        "mention_count": row["mention_count"],
        "mention_count_root": row["mention_count_root"],
        "urgent_mention_count": row["urgent_mention_count"],
        "notify_props": {str(k): str(v) for k, v in props.items()},
    }


_UNREAD_COLUMNS = (
    channels.c.team_id,
    channel_members.c.channel_id,
    channels.c.total_msg_count,
    channels.c.total_msg_count_root,
    channel_members.c.msg_count,
    channel_members.c.msg_count_root,
    channel_members.c.mention_count,
    channel_members.c.mention_count_root,
    channel_members.c.urgent_mention_count,
    channel_members.c.notify_props,
)


async def unreads_for_user(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    *,
    team_id: str | None = None,
    channel_id: str | None = None,
) -> list[dict[str, Any]]:
    """Unread counts of the user's live channels (of one team), or of one channel."""
    stmt = (
        select(*_UNREAD_COLUMNS)
        .select_from(_joined())
        .where(channel_members.c.tenant_id == tenant_id, channel_members.c.user_id == user_id)
    )
    if team_id is not None:
        stmt = stmt.where(channels.c.team_id == team_id)
    if channel_id is not None:
        stmt = stmt.where(channel_members.c.channel_id == channel_id)
    else:
        stmt = stmt.where(channels.c.delete_at == 0)
    return [unread_from_row(r) for r in (await conn.execute(stmt)).mappings()]
