"""SQL for posts: writing them, the counters a new post moves, and single reads.

Lists of posts (pages, cursors, threads) are in ``post_lists.py``.

The statements on the hot paths are built once (``functools.cache``) with bind
parameters: building a SQLAlchemy statement and its cache key costs more CPU than
running it, and creating a post is benchmarked.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Post
from roost.store.db import codec
from roost.store.tables import posts

_POST_COLUMNS = [c for c in posts.c if c.name != "tenant_id"]
c = posts.c

# Bind parameter names (not column names, which SQLAlchemy reserves in SET clauses).


def param(name: str) -> BindParameter[str]:
    return bindparam(name, type_=String)


TENANT = param("p_tenant")
CHANNEL = param("p_channel")


def ms(name: str) -> BindParameter[int]:
    """A time (or count) parameter, typed so PostgreSQL never has to guess."""
    return bindparam(name, type_=BigInteger)


def post_select() -> Select[Any]:
    """Every post column of the tenant ``p_tenant``."""
    return select(*_POST_COLUMNS).where(c.tenant_id == TENANT)


def post_from_row(row: RowMapping) -> Post:
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
        reply_count=int(row["reply_count"]),
        last_reply_at=int(row["last_reply_at"]),
        participant_ids=[str(u) for u in codec.load_list(row["participants"])],
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
        "participants": codec.dump(post.participant_ids),
    }


async def fetch_posts(conn: AsyncConnection, stmt: Any, params: dict[str, Any]) -> list[Post]:
    return [post_from_row(r) for r in (await conn.execute(stmt, params)).mappings()]


def later(column: Any, value: Any) -> Any:
    """SET column to value unless it already holds a later time (GREATEST, portably)."""
    return case((column < value, value), else_=column)


# Reads.


@cache
def _get_stmt(include_deleted: bool) -> Select[Any]:
    stmt = post_select().where(c.id == param("p_id"))
    return stmt if include_deleted else stmt.where(c.delete_at == 0)


async def get_post(
    conn: AsyncConnection, tenant_id: str, post_id: str, include_deleted: bool = False
) -> Post | None:
    found = await fetch_posts(
        conn, _get_stmt(include_deleted), {"p_tenant": tenant_id, "p_id": post_id}
    )
    return found[0] if found else None


@cache
def _get_many_stmt(include_deleted: bool) -> Select[Any]:
    stmt = post_select().where(c.id.in_(bindparam("p_ids", expanding=True)))
    if not include_deleted:
        stmt = stmt.where(c.delete_at == 0)
    return stmt.order_by(c.create_at.desc(), c.id.desc())


async def get_posts(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str], include_deleted: bool = False
) -> list[Post]:
    if not post_ids:
        return []
    params = {"p_tenant": tenant_id, "p_ids": list(post_ids)}
    return await fetch_posts(conn, _get_many_stmt(include_deleted), params)


_COUNTERS = select(c.id, c.reply_count, c.last_reply_at).where(
    c.tenant_id == TENANT, c.id.in_(bindparam("p_ids", expanding=True))
)


async def thread_counters(
    conn: AsyncConnection, tenant_id: str, root_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """root id -> (reply_count, last_reply_at), by primary key."""
    if not root_ids:
        return {}
    rows = await conn.execute(_COUNTERS, {"p_tenant": tenant_id, "p_ids": list(root_ids)})
    return {str(r.id): (int(r.reply_count), int(r.last_reply_at)) for r in rows}


# Changing posts.


async def save_edit(conn: AsyncConnection, tenant_id: str, post: Post) -> None:
    """Write the fields an edit, patch or pin can change."""
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == post.id)
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
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == post_id)
        .values(update_at=later(c.update_at, now))
    )


async def soft_delete(
    conn: AsyncConnection, tenant_id: str, post: Post, now: int, delete_by: str
) -> None:
    """Delete a post and, for a root, every reply to it."""
    props = dict(post.props, deleteBy=delete_by)
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


async def recount_thread(conn: AsyncConnection, tenant_id: str, root_id: str, now: int) -> int:
    """Recompute a root's counters after a reply is deleted (rare, so counted).
    Returns the thread's last reply time."""
    live = and_(c.tenant_id == tenant_id, c.root_id == root_id, c.delete_at == 0)
    count = select(func.count()).select_from(posts).where(live).scalar_subquery()
    last = select(func.coalesce(func.max(c.create_at), 0)).where(live).scalar_subquery()
    row = (
        await conn.execute(
            update(posts)
            .where(c.tenant_id == tenant_id, c.id == root_id)
            .values(reply_count=count, last_reply_at=last, update_at=now)
            .returning(c.last_reply_at)
        )
    ).first()
    return int(row[0]) if row is not None else 0


async def set_has_reactions(
    conn: AsyncConnection, tenant_id: str, post_id: str, has: bool, now: int
) -> None:
    await conn.execute(
        update(posts)
        .where(c.tenant_id == tenant_id, c.id == post_id)
        .values(has_reactions=has, update_at=later(c.update_at, now))
    )


# Conditions the list queries share, on bind parameters.


def is_root() -> Any:
    """Root posts only, written so that no planner answers a channel's query from the
    thread index: SQLite's statistics average root_id's selectivity over all values,
    take ``root_id = ''`` (most posts) for a needle, and walk every root of every
    channel. A function of the column keeps the channel index in charge."""
    return func.length(c.root_id) == 0


def live_channel_posts(roots_only: bool) -> Any:
    """A channel's visible posts: tenant ``p_tenant``, channel ``p_channel``."""
    cond = and_(c.tenant_id == TENANT, c.channel_id == CHANNEL, c.delete_at == 0)
    return and_(cond, is_root()) if roots_only else cond


def after_key() -> Any:
    """Posts strictly after (``p_at``, ``p_key``): the total order lists page on.

    The plain range on create_at comes first so the index seeks to the anchor instead
    of walking the channel from one end; the OR only breaks ties within a millisecond.
    """
    at, key = ms("p_at"), param("p_key")
    return and_(c.create_at >= at, or_(c.create_at > at, c.id > key))


def before_key() -> Any:
    at, key = ms("p_at"), param("p_key")
    return and_(c.create_at <= at, or_(c.create_at < at, c.id < key))
