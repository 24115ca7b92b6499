"""SQL for lists of posts: channel pages, cursors, ``since``, threads and pins.

Posts are totally ordered by (create_at, id), so cursors never skip or repeat posts
created in the same millisecond. PostgreSQL walks ix_posts_channel_create and sorts
only within equal create_at (an incremental sort), so a page reads about a page of rows.
Statements are built once per shape, with bind parameters (see ``posts.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Post
from roost.store.posts.posts import (
    CHANNEL,
    TENANT,
    after_key,
    before_key,
    fetch_posts,
    is_root,
    live_channel_posts,
    ms,
    param,
    post_select,
)
from roost.store.tables import posts

SINCE_LIMIT = 1000

c = posts.c
_NEWEST_FIRST = (c.create_at.desc(), c.id.desc())
_OLDEST_FIRST = (c.create_at.asc(), c.id.asc())


def _params(tenant_id: str, channel_id: str, **more: Any) -> dict[str, Any]:
    return {"p_tenant": tenant_id, "p_channel": channel_id, **more}


@cache
def _newest_stmt(roots_only: bool) -> Select[Any]:
    return (
        post_select()
        .where(live_channel_posts(roots_only))
        .order_by(*_NEWEST_FIRST)
        .offset(ms("p_offset"))
        .limit(ms("p_limit"))
    )


async def newest_page(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    offset: int,
    limit: int,
    roots_only: bool,
) -> list[Post]:
    params = _params(tenant_id, channel_id, p_offset=offset, p_limit=limit)
    return await fetch_posts(conn, _newest_stmt(roots_only), params)


@cache
def _around_stmt(before: bool, roots_only: bool) -> Select[Any]:
    return (
        post_select()
        .where(live_channel_posts(roots_only), before_key() if before else after_key())
        .order_by(*(_NEWEST_FIRST if before else _OLDEST_FIRST))
        .offset(ms("p_offset"))
        .limit(ms("p_limit"))
    )


async def page_around(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    anchor: Post,
    before: bool,
    offset: int,
    limit: int,
    roots_only: bool,
) -> list[Post]:
    """Posts older (``before``) or newer than the anchor, newest first either way."""
    params = _params(
        tenant_id,
        channel_id,
        p_at=anchor.create_at,
        p_key=anchor.id,
        p_offset=offset,
        p_limit=limit,
    )
    found = await fetch_posts(conn, _around_stmt(before, roots_only), params)
    if not before:
        found.reverse()
    return found


@cache
def _neighbour_stmt(before: bool, roots_only: bool) -> Select[Any]:
    return (
        select(c.id)
        .where(live_channel_posts(roots_only), before_key() if before else after_key())
        .order_by(*(_NEWEST_FIRST if before else _OLDEST_FIRST))
        .limit(1)
    )


async def neighbour_id(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    post: Post,
    before: bool,
    roots_only: bool,
) -> str:
    """The id of the visible post just older (``before``) or newer than ``post``; or ""."""
    params = _params(tenant_id, channel_id, p_at=post.create_at, p_key=post.id)
    found = (await conn.execute(_neighbour_stmt(before, roots_only), params)).scalar()
    return str(found) if found else ""


@cache
def _first_after_stmt(roots_only: bool) -> Select[Any]:
    return (
        post_select()
        .where(live_channel_posts(roots_only), c.create_at > ms("p_at"))
        .order_by(*_OLDEST_FIRST)
        .limit(1)
    )


async def first_after_time(
    conn: AsyncConnection, tenant_id: str, channel_id: str, time: int, roots_only: bool
) -> Post | None:
    params = _params(tenant_id, channel_id, p_at=time)
    found = await fetch_posts(conn, _first_after_stmt(roots_only), params)
    return found[0] if found else None


@cache
def _since_stmt(roots_only: bool) -> Select[Any]:
    stmt = post_select().where(c.channel_id == CHANNEL, c.update_at > ms("p_since"))
    if roots_only:
        stmt = stmt.where(is_root())
    return stmt.order_by(*_NEWEST_FIRST).limit(SINCE_LIMIT)


async def changed_since(
    conn: AsyncConnection, tenant_id: str, channel_id: str, since: int, roots_only: bool
) -> list[Post]:
    """Every post changed after ``since``, deleted ones included; newest first."""
    params = _params(tenant_id, channel_id, p_since=since)
    return await fetch_posts(conn, _since_stmt(roots_only), params)


@cache
def _latest_stmt(roots_only: bool) -> Select[Any]:
    # ORDER BY ... LIMIT 1 rather than max(): one index probe whatever the planner's
    # statistics say (with stale ones it scanned the whole channel for max()).
    stmt = select(c.update_at).where(c.tenant_id == TENANT, c.channel_id == CHANNEL)
    if roots_only:
        stmt = stmt.where(is_root())
    return stmt.order_by(c.update_at.desc()).limit(1)


async def latest_update(
    conn: AsyncConnection, tenant_id: str, channel_id: str, roots_only: bool
) -> int:
    """The newest update_at among a channel's posts: the list Etag (index-backed max)."""
    found = await conn.execute(_latest_stmt(roots_only), _params(tenant_id, channel_id))
    return int(found.scalar() or 0)


async def thread_posts(
    conn: AsyncConnection,
    tenant_id: str,
    root_id: str,
    *,
    include_root: bool,
    direction: str,
    from_create_at: int,
    from_post: str,
    limit: int,
) -> list[Post]:
    """A thread's live posts, in ``direction`` ("up" newest first, else oldest first).

    ``limit`` 0 means all of them.
    """
    root = param("p_root")
    which = or_(c.root_id == root, c.id == root) if include_root else c.root_id == root
    stmt = post_select().where(which, c.delete_at == 0)
    up = direction == "up"
    params: dict[str, Any] = {"p_tenant": tenant_id, "p_root": root_id}
    if from_create_at:
        params.update(p_at=from_create_at, p_key=from_post)
        if from_post:
            stmt = stmt.where(before_key() if up else after_key())
        else:
            at = ms("p_at")
            stmt = stmt.where(c.create_at < at if up else c.create_at > at)
    stmt = stmt.order_by(*(_NEWEST_FIRST if up else _OLDEST_FIRST))
    if limit:
        stmt = stmt.limit(limit)
    return await fetch_posts(conn, stmt, params)


_PINNED = (
    post_select().where(live_channel_posts(False), c.is_pinned.is_(True)).order_by(*_NEWEST_FIRST)
)


async def pinned(conn: AsyncConnection, tenant_id: str, channel_id: str) -> list[Post]:
    return await fetch_posts(conn, _PINNED, _params(tenant_id, channel_id))


@cache
def _roots_stmt(include_deleted: bool) -> Select[Any]:
    stmt = post_select().where(c.id.in_(bindparam("p_ids", expanding=True)))
    return stmt if include_deleted else stmt.where(c.delete_at == 0)


async def roots_of(
    conn: AsyncConnection,
    tenant_id: str,
    root_ids: Sequence[str],
    include_deleted: bool = False,
) -> list[Post]:
    """The root posts of a page's replies, which Mattermost lists alongside them."""
    if not root_ids:
        return []
    params = {"p_tenant": tenant_id, "p_ids": list(root_ids)}
    return await fetch_posts(conn, _roots_stmt(include_deleted), params)
