"""SQL for custom emoji. A deleted emoji keeps its row with delete_at set, as Mattermost
does; every read here sees the live ones only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, exists, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from roost.model.emoji import Emoji
from roost.store.tables import emoji, posts, reactions

c = emoji.c


def _emoji(row: RowMapping) -> Emoji:
    return Emoji(
        id=row["id"],
        creator_id=row["creator_id"],
        name=row["name"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
    )


def _live(tenant_id: str) -> ColumnElement[bool]:
    return and_(c.tenant_id == tenant_id, c.delete_at == 0)


async def insert(conn: AsyncConnection, tenant_id: str, e: Emoji) -> None:
    await conn.execute(
        emoji.insert().values(
            tenant_id=tenant_id,
            id=e.id,
            creator_id=e.creator_id,
            name=e.name,
            create_at=e.create_at,
            update_at=e.update_at,
            delete_at=0,
        )
    )


async def get(conn: AsyncConnection, tenant_id: str, emoji_id: str) -> Emoji | None:
    stmt = select(emoji).where(_live(tenant_id), c.id == emoji_id)
    row = (await conn.execute(stmt)).mappings().first()
    return _emoji(row) if row else None


async def get_by_names(conn: AsyncConnection, tenant_id: str, names: Sequence[str]) -> list[Emoji]:
    if not names:
        return []
    stmt = select(emoji).where(_live(tenant_id), c.name.in_(list(names))).order_by(c.name)
    return [_emoji(r) for r in (await conn.execute(stmt)).mappings()]


async def get_by_name(conn: AsyncConnection, tenant_id: str, name: str) -> Emoji | None:
    found = await get_by_names(conn, tenant_id, [name])
    return found[0] if found else None


async def page(
    conn: AsyncConnection, tenant_id: str, offset: int, limit: int, by_name: bool
) -> list[Emoji]:
    order = (c.name,) if by_name else (c.create_at, c.id)
    stmt = select(emoji).where(_live(tenant_id)).order_by(*order).offset(offset).limit(limit)
    return [_emoji(r) for r in (await conn.execute(stmt)).mappings()]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(
    conn: AsyncConnection, tenant_id: str, term: str, prefix_only: bool, limit: int
) -> list[Emoji]:
    """Names starting with ``term`` (or containing it), by name."""
    pattern = _escape_like(term.lower()) + "%"
    if not prefix_only:
        pattern = "%" + pattern
    stmt = (
        select(emoji)
        .where(_live(tenant_id), c.name.ilike(pattern, escape="\\"))
        .order_by(c.name)
        .limit(limit)
    )
    return [_emoji(r) for r in (await conn.execute(stmt)).mappings()]


async def soft_delete(conn: AsyncConnection, tenant_id: str, emoji_id: str, now: int) -> bool:
    result = await conn.execute(
        update(emoji).where(_live(tenant_id), c.id == emoji_id).values(delete_at=now, update_at=now)
    )
    return bool(result.rowcount)


async def remove_reactions_named(
    conn: AsyncConnection, tenant_id: str, name: str, now: int
) -> list[str]:
    """Remove every live reaction with this emoji (Mattermost does when the emoji goes);
    the posts that had one are changed (their update_at) and say whether any reaction is
    left. Returns those posts."""
    r, p = reactions.c, posts.c
    live_named = and_(r.tenant_id == tenant_id, r.emoji_name == name, r.delete_at == 0)
    post_ids = [
        str(x)
        for x in (await conn.execute(select(r.post_id).where(live_named).distinct())).scalars()
    ]
    if not post_ids:
        return []
    await conn.execute(update(reactions).where(live_named).values(delete_at=now, update_at=now))
    still = exists().where(r.tenant_id == tenant_id, r.post_id == p.id, r.delete_at == 0)
    await conn.execute(
        update(posts)
        .where(p.tenant_id == tenant_id, p.id.in_(post_ids))
        .values(has_reactions=still, update_at=now)
    )
    return post_ids


async def ids_page(conn: AsyncConnection, tenant_id: str, after_id: str, limit: int) -> list[str]:
    """Every emoji id of the tenant, deleted ones too (their images go with the tenant)."""
    stmt = select(c.id).where(c.tenant_id == tenant_id, c.id > after_id).order_by(c.id).limit(limit)
    return [str(x) for x in (await conn.execute(stmt)).scalars()]
