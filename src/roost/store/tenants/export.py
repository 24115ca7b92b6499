"""SQL for exporting one tenant in Mattermost's bulk-import shape: teams, channels,
people with their memberships, and posts with their replies and reactions, read a
bounded page at a time (each page its own short read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import DIRECT, GROUP
from roost.store.tables import (
    channel_members,
    channels,
    posts,
    reactions,
    team_members,
    teams,
    users,
)

Row = dict[str, Any]
TEAM_CHANNELS = ("O", "P")
PRIVATE_CHATS = (DIRECT, GROUP)


async def teams_of(conn: AsyncConnection, tenant_id: str) -> list[Row]:
    rows = await conn.execute(
        select(teams)
        .where(teams.c.tenant_id == tenant_id, teams.c.delete_at == 0)
        .order_by(teams.c.name)
    )
    return [dict(r) for r in rows.mappings()]


async def channels_of(conn: AsyncConnection, tenant_id: str) -> list[Row]:
    """Team channels (public and private, archived ones too) with their team's name."""
    rows = await conn.execute(
        select(channels, teams.c.name.label("team_name"))
        .join(
            teams, and_(teams.c.tenant_id == channels.c.tenant_id, teams.c.id == channels.c.team_id)
        )
        .where(
            channels.c.tenant_id == tenant_id,
            channels.c.type.in_(TEAM_CHANNELS),
            teams.c.delete_at == 0,
        )
        .order_by(teams.c.name, channels.c.name)
    )
    return [dict(r) for r in rows.mappings()]


async def people_page(
    conn: AsyncConnection, tenant_id: str, after_id: str, limit: int
) -> list[Row]:
    rows = await conn.execute(
        select(users)
        .where(users.c.tenant_id == tenant_id, users.c.id > after_id, ~users.c.is_bot)
        .order_by(users.c.id)
        .limit(limit)
    )
    return [dict(r) for r in rows.mappings()]


async def usernames(conn: AsyncConnection, tenant_id: str) -> dict[str, str]:
    """Every user id -> username (posts name their authors by username)."""
    rows = await conn.execute(
        select(users.c.id, users.c.username).where(users.c.tenant_id == tenant_id)
    )
    return {r.id: r.username for r in rows}


async def memberships(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str]
) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
    """For each user: their teams (name, admin) and their team channels (team, name,
    admin)."""
    in_teams: dict[str, list[Row]] = defaultdict(list)
    in_channels: dict[str, list[Row]] = defaultdict(list)
    if not user_ids:
        return in_teams, in_channels
    tm = await conn.execute(
        select(team_members.c.user_id, team_members.c.scheme_admin, teams.c.name)
        .join(
            teams,
            and_(
                teams.c.tenant_id == team_members.c.tenant_id, teams.c.id == team_members.c.team_id
            ),
        )
        .where(
            team_members.c.tenant_id == tenant_id,
            team_members.c.user_id.in_(list(user_ids)),
            team_members.c.delete_at == 0,
            teams.c.delete_at == 0,
        )
        .order_by(teams.c.name)
    )
    for r in tm:
        in_teams[r.user_id].append({"team": r.name, "admin": bool(r.scheme_admin)})
    cm = await conn.execute(
        select(
            channel_members.c.user_id,
            channel_members.c.scheme_admin,
            channels.c.name,
            teams.c.name.label("team_name"),
        )
        .join(
            channels,
            and_(
                channels.c.tenant_id == channel_members.c.tenant_id,
                channels.c.id == channel_members.c.channel_id,
            ),
        )
        .join(
            teams, and_(teams.c.tenant_id == channels.c.tenant_id, teams.c.id == channels.c.team_id)
        )
        .where(
            channel_members.c.tenant_id == tenant_id,
            channel_members.c.user_id.in_(list(user_ids)),
            channels.c.type.in_(TEAM_CHANNELS),
        )
        .order_by(channels.c.name)
    )
    for c in cm:
        in_channels[c.user_id].append(
            {"team": c.team_name, "channel": c.name, "admin": bool(c.scheme_admin)}
        )
    return in_teams, in_channels


async def private_chats(conn: AsyncConnection, tenant_id: str) -> dict[str, Row]:
    """Direct and group channels: id -> {type, header, members (user ids)}."""
    rows = await conn.execute(
        select(channels.c.id, channels.c.type, channels.c.header, channel_members.c.user_id)
        .join(
            channel_members,
            and_(
                channel_members.c.tenant_id == channels.c.tenant_id,
                channel_members.c.channel_id == channels.c.id,
            ),
        )
        .where(channels.c.tenant_id == tenant_id, channels.c.type.in_(PRIVATE_CHATS))
        .order_by(channels.c.id, channel_members.c.user_id)
    )
    found: dict[str, Row] = {}
    for r in rows:
        chat = found.setdefault(r.id, {"type": r.type, "header": r.header, "members": []})
        chat["members"].append(r.user_id)
    return found


async def roots_page(
    conn: AsyncConnection, tenant_id: str, after: tuple[int, str], limit: int
) -> list[Row]:
    """Root posts (not deleted, not system messages) in order of creation."""
    rows = await conn.execute(
        select(posts)
        .where(
            posts.c.tenant_id == tenant_id,
            posts.c.root_id == "",
            posts.c.delete_at == 0,
            ~posts.c.type.startswith("system_"),
            tuple_(posts.c.create_at, posts.c.id) > tuple_(*after),
        )
        .order_by(posts.c.create_at, posts.c.id)
        .limit(limit)
    )
    return [dict(r) for r in rows.mappings()]


async def replies_to(conn: AsyncConnection, tenant_id: str, root_ids: Sequence[str]) -> list[Row]:
    if not root_ids:
        return []
    rows = await conn.execute(
        select(posts)
        .where(
            posts.c.tenant_id == tenant_id,
            posts.c.root_id.in_(list(root_ids)),
            posts.c.delete_at == 0,
        )
        .order_by(posts.c.create_at, posts.c.id)
    )
    return [dict(r) for r in rows.mappings()]


async def reactions_on(conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]) -> list[Row]:
    if not post_ids:
        return []
    rows = await conn.execute(
        select(reactions)
        .where(
            reactions.c.tenant_id == tenant_id,
            reactions.c.post_id.in_(list(post_ids)),
            reactions.c.delete_at == 0,
        )
        .order_by(reactions.c.create_at)
    )
    return [dict(r) for r in rows.mappings()]
