"""SQL for the audit log: batched inserts, a tenant's or a user's newest records, and
the retention purge (across tenants, by age, a bounded batch per statement)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.audit import Audit
from roost.store.tables import audits

c = audits.c


def _audit(row: Any) -> Audit:
    return Audit(
        id=row["id"],
        create_at=int(row["create_at"]),
        user_id=row["user_id"],
        action=row["action"],
        extra_info=row["extra_info"],
        ip_address=row["ip_address"],
        session_id=row["session_id"],
    )


async def insert_many(conn: AsyncConnection, tenant_id: str, records: Sequence[Audit]) -> None:
    if not records:
        return
    rows = [
        {
            "tenant_id": tenant_id,
            "id": a.id,
            "create_at": a.create_at,
            "user_id": a.user_id,
            "action": a.action,
            "extra_info": a.extra_info,
            "ip_address": a.ip_address,
            "session_id": a.session_id,
        }
        for a in records
    ]
    await conn.execute(audits.insert(), rows)


async def newest(
    conn: AsyncConnection, tenant_id: str, user_id: str, offset: int, limit: int
) -> list[Audit]:
    """The tenant's records (or one user's, when ``user_id`` is given), newest first."""
    stmt = select(audits).where(c.tenant_id == tenant_id)
    if user_id:
        stmt = stmt.where(c.user_id == user_id)
    stmt = stmt.order_by(c.create_at.desc(), c.id.desc()).offset(offset).limit(limit)
    return [_audit(r) for r in (await conn.execute(stmt)).mappings()]


async def purge_batch(conn: AsyncConnection, before: int, limit: int) -> int:
    """Delete up to ``limit`` records older than ``before`` (ms), oldest first, of every
    tenant the transaction admits; returns how many went."""
    oldest = (
        select(c.tenant_id, c.id).where(c.create_at < before).order_by(c.create_at).limit(limit)
    )
    doomed = [(str(r[0]), str(r[1])) for r in await conn.execute(oldest)]
    if not doomed:
        return 0
    await conn.execute(delete(audits).where(tuple_(c.tenant_id, c.id).in_(doomed)))
    return len(doomed)
