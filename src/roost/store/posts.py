"""SQL for posts: writing them, the counters a new post moves, and single reads.

Lists of posts (pages, cursors, threads) are in ``post_lists.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Post
from roost.store import codec
from roost.store.tables import channel_members, channels, posts

# Replies carry their root's counters, read through this alias in one join.
roots = posts.alias("roots")

_POST_COLUMNS = [c for c in posts.c if c.name != "tenant_id"]


def post_select(tenant_id: str) -> Select[Any]:
    """Every post column, plus the root's counters for replies (a primary-key join)."""
    join = posts.outerjoin(
        roots,
        and_(
            roots.c.tenant_id == posts.c.tenant_id,
            roots.c.id == posts.c.root_id,
            posts.c.root_id != "",
        ),
    )
    return (
        select(
            *_POST_COLUMNS,
            roots.c.reply_count.label("root_reply_count"),
            roots.c.last_reply_at.label("root_last_reply_at"),
        )
        .select_from(join)
        .where(posts.c.tenant_id == tenant_id)
    )


def post_from_row(row: RowMapping) -> Post:
    reply_count = row["reply_count"]
    last_reply_at = row["last_reply_at"]
    if row["root_id"] and row.get("root_reply_count") is not None:
        reply_count = row["root_reply_count"]
        last_reply_at = row["root_last_reply_at"]
    return Post(
        id=row["id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        message=row["message"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        edit_at=row["edit_at"],
        delete_at=row["delete_at"],
        is_pinned=bool(row["is_pinned"]),
        root_id=row["root_id"],
        original_id=row["original_id"],
        type=row["type"],
        props=codec.load_dict(row["props"]),
        hashtags=row["hashtags"],
        file_ids=[str(f) for f in codec.load_list(row["file_ids"])],
        has_reactions=bool(row["has_reactions"]),
        reply_count=int(reply_count),
        last_reply_at=int(last_reply_at),
    )


def post_values(tenant_id: str, post: Post) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": post.id,
        "create_at": post.create_at,
        "update_at": post.update_at,
        "edit_at": post.edit_at,
        "delete_at": post.delete_at,
        "is_pinned": post.is_pinned,
        "user_id": post.user_id,
        "channel_id": post.channel_id,
        "root_id": post.root_id,
        "original_id": post.original_id,
        "message": post.message,
        "type": post.type,
        "props": codec.dump(post.props),
        "hashtags": post.hashtags,
        "file_ids": codec.dump(post.file_ids),
        "has_reactions": post.has_reactions,
        "reply_count": post.reply_count,
        "last_reply_at": post.last_reply_at,
    }


async def rows_to_posts(conn: AsyncConnection, stmt: Select[Any]) -> list[Post]:
    return [post_from_row(r) for r in (await conn.execute(stmt)).mappings()]


# Reads.


async def get_post(
    conn: AsyncConnection, tenant_id: str, post_id: str, include_deleted: bool = False
) -> Post | None:
    stmt = post_select(tenant_id).where(posts.c.id == post_id)
    if not include_deleted:
        stmt = stmt.where(posts.c.delete_at == 0)
    row = (await conn.execute(stmt)).mappings().first()
    return post_from_row(row) if row else None


async def get_posts(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str], include_deleted: bool = False
) -> list[Post]:
    if not post_ids:
        return []
    stmt = post_select(tenant_id).where(posts.c.id.in_(list(post_ids)))
    if not include_deleted:
        stmt = stmt.where(posts.c.delete_at == 0)
    return await rows_to_posts(conn, stmt.order_by(posts.c.create_at.desc(), posts.c.id.desc()))


# Creating a post: an insert plus the counters it moves, a handful of statements.


async def insert_post(conn: AsyncConnection, tenant_id: str, post: Post) -> None:
    await conn.execute(posts.insert().values(post_values(tenant_id, post)))


async def count_post_in_channel(
    conn: AsyncConnection, tenant_id: str, channel_id: str, create_at: int, is_root: bool
) -> None:
    """Move the channel's last-post times and message totals for one new post."""
    c = channels.c
    values: dict[str, Any] = {
        "last_post_at": case((c.last_post_at < create_at, create_at), else_=c.last_post_at),
        "total_msg_count": c.total_msg_count + 1,
    }
    if is_root:
        values["last_root_post_at"] = case(
            (c.last_root_post_at < create_at, create_at), else_=c.last_root_post_at
        )
        values["total_msg_count_root"] = c.total_msg_count_root + 1
    await conn.execute(
        update(channels).where(c.tenant_id == tenant_id, c.id == channel_id).values(values)
    )


