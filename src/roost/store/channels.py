"""SQL for channels and channel members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import DEFAULT_MEMBER_NOTIFY_PROPS, Channel, ChannelMember
from roost.store import codec
from roost.store.tables import channel_members, channels


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
