"""SQL for channels and channel members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import DEFAULT_MEMBER_NOTIFY_PROPS, Channel, ChannelMember
from roost.store.db import codec
from roost.store.db.dialect import insert_ignore
from roost.store.tables import channel_members, channels, teams


def channel_from_row(row: RowMapping) -> Channel:
    return Channel(
        id=row["id"],
        team_id=row["team_id"],
        type=row["type"],
        name=row["name"],
        display_name=row["display_name"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        header=row["header"],
        purpose=row["purpose"],
        last_post_at=row["last_post_at"],
        last_root_post_at=row["last_root_post_at"],
        total_msg_count=row["total_msg_count"],
        total_msg_count_root=row["total_msg_count_root"],
        creator_id=row["creator_id"],
        props=codec.load_dict(row["props"]),
    )


def channel_values(tenant_id: str, channel: Channel) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": channel.id,
        "create_at": channel.create_at,
        "update_at": channel.update_at,
        "delete_at": channel.delete_at,
        "team_id": channel.team_id,
        "type": channel.type,
        "name": channel.name,
        "display_name": channel.display_name,
        "header": channel.header,
        "purpose": channel.purpose,
        "last_post_at": channel.last_post_at,
        "last_root_post_at": channel.last_root_post_at,
        "total_msg_count": channel.total_msg_count,
        "total_msg_count_root": channel.total_msg_count_root,
        "creator_id": channel.creator_id,
        "props": codec.dump(channel.props),
    }


def member_from_row(row: RowMapping) -> ChannelMember:
    return ChannelMember(
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        scheme_user=row["scheme_user"],
        scheme_admin=row["scheme_admin"],
        explicit_roles=row["explicit_roles"],
        last_viewed_at=row["last_viewed_at"],
        msg_count=row["msg_count"],
        msg_count_root=row["msg_count_root"],
        mention_count=row["mention_count"],
        mention_count_root=row["mention_count_root"],
        urgent_mention_count=row["urgent_mention_count"],
        notify_props={**DEFAULT_MEMBER_NOTIFY_PROPS, **codec.load_dict(row["notify_props"])},
        last_update_at=row["last_update_at"],
    )


async def get_channel(conn: AsyncConnection, tenant_id: str, channel_id: str) -> Channel | None:
    stmt = select(channels).where(channels.c.tenant_id == tenant_id, channels.c.id == channel_id)
    row = (await conn.execute(stmt)).mappings().first()
    return channel_from_row(row) if row else None


async def get_member(
    conn: AsyncConnection, tenant_id: str, channel_id: str, user_id: str
) -> ChannelMember | None:
    stmt = select(channel_members).where(
        channel_members.c.tenant_id == tenant_id,
        channel_members.c.channel_id == channel_id,
        channel_members.c.user_id == user_id,
    )
    row = (await conn.execute(stmt)).mappings().first()
    return member_from_row(row) if row else None


async def member_user_ids(conn: AsyncConnection, tenant_id: str, channel_id: str) -> list[str]:
    stmt = select(channel_members.c.user_id).where(
        channel_members.c.tenant_id == tenant_id, channel_members.c.channel_id == channel_id
    )
    return list((await conn.execute(stmt)).scalars())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Channels.


async def insert_channel(conn: AsyncConnection, tenant_id: str, channel: Channel) -> bool:
    """Insert unless a channel of that name exists in the team; True if inserted."""
    return await insert_ignore(conn, channels, [channel_values(tenant_id, channel)]) == 1


async def update_channel(conn: AsyncConnection, tenant_id: str, channel: Channel) -> None:
    values = channel_values(tenant_id, channel)
    # Counters belong to posting; an edit of the channel's properties never rewinds them.
    for name in (
        "tenant_id",
        "id",
        "last_post_at",
        "last_root_post_at",
        "total_msg_count",
        "total_msg_count_root",
    ):
        del values[name]
    await conn.execute(
        update(channels)
        .where(channels.c.tenant_id == tenant_id, channels.c.id == channel.id)
        .values(**values)
    )


async def get_channel_by_name(
    conn: AsyncConnection, tenant_id: str, team_id: str, name: str
) -> Channel | None:
    stmt = select(channels).where(
        channels.c.tenant_id == tenant_id, channels.c.team_id == team_id, channels.c.name == name
    )
    row = (await conn.execute(stmt)).mappings().first()
    return channel_from_row(row) if row else None


async def list_team_channels(
    conn: AsyncConnection,
    tenant_id: str,
    team_id: str,
    types: Sequence[str],
    *,
    offset: int,
    limit: int,
    deleted: bool = False,
    term: str = "",
) -> list[Channel]:
    """A team's channels of the given types, live ones or (``deleted``) archived ones."""
    stmt = select(channels).where(
        channels.c.tenant_id == tenant_id,
        channels.c.team_id == team_id,
        channels.c.type.in_(list(types)),
        channels.c.delete_at != 0 if deleted else channels.c.delete_at == 0,
    )
    if term:
        like = f"{_escape_like(term.lower())}%"
        stmt = stmt.where(
            or_(
                channels.c.name.like(like, escape="\\"),
                func.lower(channels.c.display_name).like(like, escape="\\"),
            )
        )
    stmt = stmt.order_by(channels.c.display_name, channels.c.id).offset(offset).limit(limit)
    return [channel_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def user_channels(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    team_id: str | None = None,
    *,
    include_deleted: bool = False,
) -> list[Channel]:
    """The user's channels; with ``team_id``, those of that team plus direct and group ones."""
    stmt = (
        select(channels)
        .join(
            channel_members,
            (channel_members.c.tenant_id == channels.c.tenant_id)
            & (channel_members.c.channel_id == channels.c.id),
        )
        .where(channels.c.tenant_id == tenant_id, channel_members.c.user_id == user_id)
    )
    if team_id is not None:
        stmt = stmt.where(or_(channels.c.team_id == team_id, channels.c.team_id == ""))
    if not include_deleted:
        stmt = stmt.where(channels.c.delete_at == 0)
    stmt = stmt.order_by(channels.c.display_name, channels.c.id)
    return [channel_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def search_all_channels(
    conn: AsyncConnection,
    tenant_id: str,
    term: str,
    types: Sequence[str],
    *,
    include_deleted: bool,
    team_ids: Sequence[str],
    offset: int,
    limit: int,
) -> tuple[list[tuple[Channel, dict[str, Any]]], int]:
    """Team channels across teams whose name or a word of whose display name starts
    with ``term``, each with its team's names; and how many match in all."""
    ch, t = channels.c, teams.c
    cond = and_(ch.tenant_id == tenant_id, ch.type.in_(list(types)), ch.team_id != "")
    if not include_deleted:
        cond = and_(cond, ch.delete_at == 0)
    if team_ids:
        cond = and_(cond, ch.team_id.in_(list(team_ids)))
    if term:
        like = f"{_escape_like(term.lower())}%"
        display = func.lower(ch.display_name)
        cond = and_(
            cond,
            or_(
                ch.name.like(like, escape="\\"),
                display.like(like, escape="\\"),
                display.like("% " + like, escape="\\"),
            ),
        )
    joined = channels.join(teams, and_(t.tenant_id == ch.tenant_id, t.id == ch.team_id))
    total = (await conn.execute(select(func.count()).select_from(joined).where(cond))).scalar_one()
    stmt = (
        select(channels, t.display_name.label("team_display_name"), t.name.label("team_name"))
        .add_columns(t.update_at.label("team_update_at"))
        .select_from(joined)
        .where(cond)
        .order_by(ch.display_name, ch.id)
        .offset(offset)
        .limit(limit)
    )
    found = []
    for row in (await conn.execute(stmt)).mappings():
        team = {
            "team_display_name": row["team_display_name"],
            "team_name": row["team_name"],
            "team_update_at": int(row["team_update_at"]),
        }
        found.append((channel_from_row(row), team))
    return found, int(total)
