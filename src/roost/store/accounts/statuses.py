"""SQL for user statuses."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.user import Status
from roost.store.db.dialect import insert_ignore, upsert
from roost.store.tables import statuses


async def get_statuses(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str]
) -> list[Status]:
    if not user_ids:
        return []
    stmt = select(statuses).where(
        statuses.c.tenant_id == tenant_id, statuses.c.user_id.in_(list(user_ids))
    )
    return [
        Status(
            user_id=r["user_id"],
            status=r["status"],
            manual=r["manual"],
            last_activity_at=r["last_activity_at"],
            dnd_end_time=r["dnd_end_time"],
        )
        for r in (await conn.execute(stmt)).mappings()
    ]


async def save_status(conn: AsyncConnection, tenant_id: str, status: Status) -> None:
    await upsert(
        conn,
        statuses,
        [
            {
                "tenant_id": tenant_id,
                "user_id": status.user_id,
                "status": status.status,
                "manual": status.manual,
                "last_activity_at": status.last_activity_at,
                "dnd_end_time": status.dnd_end_time,
            }
        ],
        key=["tenant_id", "user_id"],
        update=["status", "manual", "last_activity_at", "dnd_end_time"],
    )


async def list_not_offline(conn: AsyncConnection, tenant_id: str, limit: int) -> list[Status]:
    stmt = (
        select(statuses)
        .where(statuses.c.tenant_id == tenant_id, statuses.c.status != "offline")
        .limit(limit)
    )
    return [
        Status(
            user_id=r["user_id"],
            status=r["status"],
            manual=r["manual"],
            last_activity_at=r["last_activity_at"],
            dnd_end_time=r["dnd_end_time"],
        )
        for r in (await conn.execute(stmt)).mappings()
    ]


async def set_automatic_status(
    conn: AsyncConnection, tenant_id: str, user_id: str, status: str, now: int
) -> bool:
    """Set a status the server observed, unless the user chose one. True if it changed.

    One conditional statement, so a manual choice made meanwhile is never overwritten.
    """
    result = await conn.execute(
        update(statuses)
        .where(
            statuses.c.tenant_id == tenant_id,
            statuses.c.user_id == user_id,
            statuses.c.manual.is_(False),
            statuses.c.status != status,
        )
        .values(status=status, last_activity_at=now)
    )
    if result.rowcount:
        return True
    row = {"tenant_id": tenant_id, "user_id": user_id, "status": status, "last_activity_at": now}
    return await insert_ignore(conn, statuses, [row]) > 0
