"""SQL for the outbound delivery queue.

A delivery being attempted holds a lease: its ``next_attempt_at`` is pushed past the
attempt's timeout when it is claimed, so a node that dies mid-call leaves it to be
claimed again once the lease runs out. Claims skip rows another node has locked.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.delivery import FAILED, PENDING, Delivery
from roost.store.db import codec
from roost.store.tables import outbound_deliveries

ERROR_MAX = 512


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(
        tenant_id=row["tenant_id"],
        id=row["id"],
        kind=row["kind"],
        source_id=row["source_id"],
        url=row["url"],
        content_type=row["content_type"],
        body=row["body"].encode(),
        context=codec.load_dict(row["context"]),
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        create_at=row["create_at"],
        update_at=row["update_at"],
    )


async def insert_delivery(conn: AsyncConnection, delivery: Delivery) -> None:
    await conn.execute(
        insert(outbound_deliveries).values(
            tenant_id=delivery.tenant_id,
            id=delivery.id,
            kind=delivery.kind,
            source_id=delivery.source_id,
            url=delivery.url,
            content_type=delivery.content_type,
            body=delivery.body.decode(),
            context=codec.dump(delivery.context),
            state=delivery.state,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            create_at=delivery.create_at,
            update_at=delivery.update_at,
        )
    )


async def claim_due(
    conn: AsyncConnection,
    now: int,
    lease_until: int,
    limit: int,
    skip_tenants: Collection[str] = (),
) -> list[Delivery]:
    """Take up to ``limit`` due deliveries of any tenant (the worker serves them all)
    but ``skip_tenants`` (read-only while they move), count the attempt and lease them
    to the caller."""
    d = outbound_deliveries.c
    stmt = (
        select(outbound_deliveries)
        .where(d.state == PENDING, d.next_attempt_at <= now)
        .order_by(d.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_tenants:
        stmt = stmt.where(d.tenant_id.not_in(list(skip_tenants)))
    due = [_delivery(r) for r in (await conn.execute(stmt)).mappings()]
    for delivery in due:
        delivery.attempts += 1
        delivery.next_attempt_at = lease_until
        await conn.execute(
            update(outbound_deliveries)
            .where(d.tenant_id == delivery.tenant_id, d.id == delivery.id)
            .values(attempts=delivery.attempts, next_attempt_at=lease_until, update_at=now)
        )
    return due


async def delete_delivery(conn: AsyncConnection, tenant_id: str, delivery_id: str) -> None:
    d = outbound_deliveries.c
    await conn.execute(
        delete(outbound_deliveries).where(d.tenant_id == tenant_id, d.id == delivery_id)
    )


async def reschedule(
    conn: AsyncConnection, tenant_id: str, delivery_id: str, next_at: int, error: str, now: int
) -> None:
    d = outbound_deliveries.c
    await conn.execute(
        update(outbound_deliveries)
        .where(d.tenant_id == tenant_id, d.id == delivery_id)
        .values(next_attempt_at=next_at, last_error=error[:ERROR_MAX], update_at=now)
    )


async def mark_failed(
    conn: AsyncConnection, tenant_id: str, delivery_id: str, error: str, now: int
) -> None:
    d = outbound_deliveries.c
    await conn.execute(
        update(outbound_deliveries)
        .where(d.tenant_id == tenant_id, d.id == delivery_id)
        .values(state=FAILED, last_error=error[:ERROR_MAX], update_at=now)
    )


async def list_deliveries(
    conn: AsyncConnection, tenant_id: str, state: str, offset: int, limit: int
) -> list[Delivery]:
    d = outbound_deliveries.c
    stmt = (
        select(outbound_deliveries)
        .where(d.tenant_id == tenant_id, d.state == state)
        .order_by(d.update_at.desc(), d.id)
        .offset(offset)
        .limit(limit)
    )
    return [_delivery(r) for r in (await conn.execute(stmt)).mappings()]


async def requeue_failed(conn: AsyncConnection, tenant_id: str, delivery_id: str, now: int) -> bool:
    """Give a failed delivery a fresh set of attempts, due now."""
    d = outbound_deliveries.c
    result = await conn.execute(
        update(outbound_deliveries)
        .where(d.tenant_id == tenant_id, d.id == delivery_id, d.state == FAILED)
        .values(state=PENDING, attempts=0, next_attempt_at=now, update_at=now)
    )
    return bool(result.rowcount)
