"""SQL for marking a channel unread from a post: the posts from there on, and the
member's read state set back to just before it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import channel_members, channels, posts


@dataclass(slots=True)
class LaterPost:
    user_id: str
    root_id: str
    message: str


async def posts_after(
    conn: AsyncConnection, tenant_id: str, channel_id: str, after: int, limit: int
) -> list[LaterPost]:
    """The channel's live posts made after ``after`` (ms), oldest first, at most ``limit``."""
    p = posts.c
    stmt = (
        select(p.user_id, p.root_id, p.message)
        .where(
            p.tenant_id == tenant_id,
            p.channel_id == channel_id,
            p.create_at > after,
            p.delete_at == 0,
        )
        .order_by(p.create_at, p.id)
        .limit(limit)
    )
    return [LaterPost(r.user_id, r.root_id, r.message) for r in await conn.execute(stmt)]


async def count_after(
    conn: AsyncConnection, tenant_id: str, channel_id: str, after: int
) -> tuple[int, int]:
    """(posts, root posts) of the channel made after ``after``, live ones."""
    p = posts.c
    # A CASE, not the comparison: a sum of a boolean would come back as a boolean.
    roots = func.sum(case((func.length(p.root_id) == 0, 1), else_=0))
    stmt = select(func.count(), func.coalesce(roots, 0)).where(
        p.tenant_id == tenant_id,
        p.channel_id == channel_id,
        p.create_at > after,
        p.delete_at == 0,
    )
    row = (await conn.execute(stmt)).one()
    return int(row[0]), int(row[1])


@dataclass(slots=True)
class ReadState:
    last_viewed_at: int
    msg_count: int
    msg_count_root: int
    mention_count: int
    mention_count_root: int
    urgent_mention_count: int


async def set_read_state(
    conn: AsyncConnection,
    tenant_id: str,
    channel_id: str,
    user_id: str,
    unread: int,
    unread_root: int | None,
    state: ReadState,
    now: int,
) -> ReadState | None:
    """Set the member back: read = the channel's totals less what is unread again
    (``unread_root`` None leaves the root count and root mentions as they are). Returns
    the state stored, None when the user is not a member."""
    m, ch = channel_members.c, channels.c
    totals = (
        await conn.execute(
            select(ch.total_msg_count, ch.total_msg_count_root).where(
                ch.tenant_id == tenant_id, ch.id == channel_id
            )
        )
    ).first()
    if totals is None:
        return None
    stored = ReadState(
        last_viewed_at=state.last_viewed_at,
        msg_count=max(0, int(totals[0]) - unread),
        msg_count_root=state.msg_count_root,
        mention_count=state.mention_count,
        mention_count_root=state.mention_count_root,
        urgent_mention_count=state.urgent_mention_count,
    )
    changes: dict[str, int] = {
        "last_viewed_at": stored.last_viewed_at,
        "msg_count": stored.msg_count,
        "mention_count": stored.mention_count,
        "urgent_mention_count": stored.urgent_mention_count,
        "last_update_at": now,
    }
    if unread_root is not None:
        stored.msg_count_root = max(0, int(totals[1]) - unread_root)
        changes["msg_count_root"] = stored.msg_count_root
        changes["mention_count_root"] = stored.mention_count_root
    result = await conn.execute(
        update(channel_members)
        .where(and_(m.tenant_id == tenant_id, m.channel_id == channel_id, m.user_id == user_id))
        .values(**changes)
        .returning(m.msg_count_root, m.mention_count_root)
    )
    row = result.first()
    if row is None:
        return None
    stored.msg_count_root, stored.mention_count_root = int(row[0]), int(row[1])
    return stored
