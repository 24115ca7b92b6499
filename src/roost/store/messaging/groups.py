"""SQL for custom user groups (``user_groups``) and their members (``group_members``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.user_group import UserGroup
from roost.store.db.dialect import insert_ignore
from roost.store.tables import users
from roost.store.tables_messaging import group_members, user_groups

g = user_groups.c
m = group_members.c
u = users.c

_FIELDS = (
    "id",
    "name",
    "display_name",
    "description",
    "source",
    "remote_id",
    "allow_reference",
    "creator_id",
    "create_at",
    "update_at",
    "delete_at",
)


def _from_row(row: Any) -> UserGroup:
    group = UserGroup(**{name: row[name] for name in _FIELDS})
    group.allow_reference = bool(group.allow_reference)
    return group


async def insert(conn: AsyncConnection, tenant_id: str, group: UserGroup) -> None:
    row = {"tenant_id": tenant_id, **{name: getattr(group, name) for name in _FIELDS}}
    await conn.execute(user_groups.insert(), [row])


async def get(conn: AsyncConnection, tenant_id: str, group_id: str) -> UserGroup | None:
    stmt = select(user_groups).where(g.tenant_id == tenant_id, g.id == group_id)
    row = (await conn.execute(stmt)).mappings().first()
    return _from_row(row) if row else None


async def name_taken(conn: AsyncConnection, tenant_id: str, name: str, but: str = "") -> bool:
    """A group (live or deleted: it may be restored) has the name."""
    stmt = select(g.id).where(g.tenant_id == tenant_id, g.name == name, g.id != but)
    return (await conn.execute(stmt)).first() is not None


async def username_exists(conn: AsyncConnection, tenant_id: str, name: str) -> bool:
    stmt = select(u.id).where(u.tenant_id == tenant_id, func.lower(u.username) == name)
    return (await conn.execute(stmt)).first() is not None


async def save(conn: AsyncConnection, tenant_id: str, group: UserGroup) -> None:
    await conn.execute(
        update(user_groups)
        .where(g.tenant_id == tenant_id, g.id == group.id)
        .values(
            name=group.name,
            display_name=group.display_name,
            description=group.description,
            allow_reference=group.allow_reference,
            update_at=group.update_at,
            delete_at=group.delete_at,
        )
    )


@dataclass(slots=True)
class GroupQuery:
    tenant_id: str
    q: str = ""
    has_member: str = ""
    include_archived: bool = False
    only_archived: bool = False
    only_referenceable: bool = False
    source: str = ""  # empty: every source
    since: int = 0
    offset: int = 0
    limit: int = 60


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(conn: AsyncConnection, query: GroupQuery) -> list[UserGroup]:
    stmt = select(user_groups).where(g.tenant_id == query.tenant_id)
    if query.q:
        like = f"%{_escape_like(query.q.lower().lstrip('@'))}%"
        stmt = stmt.where(
            or_(
                func.lower(g.name).like(like, escape="\\"),
                func.lower(g.display_name).like(like, escape="\\"),
            )
        )
    if query.has_member:
        members = select(m.group_id).where(
            m.tenant_id == query.tenant_id, m.user_id == query.has_member
        )
        stmt = stmt.where(g.id.in_(members))
    if query.only_archived:
        stmt = stmt.where(g.delete_at != 0)
    elif not query.include_archived and not query.since:
        stmt = stmt.where(g.delete_at == 0)
    if query.only_referenceable:
        stmt = stmt.where(g.allow_reference.is_(True))
    if query.source:
        stmt = stmt.where(g.source == query.source)
    if query.since:
        stmt = stmt.where(g.update_at >= query.since)
    stmt = stmt.order_by(g.display_name, g.id).offset(query.offset).limit(query.limit)
    return [_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def count_live(conn: AsyncConnection, tenant_id: str, source: str = "") -> int:
    stmt = select(func.count()).where(g.tenant_id == tenant_id, g.delete_at == 0)
    if source:
        stmt = stmt.where(g.source == source)
    return int((await conn.execute(stmt)).scalar_one())


async def member_counts(
    conn: AsyncConnection, tenant_id: str, group_ids: Sequence[str]
) -> dict[str, int]:
    if not group_ids:
        return {}
    stmt = (
        select(m.group_id, func.count())
        .where(m.tenant_id == tenant_id, m.group_id.in_(list(group_ids)))
        .group_by(m.group_id)
    )
    return {str(gid): int(n) for gid, n in (await conn.execute(stmt)).all()}


async def member_ids(conn: AsyncConnection, tenant_id: str, group_id: str) -> list[str]:
    stmt = (
        select(m.user_id)
        .where(m.tenant_id == tenant_id, m.group_id == group_id)
        .order_by(m.create_at, m.user_id)
    )
    return [str(i) for i in (await conn.execute(stmt)).scalars()]


async def member_page(
    conn: AsyncConnection, tenant_id: str, group_id: str, offset: int, limit: int
) -> list[str]:
    """Live users in the group, by username."""
    stmt = (
        select(m.user_id)
        .join(users, (u.tenant_id == m.tenant_id) & (u.id == m.user_id))
        .where(m.tenant_id == tenant_id, m.group_id == group_id, u.delete_at == 0)
        .order_by(u.username)
        .offset(offset)
        .limit(limit)
    )
    return [str(i) for i in (await conn.execute(stmt)).scalars()]


async def add_members(
    conn: AsyncConnection, tenant_id: str, group_id: str, user_ids: Sequence[str], now: int
) -> list[str]:
    """Adds those not yet in; returns the ones added."""
    already = set(await member_ids(conn, tenant_id, group_id))
    new = [uid for uid in user_ids if uid not in already]
    rows = [
        {"tenant_id": tenant_id, "group_id": group_id, "user_id": uid, "create_at": now}
        for uid in new
    ]
    if rows:
        await insert_ignore(conn, group_members, rows)
    return new


async def remove_members(
    conn: AsyncConnection, tenant_id: str, group_id: str, user_ids: Sequence[str]
) -> dict[str, int]:
    """Removes those in the group; returns each removed one's create_at."""
    if not user_ids:
        return {}
    stmt = select(m.user_id, m.create_at).where(
        m.tenant_id == tenant_id, m.group_id == group_id, m.user_id.in_(list(user_ids))
    )
    found = {str(uid): int(at) for uid, at in (await conn.execute(stmt)).all()}
    if found:
        await conn.execute(
            delete(group_members).where(
                m.tenant_id == tenant_id, m.group_id == group_id, m.user_id.in_(list(found))
            )
        )
    return found


async def mentionable_members(
    conn: AsyncConnection, tenant_id: str, names: Sequence[str]
) -> dict[str, frozenset[str]]:
    """Of these names, the live groups @mentions reach, with their members."""
    if not names:
        return {}
    stmt = (
        select(g.name, m.user_id)
        .select_from(
            user_groups.outerjoin(
                group_members, (m.tenant_id == g.tenant_id) & (m.group_id == g.id)
            )
        )
        .where(
            g.tenant_id == tenant_id,
            g.name.in_(list(names)),
            g.delete_at == 0,
            g.allow_reference.is_(True),
        )
    )
    found: dict[str, set[str]] = {}
    for name, user_id in (await conn.execute(stmt)).all():
        members = found.setdefault(str(name), set())
        if user_id:
            members.add(str(user_id))
    return {name: frozenset(ids) for name, ids in found.items()}
