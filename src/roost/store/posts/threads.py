"""SQL for thread memberships: a user's thread list and totals, read marks, following,
and what deletes and leaving a channel do to them. (Replies move them in
``thread_fanout``.)

Every read here is bounded by the user's own memberships, never by a thread's length
or follower count: the list pages off ``ix_thread_memberships_user`` and the unread
counts are stored, not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, func, literal_column, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.thread import ThreadMembership
from roost.store.db.dialect import upsert
from roost.store.tables import posts, thread_memberships

tm, p = thread_memberships.c, posts.c

_COLUMNS = [c for c in thread_memberships.c if c.name != "tenant_id"]


def membership_from_row(row: RowMapping) -> ThreadMembership:
    return ThreadMembership(
        post_id=row["post_id"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        team_id=row["team_id"],
        following=bool(row["following"]),
        last_viewed=int(row["last_viewed"]),
        last_updated=int(row["last_updated"]),
        last_reply_at=int(row["last_reply_at"]),
        unread_replies=int(row["unread_replies"]),
        unread_mentions=int(row["unread_mentions"]),
        thread_delete_at=int(row["thread_delete_at"]),
    )


def _values(tenant_id: str, m: ThreadMembership) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "post_id": m.post_id,
        "user_id": m.user_id,
        "channel_id": m.channel_id,
        "team_id": m.team_id,
        "following": m.following,
        "last_viewed": m.last_viewed,
        "last_updated": m.last_updated,
        "last_reply_at": m.last_reply_at,
        "unread_replies": m.unread_replies,
        "unread_mentions": m.unread_mentions,
        "thread_delete_at": m.thread_delete_at,
    }


# Live followed threads, in the very words of ix_thread_memberships_totals' predicate
# (a bound parameter would keep a generic plan from using that partial index).
_LIVE_FOLLOWED = and_(tm.following, tm.thread_delete_at == literal_column("0"))


def _in_team(team_id: str) -> Any:
    # A team's threads, and those of direct and group channels, which show in every team.
    return tm.team_id.in_([team_id, ""]) if team_id else tm.team_id == ""


@dataclass(slots=True)
class ListOptions:
    per_page: int = 30
    offset: int = 0
    # (last_reply_at, post_id) cursors: threads older than ``before`` / newer than ``after``.
    before: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    since: int = 0
    unread_only: bool = False
    include_deleted: bool = False


async def get_membership(
    conn: AsyncConnection, tenant_id: str, root_id: str, user_id: str
) -> ThreadMembership | None:
    stmt = select(*_COLUMNS).where(
        tm.tenant_id == tenant_id, tm.post_id == root_id, tm.user_id == user_id
    )
    row = (await conn.execute(stmt)).mappings().first()
    return membership_from_row(row) if row is not None else None


async def following_among(
    conn: AsyncConnection, tenant_id: str, user_id: str, root_ids: Sequence[str]
) -> set[str]:
    """Which of these roots the user follows (by primary key, one probe each)."""
    if not root_ids:
        return set()
    stmt = select(tm.post_id).where(
        tm.tenant_id == tenant_id,
        tm.post_id.in_(list(root_ids)),
        tm.user_id == user_id,
        tm.following,
    )
    return {str(r[0]) for r in await conn.execute(stmt)}


async def list_memberships(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str, opts: ListOptions
) -> list[ThreadMembership]:
    """A page of the threads a user follows, most recently replied first (oldest first
    when paging ``after`` a cursor)."""
    stmt = select(*_COLUMNS).where(
        tm.tenant_id == tenant_id, tm.user_id == user_id, tm.following, _in_team(team_id)
    )
    if not opts.include_deleted:
        stmt = stmt.where(tm.thread_delete_at == 0)
    if opts.unread_only:
        stmt = stmt.where(tm.unread_replies > 0)
    if opts.since:
        stmt = stmt.where(or_(tm.last_updated >= opts.since, tm.last_reply_at >= opts.since))
    order = [tm.last_reply_at.desc(), tm.post_id.desc()]
    if opts.before is not None:
        at, key = opts.before
        stmt = stmt.where(tm.last_reply_at <= at, or_(tm.last_reply_at < at, tm.post_id < key))
    if opts.after is not None:
        at, key = opts.after
        stmt = stmt.where(tm.last_reply_at >= at, or_(tm.last_reply_at > at, tm.post_id > key))
        order = [tm.last_reply_at.asc(), tm.post_id.asc()]
    stmt = stmt.order_by(*order).limit(opts.per_page).offset(opts.offset)
    return [membership_from_row(r) for r in (await conn.execute(stmt)).mappings()]


@dataclass(slots=True)
class ThreadTotals:
    total: int = 0
    unread_threads: int = 0
    unread_mentions: int = 0


async def totals(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str, include_deleted: bool
) -> ThreadTotals:
    """One pass over the user's own memberships in the team."""
    stmt = select(
        func.count(),
        func.coalesce(func.sum(case((tm.unread_replies > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(tm.unread_mentions), 0),
    ).where(tm.tenant_id == tenant_id, tm.user_id == user_id, _in_team(team_id))
    stmt = stmt.where(tm.following if include_deleted else _LIVE_FOLLOWED)
    row = (await conn.execute(stmt)).one()
    return ThreadTotals(int(row[0]), int(row[1]), int(row[2]))


async def team_unreads(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """team id -> (unread threads, unread thread mentions) for the user's live threads."""
    if not team_ids:
        return {}
    stmt = (
        select(
            tm.team_id,
            func.coalesce(func.sum(case((tm.unread_replies > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(tm.unread_mentions), 0),
        )
        .where(
            tm.tenant_id == tenant_id,
            tm.user_id == user_id,
            _LIVE_FOLLOWED,
            tm.team_id.in_(list(team_ids)),
            or_(tm.unread_replies > 0, tm.unread_mentions > 0),
        )
        .group_by(tm.team_id)
    )
    return {str(r[0]): (int(r[1]), int(r[2])) for r in await conn.execute(stmt)}


async def mentions_per_channel(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str
) -> dict[str, int]:
    """channel id -> unread mentions in the user's live followed threads of the team (and
    of direct and group channels), for every channel where the user follows one."""
    stmt = (
        select(tm.channel_id, func.coalesce(func.sum(tm.unread_mentions), 0))
        .where(tm.tenant_id == tenant_id, tm.user_id == user_id, _LIVE_FOLLOWED, _in_team(team_id))
        .group_by(tm.channel_id)
    )
    return {str(r[0]): int(r[1]) for r in await conn.execute(stmt)}


# Changes by the user.


async def save_membership(conn: AsyncConnection, tenant_id: str, m: ThreadMembership) -> None:
    await upsert(
        conn,
        thread_memberships,
        [_values(tenant_id, m)],
        key=["tenant_id", "post_id", "user_id"],
        update=[
            "following",
            "last_viewed",
            "last_updated",
            "unread_replies",
            "unread_mentions",
        ],
    )


async def mark_all_read(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str, now: int
) -> int:
    """Every thread of the user's in the team read up to now. Returns threads changed."""
    result = await conn.execute(
        update(thread_memberships)
        .where(
            tm.tenant_id == tenant_id,
            tm.user_id == user_id,
            _in_team(team_id),
            or_(tm.unread_replies > 0, tm.unread_mentions > 0, tm.last_viewed < tm.last_reply_at),
        )
        .values(last_viewed=now, unread_replies=0, unread_mentions=0, last_updated=now)
    )
    return int(result.rowcount or 0)


@dataclass(slots=True)
class LaterReply:
    user_id: str
    message: str
    create_at: int


async def lock_thread(conn: AsyncConnection, tenant_id: str, root_id: str) -> None:
    """Hold the root row (replies lock it too) until the transaction ends."""
    await conn.execute(
        select(p.id).where(p.tenant_id == tenant_id, p.id == root_id).with_for_update()
    )


async def replies_after(
    conn: AsyncConnection, tenant_id: str, root_id: str, after: int, limit: int
) -> list[LaterReply]:
    """A thread's live replies created after ``after``, oldest first (for recounting a
    user's unread state when they mark a point in the thread)."""
    stmt = (
        select(p.user_id, p.message, p.create_at)
        .where(
            p.tenant_id == tenant_id,
            p.root_id == root_id,
            p.create_at > after,
            p.delete_at == 0,
        )
        .order_by(p.create_at, p.id)
        .limit(limit)
    )
    return [LaterReply(str(r[0]), str(r[1]), int(r[2])) for r in await conn.execute(stmt)]


# What other changes do to memberships.


async def reply_deleted(
    conn: AsyncConnection,
    tenant_id: str,
    root_id: str,
    reply_author: str,
    reply_at: int,
    mentioned: Sequence[str],
    last_reply_at: int,
) -> None:
    """A reply went away: it is no longer unread to those who had not read it."""
    member = and_(tm.tenant_id == tenant_id, tm.post_id == root_id)
    unread = and_(member, tm.last_viewed < reply_at, tm.user_id != reply_author)
    await conn.execute(
        update(thread_memberships)
        .where(unread, tm.unread_replies > 0)
        .values(unread_replies=tm.unread_replies - 1)
    )
    if mentioned:
        await conn.execute(
            update(thread_memberships)
            .where(unread, tm.unread_mentions > 0, tm.user_id.in_(list(mentioned)))
            .values(unread_mentions=tm.unread_mentions - 1)
        )
    await conn.execute(update(thread_memberships).where(member).values(last_reply_at=last_reply_at))


async def root_deleted(conn: AsyncConnection, tenant_id: str, root_id: str, now: int) -> None:
    await conn.execute(
        update(thread_memberships)
        .where(tm.tenant_id == tenant_id, tm.post_id == root_id)
        .values(thread_delete_at=now, last_updated=now)
    )


async def left_channels(
    conn: AsyncConnection, tenant_id: str, user_id: str, channel_ids: Sequence[str]
) -> None:
    """Someone who left channels no longer follows (or sees) their threads."""
    if not channel_ids:
        return
    await conn.execute(
        delete(thread_memberships).where(
            tm.tenant_id == tenant_id,
            tm.user_id == user_id,
            tm.channel_id.in_(list(channel_ids)),
        )
    )
