"""What the notification rules read about a post's possible recipients: each channel
member with their account and channel settings, status and devices, in a few queries
per post (never one per member)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db import codec
from roost.store.tables import (
    channel_members,
    posts,
    preferences,
    sessions,
    statuses,
    team_members,
    teams,
    thread_memberships,
    users,
)

CHUNK = 1000


@dataclass(slots=True)
class Member:
    """One channel member as the notification rules see them."""

    user_id: str
    username: str
    first_name: str
    last_name: str
    nickname: str
    email: str
    email_verified: bool
    deleted: bool
    is_bot: bool
    locale: str
    user_props: dict[str, Any]
    member_props: dict[str, Any]
    last_viewed_at: int
    status: str = "offline"
    manual: bool = False
    dnd_end_time: int = 0  # seconds, as Mattermost keeps it
    prev_status: str = ""
    last_activity_at: int = 0
    devices: list[Device] = field(default_factory=list)


@dataclass(slots=True)
class Device:
    session_id: str
    device_id: str
    props: dict[str, Any]


async def channel_members_for_notify(
    conn: AsyncConnection, tenant_id: str, channel_id: str
) -> dict[str, Member]:
    cm, u, s = channel_members.c, users.c, statuses.c
    stmt = (
        select(
            cm.user_id,
            cm.notify_props.label("member_props"),
            cm.last_viewed_at,
            u.username,
            u.first_name,
            u.last_name,
            u.nickname,
            u.email,
            u.email_verified,
            u.delete_at,
            u.is_bot,
            u.locale,
            u.notify_props.label("user_props"),
            s.status,
            s.manual,
            s.dnd_end_time,
            s.prev_status,
            s.last_activity_at,
        )
        .select_from(
            channel_members.join(
                users, and_(u.tenant_id == cm.tenant_id, u.id == cm.user_id)
            ).outerjoin(statuses, and_(s.tenant_id == cm.tenant_id, s.user_id == cm.user_id))
        )
        .where(cm.tenant_id == tenant_id, cm.channel_id == channel_id)
    )
    found: dict[str, Member] = {}
    for r in (await conn.execute(stmt)).mappings():
        found[r["user_id"]] = Member(
            user_id=r["user_id"],
            username=r["username"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            nickname=r["nickname"],
            email=r["email"],
            email_verified=bool(r["email_verified"]),
            deleted=bool(r["delete_at"]),
            is_bot=bool(r["is_bot"]),
            locale=r["locale"],
            user_props=codec.load_dict(r["user_props"]),
            member_props=codec.load_dict(r["member_props"]),
            last_viewed_at=r["last_viewed_at"],
            status=r["status"] or "offline",
            manual=bool(r["manual"]),
            dnd_end_time=r["dnd_end_time"] or 0,
            prev_status=r["prev_status"] or "",
            last_activity_at=r["last_activity_at"] or 0,
        )
    return found


async def devices_in_channel(
    conn: AsyncConnection, tenant_id: str, channel_id: str, now: int
) -> list[tuple[str, Device]]:
    """(user id, device) for every live session with a device of the channel's members."""
    se, cm = sessions.c, channel_members.c
    stmt = (
        select(se.user_id, se.id, se.device_id, se.props)
        .select_from(
            sessions.join(
                channel_members,
                and_(cm.tenant_id == se.tenant_id, cm.user_id == se.user_id),
            )
        )
        .where(
            se.tenant_id == tenant_id,
            cm.channel_id == channel_id,
            se.device_id != "",
            se.expires_at > now,
        )
    )
    return [
        (r["user_id"], Device(r["id"], r["device_id"], codec.load_dict(r["props"])))
        for r in (await conn.execute(stmt)).mappings()
    ]


async def user_devices(
    conn: AsyncConnection, tenant_id: str, user_id: str, now: int
) -> list[Device]:
    se = sessions.c
    stmt = select(se.id, se.device_id, se.props).where(
        se.tenant_id == tenant_id,
        se.user_id == user_id,
        se.device_id != "",
        se.expires_at > now,
    )
    return [
        Device(r["id"], r["device_id"], codec.load_dict(r["props"]))
        for r in (await conn.execute(stmt)).mappings()
    ]


