"""Writing an import's rows: sets of rows per statement, existing keys skipped or
updated, so running the same batch twice changes nothing; counters moved once per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db.dialect import insert_ignore, upsert
from roost.store.tables import (
    bots,
    channel_members,
    channels,
    emoji,
    file_infos,
    posts,
    preferences,
    reactions,
    team_members,
    teams,
    thread_memberships,
    users,
)

Row = dict[str, Any]
INSERT_CHUNK = 5000


def _unique(rows: Sequence[Row], key: Sequence[str]) -> list[Row]:
    """One row per key, the last winning: an upsert may not touch a row twice."""
    return list({tuple(r[k] for k in key): r for r in rows}.values())


async def upsert_teams(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await upsert(
        conn,
        teams,
        _unique(rows, ["name"]),
        key=["tenant_id", "name"],
        update=["display_name", "description", "type", "allow_open_invite", "update_at"],
    )


async def upsert_channels(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await upsert(
        conn,
        channels,
        _unique(rows, ["team_id", "name"]),
        key=["tenant_id", "team_id", "name"],
        update=["display_name", "header", "purpose", "type", "delete_at", "update_at"],
    )


async def insert_channels(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    """Channels only where none of the name is there yet (direct and default channels)."""
    await insert_ignore(conn, channels, rows)


async def insert_users(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, users, rows)


_PROFILE = (
    "email",
    "nickname",
    "first_name",
    "last_name",
    "position",
    "roles",
    "locale",
    "auth_service",
    "auth_data",
    "delete_at",
    "notify_props",
    "update_at",
)


async def update_users(conn: AsyncConnection, tenant_id: str, rows: Sequence[Row]) -> None:
    """People already there: their profile as the file says (the password only when the
    file carries one)."""
    for row in rows:
        values = {k: row[k] for k in _PROFILE}
        if row.get("password_hash"):
            values["password_hash"] = row["password_hash"]
        await conn.execute(
            update(users)
            .where(users.c.tenant_id == tenant_id, users.c.id == row["id"])
            .values(**values)
        )


async def insert_bots(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, bots, rows)


async def insert_team_members(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await upsert(
        conn,
        team_members,
        _unique(rows, ["team_id", "user_id"]),
        key=["tenant_id", "team_id", "user_id"],
        update=["scheme_admin"],
    )


async def insert_channel_members(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, channel_members, rows)


async def upsert_preferences(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await upsert(
        conn,
        preferences,
        _unique(rows, ["user_id", "category", "name"]),
        key=["tenant_id", "user_id", "category", "name"],
        update=["value"],
    )


async def insert_posts(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    """Many rows per statement (SQLAlchemy's insertmanyvalues). Not COPY: PostgreSQL
    refuses COPY FROM into a table under row-level security, as Roost's tables are."""
    for start in range(0, len(rows), INSERT_CHUNK):
        await conn.execute(posts.insert(), list(rows[start : start + INSERT_CHUNK]))


async def insert_files(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, file_infos, rows)


async def insert_reactions(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, reactions, rows)


async def insert_thread_memberships(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, thread_memberships, rows)


async def insert_emoji(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    await insert_ignore(conn, emoji, rows)


_ADD_COUNTS_PG = text(
    "UPDATE channels AS c SET"
    " total_msg_count = c.total_msg_count + v.n,"
    " total_msg_count_root = c.total_msg_count_root + v.r,"
    " last_post_at = GREATEST(c.last_post_at, v.lp),"
    " last_root_post_at = GREATEST(c.last_root_post_at, v.lr),"
    " update_at = GREATEST(c.update_at, v.lp)"
    " FROM unnest(CAST(:cids AS varchar[]), CAST(:ns AS bigint[]), CAST(:rs AS bigint[]),"
    " CAST(:lps AS bigint[]), CAST(:lrs AS bigint[])) AS v(cid, n, r, lp, lr)"
    " WHERE c.tenant_id = :t AND c.id = v.cid"
)


def _later(column: Any, name: str) -> Any:
    return case((column < bindparam(name), bindparam(name)), else_=column)


async def add_channel_counts(conn: AsyncConnection, tenant_id: str, counts: Sequence[Row]) -> None:
    """Each row: {cid, n (posts), r (roots), lp (last post), lr (last root)}; one statement
    for the batch."""
    if not counts:
        return
    if conn.dialect.name == "postgresql":
        # One statement over arrays: an UPDATE per channel costs a round trip each. The
        # planner's statistics of tables filling this fast are stale (a few rows, when
        # there are thousands), and with them it loops over the tenant's channels once
        # per array element; a hash join reads them once.
        await conn.exec_driver_sql("SET LOCAL enable_nestloop = off")
        await conn.execute(
            _ADD_COUNTS_PG,
            {
                "t": tenant_id,
                "cids": [c["cid"] for c in counts],
                "ns": [c["n"] for c in counts],
                "rs": [c["r"] for c in counts],
                "lps": [c["lp"] for c in counts],
                "lrs": [c["lr"] for c in counts],
            },
        )
        await conn.exec_driver_sql("SET LOCAL enable_nestloop = on")
        return
    stmt = (
        update(channels)
        .where(channels.c.tenant_id == tenant_id, channels.c.id == bindparam("cid"))
        .values(
            total_msg_count=channels.c.total_msg_count + bindparam("n"),
            total_msg_count_root=channels.c.total_msg_count_root + bindparam("r"),
            last_post_at=_later(channels.c.last_post_at, "lp"),
            last_root_post_at=_later(channels.c.last_root_post_at, "lr"),
            update_at=_later(channels.c.update_at, "lp"),
        )
    )
    await conn.execute(stmt, list(counts))


async def recount_threads(conn: AsyncConnection, tenant_id: str, root_ids: Sequence[str]) -> None:
    """Roots that were already there and gained replies: their counters from their
    replies (rare: a later file adding to a thread)."""
    for root_id in root_ids:
        found = await conn.execute(
            select(func.count(), func.max(posts.c.create_at)).where(
                posts.c.tenant_id == tenant_id, posts.c.root_id == root_id, posts.c.delete_at == 0
            )
        )
        n, last = found.one()
        await conn.execute(
            update(posts)
            .where(posts.c.tenant_id == tenant_id, posts.c.id == root_id)
            .values(reply_count=int(n or 0), last_reply_at=int(last or 0))
        )


async def set_has_reactions(conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]) -> None:
    if post_ids:
        await conn.execute(
            update(posts)
            .where(posts.c.tenant_id == tenant_id, posts.c.id.in_(list(post_ids)))
            .values(has_reactions=True)
        )


async def mark_read(conn: AsyncConnection, tenant_id: str, channel_ids: Sequence[str]) -> None:
    """Members who have no read state of their own (last_viewed_at 0) have read every
    imported post: years of history do not arrive unread."""
    if not channel_ids:
        return
    of_channel = and_(
        channels.c.tenant_id == channel_members.c.tenant_id,
        channels.c.id == channel_members.c.channel_id,
    )

    def field(column: Any) -> Any:
        return select(column).where(of_channel).scalar_subquery()

    if conn.dialect.name == "postgresql":
        # UPDATE ... FROM channels, joined by hashing (stale statistics mid-import would
        # otherwise have it look each member's channel up among all of them).
        await conn.exec_driver_sql("SET LOCAL enable_nestloop = off")
        await conn.execute(
            update(channel_members)
            .where(
                channel_members.c.tenant_id == tenant_id,
                channel_members.c.channel_id.in_(list(channel_ids)),
                channel_members.c.last_viewed_at == 0,
                channels.c.tenant_id == channel_members.c.tenant_id,
                channels.c.id == channel_members.c.channel_id,
            )
            .values(
                msg_count=channels.c.total_msg_count,
                msg_count_root=channels.c.total_msg_count_root,
                last_viewed_at=channels.c.last_post_at,
            )
        )
        return
    await conn.execute(
        update(channel_members)
        .where(
            channel_members.c.tenant_id == tenant_id,
            channel_members.c.channel_id.in_(list(channel_ids)),
            channel_members.c.last_viewed_at == 0,
        )
        .values(
            msg_count=field(channels.c.total_msg_count),
            msg_count_root=field(channels.c.total_msg_count_root),
            last_viewed_at=field(channels.c.last_post_at),
        )
    )