async def mark_channel_read(
    conn: AsyncConnection, tenant_id: str, channel_id: str, user_id: str, now: int
) -> None:
    """The poster has read everything up to their own post: copy the channel totals."""
    totals = select(channels.c.total_msg_count).where(
        channels.c.tenant_id == tenant_id, channels.c.id == channel_id
    )
    totals_root = select(channels.c.total_msg_count_root).where(
        channels.c.tenant_id == tenant_id, channels.c.id == channel_id
    )
    m = channel_members.c
    await conn.execute(
        update(channel_members)
        .where(m.tenant_id == tenant_id, m.channel_id == channel_id, m.user_id == user_id)
        .values(
            last_viewed_at=case((m.last_viewed_at < now, now), else_=m.last_viewed_at),
            msg_count=totals.scalar_subquery(),
            msg_count_root=totals_root.scalar_subquery(),
            mention_count=0,
            mention_count_root=0,
            urgent_mention_count=0,
            last_update_at=now,
        )
    )


async def count_reply(conn: AsyncConnection, tenant_id: str, root_id: str, reply_at: int) -> None:
    """A new reply: the root's stored counter and times move (no COUNT(*) on reads)."""
    c = posts.c
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == root_id)
        .values(
            reply_count=c.reply_count + 1,
            last_reply_at=case((c.last_reply_at < reply_at, reply_at), else_=c.last_reply_at),
            update_at=case((c.update_at < reply_at, reply_at), else_=c.update_at),
        )
    )


async def add_mentions(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    user_ids: Sequence[str],
    is_root: bool,
) -> None:
    if not user_ids:
        return
    m = channel_members.c
    values: dict[str, Any] = {"mention_count": m.mention_count + 1}
    if is_root:
        values["mention_count_root"] = m.mention_count_root + 1
    await conn.execute(
        update(channel_members)
        .where(
            m.tenant_id == tenant_id,
            m.channel_id == channel_id,
            m.user_id.in_(list(user_ids)),
        )
        .values(values)
    )


# Changing posts.


async def save_edit(conn: AsyncConnection, tenant_id: str, post: Post) -> None:
    """Write the fields an edit, patch or pin can change."""
    await conn.execute(
        update(posts)
        .where(posts.c.tenant_id == tenant_id, posts.c.id == post.id)
        .values(
            message=post.message,
            hashtags=post.hashtags,
            props=codec.dump(post.props),
            file_ids=codec.dump(post.file_ids),
            is_pinned=post.is_pinned,
            edit_at=post.edit_at,
            update_at=post.update_at,
        )
    )


async def touch_post(conn: AsyncConnection, tenant_id: str, post_id: str, now: int) -> None:
    """Move update_at so lists, Etags and ``since`` readers see the post changed."""
    c = posts.c
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == post_id)
        .values(update_at=case((c.update_at < now, now), else_=c.update_at))
    )


async def soft_delete(
    conn: AsyncConnection, tenant_id: str, post: Post, now: int, delete_by: str
) -> None:
    """Delete a post and, for a root, every reply to it."""
    props = dict(post.props, deleteBy=delete_by)
    c = posts.c
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == post.id)
        .values(delete_at=now, update_at=now, props=codec.dump(props))
    )
    if post.is_root:
        await conn.execute(
            update(posts)
            .where(c.tenant_id == tenant_id, c.root_id == post.id, c.delete_at == 0)
            .values(delete_at=now, update_at=now)
        )


async def recount_thread(conn: AsyncConnection, tenant_id: str, root_id: str, now: int) -> None:
    """Recompute a root's counters after a reply is deleted (rare, so counted)."""
    c = posts.c
    live = and_(c.tenant_id == tenant_id, c.root_id == root_id, c.delete_at == 0)
    count = select(func.count()).select_from(posts).where(live).scalar_subquery()
    last = select(func.coalesce(func.max(c.create_at), 0)).where(live).scalar_subquery()
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == root_id)
        .values(reply_count=count, last_reply_at=last, update_at=now)
    )


async def set_has_reactions(
    conn: AsyncConnection, tenant_id: str, post_id: str, has: bool, now: int
) -> None:
    c = posts.c
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == post_id)
        .values(
            has_reactions=has,
            update_at=case((c.update_at < now, now), else_=c.update_at),
        )
    )


def live_channel_posts(tenant_id: str, channel_id: str, roots_only: bool) -> Any:
    """The condition for a channel's visible posts (the common list filter)."""
    cond = and_(
        posts.c.tenant_id == tenant_id,
        posts.c.channel_id == channel_id,
        posts.c.delete_at == 0,
    )
    if roots_only:
        cond = and_(cond, posts.c.root_id == "")
    return cond


def after_key(create_at: int, post_id: str) -> Any:
    """Posts strictly after (create_at, id): the total order lists page on."""
    return or_(
        posts.c.create_at > create_at,
        and_(posts.c.create_at == create_at, posts.c.id > post_id),
    )


def before_key(create_at: int, post_id: str) -> Any:
    return or_(
        posts.c.create_at < create_at,
        and_(posts.c.create_at == create_at, posts.c.id < post_id),
    )
