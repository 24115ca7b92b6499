"""SQL for the notification outbox.

A row being worked holds a lease: its ``next_attempt_at`` is pushed past the work's
timeout when it is claimed, so a node that dies mid-send leaves it to be claimed again
once the lease runs out. Claims skip rows another node has locked (PostgreSQL's
``FOR UPDATE SKIP LOCKED``; SQLite has one writer and ignores it), so two nodes never
hold the same row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.notification import DIGEST, FAILED, PENDING, SENDING, OutboxItem
from roost.store.db import codec
from roost.store.tables import notification_outbox

ERROR_MAX = 512
_o = notification_outbox.c


def _item(row: RowMapping) -> OutboxItem:
    return OutboxItem(
        tenant_id=row["tenant_id"],
        id=row["id"],
        kind=row["kind"],
        user_id=row["user_id"],
        payload=codec.load_dict(row["payload"]),
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        create_at=row["create_at"],
        update_at=row["update_at"],
    )


async def insert_items(conn: AsyncConnection, items: Sequence[OutboxItem]) -> None:
    if not items:
        return
    await conn.execute(
        insert(notification_outbox),
        [
            {
                "tenant_id": i.tenant_id,
                "id": i.id,
                "kind": i.kind,
                "user_id": i.user_id,
                "payload": codec.dump(i.payload),
                "state": i.state,
                "attempts": i.attempts,
                "next_attempt_at": i.next_attempt_at,
                "create_at": i.create_at,
                "update_at": i.update_at,
            }
            for i in items
        ],
    )


async def claim_due(
    conn: AsyncConnection,
    now: int,
    lease_until: int,
    limit: int,
    kinds: Collection[str],
    skip_tenants: Collection[str] = (),
) -> list[OutboxItem]:
    """Take up to ``limit`` due rows of these kinds of any tenant (the worker serves them
    all) but ``skip_tenants`` (read-only while they move), count the attempt and lease
    them to the caller."""
    stmt = (
        select(notification_outbox)
        .where(_o.state == PENDING, _o.next_attempt_at <= now, _o.kind.in_(list(kinds)))
        .order_by(_o.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip_tenants:
        stmt = stmt.where(_o.tenant_id.not_in(list(skip_tenants)))
    due = [_item(r) for r in (await conn.execute(stmt)).mappings()]
    for tenant_id in {i.tenant_id for i in due}:
        ids = [i.id for i in due if i.tenant_id == tenant_id]
        await conn.execute(
            update(notification_outbox)
            .where(_o.tenant_id == tenant_id, _o.id.in_(ids))
            .values(attempts=_o.attempts + 1, next_attempt_at=lease_until, update_at=now)
        )
    for item in due:
        item.attempts += 1
        item.next_attempt_at = lease_until
    return due


async def take_users_digest(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str], lease_until: int, now: int
) -> list[OutboxItem]:
    """Every pending digest item of these users (due or not: a digest takes them all),
    marked SENDING. The state change is the claim: of two workers that try at once the
    second finds none still pending (PostgreSQL re-checks the condition once the first
    commits)."""
    stmt = (
        update(notification_outbox)
        .where(
            _o.tenant_id == tenant_id,
            _o.user_id.in_(list(user_ids)),
            _o.kind == DIGEST,
            _o.state == PENDING,
        )
        .values(state=SENDING, next_attempt_at=lease_until, update_at=now)
        .returning(*notification_outbox.c)
    )
    items = [_item(r) for r in (await conn.execute(stmt)).mappings()]
    return sorted(items, key=lambda i: (i.create_at, i.id))


async def release_digest(
    conn: AsyncConnection, tenant_id: str, ids: Sequence[str], next_at: int, error: str, now: int
) -> None:
    """A digest that could not be sent: its items wait again."""
    await conn.execute(
        update(notification_outbox)
        .where(_o.tenant_id == tenant_id, _o.id.in_(list(ids)), _o.state == SENDING)
        .values(state=PENDING, next_attempt_at=next_at, last_error=error[:ERROR_MAX], update_at=now)
    )


async def recover_stale(conn: AsyncConnection, now: int) -> int:
    """Digest items a dead node was sending, past their lease: pending again (every
    tenant's; the worker's scan)."""
    result = await conn.execute(
        update(notification_outbox)
        .where(_o.state == SENDING, _o.next_attempt_at <= now)
        .values(state=PENDING, update_at=now)
    )
    return int(result.rowcount or 0)


async def delete_items(
    conn: AsyncConnection, tenant_id: str, ids: Sequence[str], any_state: bool = False
) -> None:
    """Delete done rows. Unless ``any_state``, only pending ones: a digest item another
    worker has taken into its digest is that worker's to delete."""
    if ids:
        stmt = delete(notification_outbox).where(_o.tenant_id == tenant_id, _o.id.in_(list(ids)))
        if not any_state:
            stmt = stmt.where(_o.state == PENDING)
        await conn.execute(stmt)


async def reschedule(
    conn: AsyncConnection, tenant_id: str, ids: Sequence[str], next_at: int, error: str, now: int
) -> None:
    await conn.execute(
        update(notification_outbox)
        .where(_o.tenant_id == tenant_id, _o.id.in_(list(ids)))
        .values(next_attempt_at=next_at, last_error=error[:ERROR_MAX], update_at=now)
    )


async def mark_failed(
    conn: AsyncConnection, tenant_id: str, ids: Sequence[str], error: str, now: int
) -> None:
    await conn.execute(
        update(notification_outbox)
        .where(_o.tenant_id == tenant_id, _o.id.in_(list(ids)))
        .values(state=FAILED, last_error=error[:ERROR_MAX], update_at=now)
    )


async def list_items(
    conn: AsyncConnection, tenant_id: str, state: str, offset: int, limit: int
) -> list[OutboxItem]:
    stmt = (
        select(notification_outbox)
        .where(_o.tenant_id == tenant_id, _o.state == state)
        .order_by(_o.update_at.desc(), _o.id)
        .offset(offset)
        .limit(limit)
    )
    return [_item(r) for r in (await conn.execute(stmt)).mappings()]


async def count_pending(conn: AsyncConnection, tenant_id: str) -> dict[str, int]:
    """Pending rows per kind (the admin's view of the backlog)."""
    rows = await conn.execute(
        select(_o.kind, func.count())
        .where(_o.tenant_id == tenant_id, _o.state == PENDING)
        .group_by(_o.kind)
    )
    return {str(kind): int(n) for kind, n in rows.all()}