async def forget_device(conn: AsyncConnection, tenant_id: str, user_id: str, device_id: str) -> int:
    """The push proxy answered "remove": the device no longer takes pushes. Its sessions
    stay logged in; only the device id is cleared."""
    se = sessions.c
    result = await conn.execute(
        sessions.update()
        .where(se.tenant_id == tenant_id, se.user_id == user_id, se.device_id == device_id)
        .values(device_id="")
    )
    return int(result.rowcount or 0)


async def thread_followers(conn: AsyncConnection, tenant_id: str, root_id: str) -> set[str]:
    t = thread_memberships.c
    stmt = select(t.user_id).where(
        t.tenant_id == tenant_id, t.post_id == root_id, t.following.is_(True)
    )
    return set((await conn.execute(stmt)).scalars())


async def badge_counts(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str]
) -> dict[str, int]:
    """Each user's mentions not yet read, over all their channels (the app's badge)."""
    cm = channel_members.c
    counts: dict[str, int] = {}
    ids = list(user_ids)
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(cm.user_id, func.coalesce(func.sum(cm.mention_count), 0))
            .where(cm.tenant_id == tenant_id, cm.user_id.in_(ids[start : start + CHUNK]))
            .group_by(cm.user_id)
        )
        for user_id, total in (await conn.execute(stmt)).all():
            counts[str(user_id)] = int(total)
    return counts


async def preference_values(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str], category: str, name: str
) -> dict[str, str]:
    p = preferences.c
    found: dict[str, str] = {}
    ids = list(user_ids)
    for start in range(0, len(ids), CHUNK):
        stmt = select(p.user_id, p.value).where(
            p.tenant_id == tenant_id,
            p.user_id.in_(ids[start : start + CHUNK]),
            p.category == category,
            p.name == name,
        )
        for user_id, value in (await conn.execute(stmt)).all():
            found[str(user_id)] = str(value)
    return found


async def team_names(conn: AsyncConnection, tenant_id: str, team_id: str) -> tuple[str, str]:
    """The team's (name, display name); empty when there is none."""
    t = teams.c
    stmt = select(t.name, t.display_name).where(t.tenant_id == tenant_id, t.id == team_id)
    row = (await conn.execute(stmt)).first()
    return (str(row[0]), str(row[1])) if row is not None else ("", "")


async def first_team_name(conn: AsyncConnection, tenant_id: str, user_id: str) -> str:
    """A team of the user's, for links to direct messages (which belong to none)."""
    t, tm = teams.c, team_members.c
    stmt = (
        select(t.name)
        .select_from(
            teams.join(team_members, and_(tm.tenant_id == t.tenant_id, tm.team_id == t.id))
        )
        .where(t.tenant_id == tenant_id, tm.user_id == user_id, tm.delete_at == 0, t.delete_at == 0)
        .order_by(t.name)
        .limit(1)
    )
    return str((await conn.execute(stmt)).scalar() or "")


async def root_facts(
    conn: AsyncConnection, tenant_id: str, root_id: str
) -> tuple[str, list[str]] | None:
    """A thread root's author and the ids of everyone who replied."""
    p = posts.c
    stmt = select(p.user_id, p.participants).where(p.tenant_id == tenant_id, p.id == root_id)
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    return str(row[0]), [str(u) for u in codec.load_list(row[1])]


async def last_viewed(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str], channel_ids: Sequence[str]
) -> dict[tuple[str, str], int]:
    """When each user last read each channel (a digest leaves out what they have read)."""
    if not channel_ids or not user_ids:
        return {}
    cm = channel_members.c
    stmt = select(cm.user_id, cm.channel_id, cm.last_viewed_at).where(
        cm.tenant_id == tenant_id,
        cm.user_id.in_(list(user_ids)),
        cm.channel_id.in_(list(channel_ids)),
    )
    return {(str(u), str(c)): int(t) for u, c, t in (await conn.execute(stmt)).all()}
