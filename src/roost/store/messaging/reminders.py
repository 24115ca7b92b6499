"""SQL for post reminders: set, and the due ones a node claims (as scheduled posts are
claimed: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a lease for a node that stopped)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.scheduled_post import PostReminder
from roost.store.db.dialect import upsert
from roost.store.tables_messaging import post_reminders

r = post_reminders.c
# Reminders deleted per statement.
DELETE_CHUNK = 200


async def set_reminder(conn: AsyncConnection, reminder: PostReminder) -> None:
    await set_reminders(conn, [reminder])


async def set_reminders(conn: AsyncConnection, reminders: Sequence[PostReminder]) -> None:
    """Set (or move) reminders; a moved one is due again whoever had claimed it."""
    rows = [
        {
            "tenant_id": reminder.tenant_id,
            "post_id": reminder.post_id,
            "user_id": reminder.user_id,
            "target_time": reminder.target_time,
            "claimed_at": 0,
            "claimed_by": "",
        }
        for reminder in reminders
    ]
    await upsert(
        conn,
        post_reminders,
        rows,
        ["tenant_id", "post_id", "user_id"],
        ["target_time", "claimed_at", "claimed_by"],
    )


async def claim_due(
    conn: AsyncConnection,
    now: int,
    lease_ms: int,
    node: str,
    limit: int,
    skip_tenants: Collection[str] = (),
) -> list[PostReminder]:
    stmt = (
        select(post_reminders)
        .where(r.target_time <= now, or_(r.claimed_at == 0, r.claimed_at < now - lease_ms))
        .order_by(r.target_time)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_tenants:
        stmt = stmt.where(r.tenant_id.not_in(list(skip_tenants)))
    found = [
        PostReminder(
            row["tenant_id"], row["post_id"], row["user_id"], row["target_time"], row["claimed_at"]
        )
        for row in (await conn.execute(stmt)).mappings()
    ]
    for tenant_id in {f.tenant_id for f in found}:
        keys = [
            and_(r.post_id == f.post_id, r.user_id == f.user_id)
            for f in found
            if f.tenant_id == tenant_id
        ]
        await conn.execute(
            update(post_reminders)
            .where(r.tenant_id == tenant_id, or_(*keys))
            .values(claimed_at=now, claimed_by=node)
        )
    return found


async def remove_sent(conn: AsyncConnection, tenant_id: str, sent: Sequence[PostReminder]) -> None:
    """Delete the reminders sent (unless set again meanwhile, for another time)."""
    for start in range(0, len(sent), DELETE_CHUNK):
        keys = [
            and_(r.post_id == x.post_id, r.user_id == x.user_id, r.target_time == x.target_time)
            for x in sent[start : start + DELETE_CHUNK]
        ]
        await conn.execute(delete(post_reminders).where(r.tenant_id == tenant_id, or_(*keys)))


async def count_waiting(conn: AsyncConnection, tenant_id: str) -> int:
    """Reminders not yet sent (benchmarks and health checks)."""
    stmt = select(func.count()).select_from(post_reminders).where(r.tenant_id == tenant_id)
    return int((await conn.execute(stmt)).scalar_one())
