"""SQL for a user's MFA state: the TOTP secret, whether it is active, and the last time
step accepted. The secret is read here only, where a code is checked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import users


@dataclass(frozen=True, slots=True)
class MfaState:
    secret: str
    active: bool
    last_step: int


async def get_mfa(conn: AsyncConnection, tenant_id: str, user_id: str) -> MfaState | None:
    row = (
        await conn.execute(
            select(users.c.mfa_secret, users.c.mfa_active, users.c.mfa_last_step).where(
                users.c.tenant_id == tenant_id, users.c.id == user_id
            )
        )
    ).first()
    if row is None:
        return None
    return MfaState(secret=str(row[0]), active=bool(row[1]), last_step=int(row[2]))


async def set_mfa(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    *,
    secret: str,
    active: bool,
    last_step: int,
    update_at: int,
) -> None:
    await conn.execute(
        update(users)
        .where(users.c.tenant_id == tenant_id, users.c.id == user_id)
        .values(mfa_secret=secret, mfa_active=active, mfa_last_step=last_step, update_at=update_at)
    )


async def claim_step(conn: AsyncConnection, tenant_id: str, user_id: str, step: int) -> bool:
    """Record ``step`` as used unless it (or a later one) already was: False then. One
    conditional UPDATE, so two nodes checking the same code cannot both accept it."""
    result = await conn.execute(
        update(users)
        .where(
            users.c.tenant_id == tenant_id,
            users.c.id == user_id,
            users.c.mfa_last_step < step,
        )
        .values(mfa_last_step=step)
    )
    return bool(result.rowcount)
