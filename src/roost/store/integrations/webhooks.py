"""SQL for incoming and outgoing webhooks (soft-deleted, as Mattermost does)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.webhook import IncomingWebhook, OutgoingWebhook
from roost.store.db import codec
from roost.store.tables import incoming_webhooks, outgoing_webhooks

_JSON_LISTS = ("trigger_words", "callback_urls")


def _incoming(row: RowMapping) -> IncomingWebhook:
    fields = {k: v for k, v in row.items() if k != "tenant_id"}
    return IncomingWebhook(**fields)


def _outgoing(row: RowMapping) -> OutgoingWebhook:
    fields = {k: v for k, v in row.items() if k != "tenant_id"}
    for name in _JSON_LISTS:
        fields[name] = codec.load_list(fields[name])
    return OutgoingWebhook(**fields)


def _values(tenant_id: str, hook: IncomingWebhook | OutgoingWebhook) -> dict[str, Any]:
    values = asdict(hook)
    for name in _JSON_LISTS:
        if name in values:
            values[name] = codec.dump(values[name])
    return {"tenant_id": tenant_id, **values}


async def _save(
    conn: AsyncConnection, table: Table, tenant_id: str, hook: IncomingWebhook | OutgoingWebhook
) -> None:
    values = _values(tenant_id, hook)
    await conn.execute(
        update(table)
        .where(table.c.tenant_id == tenant_id, table.c.id == hook.id)
        .values({k: v for k, v in values.items() if k not in ("tenant_id", "id")})
    )


async def insert_incoming(conn: AsyncConnection, tenant_id: str, hook: IncomingWebhook) -> None:
    await conn.execute(insert(incoming_webhooks).values(_values(tenant_id, hook)))


async def update_incoming(conn: AsyncConnection, tenant_id: str, hook: IncomingWebhook) -> None:
    await _save(conn, incoming_webhooks, tenant_id, hook)


async def get_incoming(
    conn: AsyncConnection, tenant_id: str, hook_id: str
) -> IncomingWebhook | None:
    c = incoming_webhooks.c
    stmt = select(incoming_webhooks).where(
        c.tenant_id == tenant_id, c.id == hook_id, c.delete_at == 0
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _incoming(row) if row else None


async def list_incoming(
    conn: AsyncConnection, tenant_id: str, team_id: str | None, offset: int, limit: int
) -> list[IncomingWebhook]:
    c = incoming_webhooks.c
    stmt = select(incoming_webhooks).where(c.tenant_id == tenant_id, c.delete_at == 0)
    if team_id:
        stmt = stmt.where(c.team_id == team_id)
    stmt = stmt.order_by(c.create_at, c.id).offset(offset).limit(limit)
    return [_incoming(r) for r in (await conn.execute(stmt)).mappings()]


async def insert_outgoing(conn: AsyncConnection, tenant_id: str, hook: OutgoingWebhook) -> None:
    await conn.execute(insert(outgoing_webhooks).values(_values(tenant_id, hook)))


async def update_outgoing(conn: AsyncConnection, tenant_id: str, hook: OutgoingWebhook) -> None:
    await _save(conn, outgoing_webhooks, tenant_id, hook)


async def get_outgoing(
    conn: AsyncConnection, tenant_id: str, hook_id: str
) -> OutgoingWebhook | None:
    c = outgoing_webhooks.c
    stmt = select(outgoing_webhooks).where(
        c.tenant_id == tenant_id, c.id == hook_id, c.delete_at == 0
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _outgoing(row) if row else None


async def list_outgoing(
    conn: AsyncConnection,
    tenant_id: str,
    team_id: str | None,
    channel_id: str | None,
    offset: int,
    limit: int,
) -> list[OutgoingWebhook]:
    c = outgoing_webhooks.c
    stmt = select(outgoing_webhooks).where(c.tenant_id == tenant_id, c.delete_at == 0)
    if team_id:
        stmt = stmt.where(c.team_id == team_id)
    if channel_id:
        stmt = stmt.where(c.channel_id == channel_id)
    stmt = stmt.order_by(c.create_at, c.id).offset(offset).limit(limit)
    return [_outgoing(r) for r in (await conn.execute(stmt)).mappings()]


async def outgoing_for_team(
    conn: AsyncConnection, tenant_id: str, team_id: str
) -> list[OutgoingWebhook]:
    """Every live outgoing hook of a team (what a post in it is matched against)."""
    c = outgoing_webhooks.c
    stmt = (
        select(outgoing_webhooks)
        .where(c.tenant_id == tenant_id, c.team_id == team_id, c.delete_at == 0)
        .order_by(c.create_at, c.id)
    )
    return [_outgoing(r) for r in (await conn.execute(stmt)).mappings()]


async def any_outgoing(conn: AsyncConnection) -> bool:
    """Whether any tenant has a live outgoing hook (a node-wide shortcut: with none,
    posts need not be matched against hooks at all)."""
    c = outgoing_webhooks.c
    found = await conn.execute(select(c.id).where(c.delete_at == 0).limit(1))
    return found.first() is not None
