"""SQL for custom slash commands and their response URLs."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.slash_command import Command, CommandWebhook
from roost.store.tables import command_webhooks, commands


def _command(row: RowMapping) -> Command:
    return Command(**{k: v for k, v in row.items() if k != "tenant_id"})


async def insert_command(conn: AsyncConnection, tenant_id: str, command: Command) -> None:
    await conn.execute(insert(commands).values(tenant_id=tenant_id, **asdict(command)))


async def update_command(conn: AsyncConnection, tenant_id: str, command: Command) -> None:
    values = {k: v for k, v in asdict(command).items() if k != "id"}
    await conn.execute(
        update(commands)
        .where(commands.c.tenant_id == tenant_id, commands.c.id == command.id)
        .values(values)
    )


async def get_command(conn: AsyncConnection, tenant_id: str, command_id: str) -> Command | None:
    c = commands.c
    stmt = select(commands).where(c.tenant_id == tenant_id, c.id == command_id, c.delete_at == 0)
    row = (await conn.execute(stmt)).mappings().first()
    return _command(row) if row else None


async def team_commands(conn: AsyncConnection, tenant_id: str, team_id: str) -> list[Command]:
    c = commands.c
    stmt = (
        select(commands)
        .where(c.tenant_id == tenant_id, c.team_id == team_id, c.delete_at == 0)
        .order_by(c.trigger, c.create_at)
    )
    return [_command(r) for r in (await conn.execute(stmt)).mappings()]


async def by_trigger(
    conn: AsyncConnection, tenant_id: str, team_id: str, trigger: str
) -> Command | None:
    c = commands.c
    stmt = select(commands).where(
        c.tenant_id == tenant_id, c.team_id == team_id, c.trigger == trigger, c.delete_at == 0
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _command(row) if row else None


async def insert_command_webhook(
    conn: AsyncConnection, tenant_id: str, hook: CommandWebhook
) -> None:
    await conn.execute(insert(command_webhooks).values(tenant_id=tenant_id, **asdict(hook)))


async def use_command_webhook(
    conn: AsyncConnection, tenant_id: str, hook_id: str, created_after: int, max_uses: int
) -> CommandWebhook | None:
    """Count one use of a live response URL; None once it expired or was used up."""
    c = command_webhooks.c
    result = await conn.execute(
        update(command_webhooks)
        .where(
            c.tenant_id == tenant_id,
            c.id == hook_id,
            c.create_at > created_after,
            c.use_count < max_uses,
        )
        .values(use_count=c.use_count + 1)
    )
    if not result.rowcount:
        return None
    row = (
        (
            await conn.execute(
                select(command_webhooks).where(c.tenant_id == tenant_id, c.id == hook_id)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return CommandWebhook(**{k: v for k, v in row.items() if k != "tenant_id"})


async def delete_expired_command_webhooks(
    conn: AsyncConnection, tenant_id: str, created_before: int
) -> None:
    c = command_webhooks.c
    await conn.execute(
        delete(command_webhooks).where(c.tenant_id == tenant_id, c.create_at < created_before)
    )
