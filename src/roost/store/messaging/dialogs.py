"""SQL for interactive dialogs' trigger ids (``dialog_triggers``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables_messaging import dialog_triggers

t = dialog_triggers.c


@dataclass(slots=True, frozen=True)
class Trigger:
    id: str
    user_id: str
    create_at: int


async def record(
    conn: AsyncConnection,
    tenant_id: str,
    trigger_id: str,
    user_id: str,
    now: int,
    unused_before: int,
    opened_before: int,
) -> None:
    """Records a new trigger, forgetting the tenant's unused ones older than
    ``unused_before`` and opened ones older than ``opened_before``."""
    await conn.execute(
        delete(dialog_triggers).where(
            t.tenant_id == tenant_id,
            or_(
                and_(t.opened_at == 0, t.create_at < unused_before),
                and_(t.opened_at != 0, t.opened_at < opened_before),
            ),
        )
    )
    row = {"tenant_id": tenant_id, "id": trigger_id, "user_id": user_id, "create_at": now}
    await conn.execute(dialog_triggers.insert(), [row])


async def get(conn: AsyncConnection, tenant_id: str, trigger_id: str) -> Trigger | None:
    stmt = select(t.id, t.user_id, t.create_at).where(t.tenant_id == tenant_id, t.id == trigger_id)
    row = (await conn.execute(stmt)).first()
    return Trigger(str(row[0]), str(row[1]), int(row[2])) if row else None


async def mark_opened(
    conn: AsyncConnection, tenant_id: str, trigger_id: str, url: str, trusted: bool, now: int
) -> None:
    await conn.execute(
        update(dialog_triggers)
        .where(t.tenant_id == tenant_id, t.id == trigger_id)
        .values(url=url, trusted=trusted, opened_at=now)
    )


async def opened_for(
    conn: AsyncConnection, tenant_id: str, user_id: str, url: str, since: int
) -> bool | None:
    """Whether a dialog opened for the user since then submits to this URL: ``None``
    when none does, else whether any such opener was trusted."""
    stmt = select(t.trusted).where(
        t.tenant_id == tenant_id,
        t.user_id == user_id,
        t.opened_at >= since,
        t.opened_at != 0,
        t.url == url,
    )
    found = [bool(v) for v in (await conn.execute(stmt)).scalars()]
    if not found:
        return None
    return any(found)
