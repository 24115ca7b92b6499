"""SQL for lists of posts: channel pages, cursors, ``since``, threads and pins.

Posts are totally ordered by (create_at, id), so cursors never skip or repeat posts
created in the same millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Post
from roost.store.posts import (
    after_key,
    before_key,
    live_channel_posts,
    post_select,
    rows_to_posts,
)
from roost.store.tables import posts

SINCE_LIMIT = 1000

_NEWEST_FIRST = (posts.c.create_at.desc(), posts.c.id.desc())
_OLDEST_FIRST = (posts.c.create_at.asc(), posts.c.id.asc())


async def newest_page(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    offset: int,
    limit: int,
    roots_only: bool,
) -> list[Post]:
    stmt = (
        post_select(tenant_id)
        .where(live_channel_posts(tenant_id, channel_id, roots_only))
        .order_by(*_NEWEST_FIRST)
        .offset(offset)
        .limit(limit)
    )
    return await rows_to_posts(conn, stmt)


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
    key = before_key if before else after_key
    stmt = (
        post_select(tenant_id)
        .where(
            live_channel_posts(tenant_id, channel_id, roots_only),
            key(anchor.create_at, anchor.id),
        )
        .order_by(*(_NEWEST_FIRST if before else _OLDEST_FIRST))
        .offset(offset)
        .limit(limit)
    )
    found = await rows_to_posts(conn, stmt)
    if not before:
        found.reverse()
    return found


async def neighbour_id(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    post: Post,
    before: bool,
    roots_only: bool,
) -> str:
    """The id of the visible post just older (``before``) or newer than ``post``; or ""."""
    key = before_key if before else after_key
    stmt = (
        select(posts.c.id)
        .where(
            live_channel_posts(tenant_id, channel_id, roots_only),
            key(post.create_at, post.id),
        )
        .order_by(*(_NEWEST_FIRST if before else _OLDEST_FIRST))
        .limit(1)
    )
    found = (await conn.execute(stmt)).scalar()
    return str(found) if found else ""


async def first_after_time(
    conn: AsyncConnection, tenant_id: str, channel_id: str, time: int, roots_only: bool
) -> Post | None:
    stmt = (
        post_select(tenant_id)
        .where(live_channel_posts(tenant_id, channel_id, roots_only), posts.c.create_at > time)
        .order_by(*_OLDEST_FIRST)
        .limit(1)
    )
    found = await rows_to_posts(conn, stmt)
    return found[0] if found else None


async def changed_since(
    conn: AsyncConnection, tenant_id: str, channel_id: str, since: int, roots_only: bool
) -> list[Post]:
    """Every post changed after ``since``, deleted ones included; newest first."""
    cond = and_(
        posts.c.tenant_id == tenant_id,
        posts.c.channel_id == channel_id,
        posts.c.update_at > since,
    )
    if roots_only:
        cond = and_(cond, posts.c.root_id == "")
    stmt = post_select(tenant_id).where(cond).order_by(*_NEWEST_FIRST).limit(SINCE_LIMIT)
    return await rows_to_posts(conn, stmt)


async def latest_update(
    conn: AsyncConnection, tenant_id: str, channel_id: str, roots_only: bool
) -> int:
    """The newest update_at among a channel's posts: the list Etag (index-backed max)."""
    stmt = select(func.max(posts.c.update_at)).where(
        posts.c.tenant_id == tenant_id, posts.c.channel_id == channel_id
    )
    if roots_only:
        stmt = stmt.where(posts.c.root_id == "")
    return int((await conn.execute(stmt)).scalar() or 0)


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
    c = posts.c
    which = or_(c.root_id == root_id, c.id == root_id) if include_root else c.root_id == root_id
    stmt = post_select(tenant_id).where(which, c.delete_at == 0)
    up = direction == "up"
    if from_create_at and up:
        stmt = stmt.where(
            before_key(from_create_at, from_post) if from_post else c.create_at < from_create_at
        )
    elif from_create_at:
        stmt = stmt.where(
            after_key(from_create_at, from_post) if from_post else c.create_at > from_create_at
        )
    stmt = stmt.order_by(*(_NEWEST_FIRST if up else _OLDEST_FIRST))
    if limit:
        stmt = stmt.limit(limit)
    return await rows_to_posts(conn, stmt)


async def pinned(conn: AsyncConnection, tenant_id: str, channel_id: str) -> list[Post]:
    stmt = (
        post_select(tenant_id)
        .where(live_channel_posts(tenant_id, channel_id, False), posts.c.is_pinned.is_(True))
        .order_by(*_NEWEST_FIRST)
    )
    return await rows_to_posts(conn, stmt)


async def roots_of(
    conn: AsyncConnection,
    tenant_id: str,
    root_ids: Sequence[str],
    include_deleted: bool = False,
) -> list[Post]:
    """The root posts of a page's replies, which Mattermost lists alongside them."""
    if not root_ids:
        return []
    stmt = post_select(tenant_id).where(posts.c.id.in_(list(root_ids)))
    if not include_deleted:
        stmt = stmt.where(posts.c.delete_at == 0)
    return await rows_to_posts(conn, stmt)
