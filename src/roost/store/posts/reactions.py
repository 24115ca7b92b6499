"""SQL for emoji reactions. Removing one keeps the row with delete_at set, as Mattermost does."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Reaction
from roost.store.db.dialect import upsert
from roost.store.tables import reactions

_KEY = ("tenant_id", "post_id", "user_id", "emoji_name")


def _reaction(row: RowMapping) -> Reaction:
    return Reaction(
        user_id=row["user_id"],
        post_id=row["post_id"],
        emoji_name=row["emoji_name"],
        channel_id=row["channel_id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
    )


async def save(conn: AsyncConnection, tenant_id: str, reaction: Reaction) -> None:
    """Insert, or bring back a removed reaction."""
    row = {
        "tenant_id": tenant_id,
        "post_id": reaction.post_id,
        "user_id": reaction.user_id,
        "emoji_name": reaction.emoji_name,
        "channel_id": reaction.channel_id,
        "create_at": reaction.create_at,
        "update_at": reaction.update_at,
        "delete_at": 0,
    }
    await upsert(
        conn,
        reactions,
        [row],
        key=_KEY,
        update=("channel_id", "create_at", "update_at", "delete_at"),
    )


async def get(
    conn: AsyncConnection, tenant_id: str, post_id: str, user_id: str, emoji_name: str
) -> Reaction | None:
    c = reactions.c
    stmt = select(reactions).where(
        c.tenant_id == tenant_id,
        c.post_id == post_id,
        c.user_id == user_id,
        c.emoji_name == emoji_name,
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _reaction(row) if row else None


async def remove(
    conn: AsyncConnection, tenant_id: str, post_id: str, user_id: str, emoji_name: str, now: int
) -> bool:
    c = reactions.c
    result = await conn.execute(
        update(reactions)
        .where(
            c.tenant_id == tenant_id,
            c.post_id == post_id,
            c.user_id == user_id,
            c.emoji_name == emoji_name,
            c.delete_at == 0,
        )
        .values(delete_at=now, update_at=now)
    )
    return bool(result.rowcount)


async def live_emoji_names(conn: AsyncConnection, tenant_id: str, post_id: str) -> set[str]:
    c = reactions.c
    stmt = (
        select(c.emoji_name)
        .where(c.tenant_id == tenant_id, c.post_id == post_id, c.delete_at == 0)
        .distinct()
    )
    return {str(n) for n in (await conn.execute(stmt)).scalars()}


async def count_live(conn: AsyncConnection, tenant_id: str, post_id: str) -> int:
    c = reactions.c
    stmt = (
        select(func.count())
        .select_from(reactions)
        .where(c.tenant_id == tenant_id, c.post_id == post_id, c.delete_at == 0)
    )
    return int((await conn.execute(stmt)).scalar_one())


async def for_posts(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]
) -> dict[str, list[Reaction]]:
    """Live reactions of many posts, oldest first, in one query."""
    found: dict[str, list[Reaction]] = {}
    if not post_ids:
        return found
    c = reactions.c
    stmt = (
        select(reactions)
        .where(c.tenant_id == tenant_id, c.post_id.in_(list(post_ids)), c.delete_at == 0)
        .order_by(c.create_at, c.user_id, c.emoji_name)
    )
    for row in (await conn.execute(stmt)).mappings():
        reaction = _reaction(row)
        found.setdefault(reaction.post_id, []).append(reaction)
    return found
