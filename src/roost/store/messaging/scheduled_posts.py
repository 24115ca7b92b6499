"""SQL for scheduled posts: a user's list, changes, and the due rows a node claims.

A claim marks rows with the node and time in one transaction; on PostgreSQL the rows
are read ``FOR UPDATE SKIP LOCKED``, so two nodes polling at once take different rows
(SQLite has one writer at a time). A claim older than the lease is taken again: the
node that held it stopped before it finished.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.scheduled_post import ScheduledPost
from roost.store.db import codec
from roost.store.tables import channels
from roost.store.tables_messaging import scheduled_posts

c = scheduled_posts.c


def _from_row(row: Any) -> ScheduledPost:
    return ScheduledPost(
        id=row["id"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        scheduled_at=row["scheduled_at"],
        root_id=row["root_id"],
        message=row["message"],
        props=codec.load_dict(row["props"]),
        file_ids=[str(f) for f in codec.load_list(row["file_ids"])],
        create_at=row["create_at"],
        update_at=row["update_at"],
        processed_at=row["processed_at"],
        error_code=row["error_code"],
        tenant_id=row["tenant_id"],
        earlier_claim=row["claimed_at"],
    )


def _row(tenant_id: str, sp: ScheduledPost) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": sp.id,
        "create_at": sp.create_at,
        "update_at": sp.update_at,
        "user_id": sp.user_id,
        "channel_id": sp.channel_id,
        "root_id": sp.root_id,
        "message": sp.message,
        "props": codec.dump(sp.props),
        "file_ids": codec.dump(sp.file_ids),
        "scheduled_at": sp.scheduled_at,
        "processed_at": sp.processed_at,
        "error_code": sp.error_code,
    }


async def insert(conn: AsyncConnection, tenant_id: str, sp: ScheduledPost) -> None:
    await conn.execute(scheduled_posts.insert().values(**_row(tenant_id, sp)))


async def get(conn: AsyncConnection, tenant_id: str, scheduled_id: str) -> ScheduledPost | None:
    stmt = select(scheduled_posts).where(c.tenant_id == tenant_id, c.id == scheduled_id)
    row = (await conn.execute(stmt)).mappings().first()
    return None if row is None else _from_row(row)


async def count_for_user(conn: AsyncConnection, tenant_id: str, user_id: str) -> int:
    stmt = select(c.id).where(c.tenant_id == tenant_id, c.user_id == user_id)
    return len((await conn.execute(stmt)).all())


async def save(conn: AsyncConnection, tenant_id: str, sp: ScheduledPost) -> None:
    """Replace the editable fields; a changed post is due again (claim and error reset)."""
    values = _row(tenant_id, sp)
    for key in ("tenant_id", "id", "create_at", "user_id"):
        values.pop(key)
    await conn.execute(
        update(scheduled_posts)
        .where(c.tenant_id == tenant_id, c.id == sp.id)
        .values(**values, claimed_at=0, claimed_by="")
    )


async def remove(conn: AsyncConnection, tenant_id: str, scheduled_id: str) -> None:
    await conn.execute(
        delete(scheduled_posts).where(c.tenant_id == tenant_id, c.id == scheduled_id)
    )


async def for_user(
    conn: AsyncConnection, tenant_id: str, user_id: str, team_id: str
) -> list[ScheduledPost]:
    """The user's scheduled posts in the team's channels ('' : direct and group
    channels), soonest first."""
    ch = channels.c
    stmt = (
        select(scheduled_posts)
        .select_from(
            scheduled_posts.join(channels, and_(ch.tenant_id == c.tenant_id, ch.id == c.channel_id))
        )
        .where(c.tenant_id == tenant_id, c.user_id == user_id, ch.team_id == team_id)
        .order_by(c.scheduled_at, c.id)
    )
    return [_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def claim_due(
    conn: AsyncConnection,
    now: int,
    lease_ms: int,
    node: str,
    limit: int,
    skip_tenants: Collection[str] = (),
) -> list[ScheduledPost]:
    """Every tenant's due, unsent posts not claimed by a live node, marked as this
    node's (in the caller's transaction, which spans tenants)."""
    stmt = (
        select(scheduled_posts)
        .where(
            c.processed_at == 0,
            c.scheduled_at <= now,
            or_(c.claimed_at == 0, c.claimed_at < now - lease_ms),
        )
        .order_by(c.scheduled_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_tenants:
        stmt = stmt.where(c.tenant_id.not_in(list(skip_tenants)))
    found = [_from_row(r) for r in (await conn.execute(stmt)).mappings()]
    by_tenant: dict[str, list[str]] = defaultdict(list)
    for sp in found:
        by_tenant[sp.tenant_id].append(sp.id)
    for tenant_id, ids in by_tenant.items():
        await conn.execute(
            update(scheduled_posts)
            .where(c.tenant_id == tenant_id, c.id.in_(ids))
            .values(claimed_at=now, claimed_by=node)
        )
    return found


async def mark_failed(
    conn: AsyncConnection, tenant_id: str, scheduled_id: str, error_code: str, now: int
) -> None:
    await conn.execute(
        update(scheduled_posts)
        .where(c.tenant_id == tenant_id, c.id == scheduled_id)
        .values(processed_at=now, error_code=error_code, update_at=now, claimed_by="")
    )
