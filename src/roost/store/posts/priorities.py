"""SQL for message priority (``post_priorities``) and acknowledgements
(``post_acknowledgements``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db.dialect import insert_ignore
from roost.store.tables_messaging import post_acknowledgements, post_priorities

p = post_priorities.c
a = post_acknowledgements.c


async def save_priority(
    conn: AsyncConnection,
    tenant_id: str,
    post_id: str,
    channel_id: str,
    priority: str,
    requested_ack: bool,
    persistent_notifications: bool,
) -> None:
    row = {
        "tenant_id": tenant_id,
        "post_id": post_id,
        "channel_id": channel_id,
        "priority": priority,
        "requested_ack": requested_ack,
        "persistent_notifications": persistent_notifications,
    }
    await insert_ignore(conn, post_priorities, [row])


async def priorities_for(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    if not post_ids:
        return {}
    stmt = select(post_priorities).where(p.tenant_id == tenant_id, p.post_id.in_(list(post_ids)))
    return {
        r["post_id"]: {
            "priority": r["priority"],
            "requested_ack": bool(r["requested_ack"]),
            "persistent_notifications": bool(r["persistent_notifications"]),
        }
        for r in (await conn.execute(stmt)).mappings()
    }


def _ack(row: Any) -> dict[str, Any]:
    return {
        "user_id": row["user_id"],
        "post_id": row["post_id"],
        "channel_id": row["channel_id"],
        "acknowledged_at": row["acknowledged_at"],
    }


async def acks_for(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    if not post_ids:
        return {}
    stmt = (
        select(post_acknowledgements)
        .where(a.tenant_id == tenant_id, a.post_id.in_(list(post_ids)))
        .order_by(a.acknowledged_at)
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in (await conn.execute(stmt)).mappings():
        found.setdefault(row["post_id"], []).append(_ack(row))
    return found


async def get_ack(
    conn: AsyncConnection, tenant_id: str, post_id: str, user_id: str
) -> dict[str, Any] | None:
    stmt = select(post_acknowledgements).where(
        a.tenant_id == tenant_id, a.post_id == post_id, a.user_id == user_id
    )
    row = (await conn.execute(stmt)).mappings().first()
    return None if row is None else _ack(row)


async def add_ack(
    conn: AsyncConnection, tenant_id: str, post_id: str, user_id: str, channel_id: str, now: int
) -> dict[str, Any]:
    """The user's acknowledgement of the post (the first one stands if they ack twice)."""
    row = {
        "tenant_id": tenant_id,
        "post_id": post_id,
        "user_id": user_id,
        "channel_id": channel_id,
        "acknowledged_at": now,
    }
    await insert_ignore(conn, post_acknowledgements, [row])
    found = await get_ack(conn, tenant_id, post_id, user_id)
    assert found is not None
    return found


async def remove_ack(conn: AsyncConnection, tenant_id: str, post_id: str, user_id: str) -> None:
    await conn.execute(
        delete(post_acknowledgements).where(
            a.tenant_id == tenant_id, a.post_id == post_id, a.user_id == user_id
        )
    )
