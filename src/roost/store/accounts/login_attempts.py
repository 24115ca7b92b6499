"""SQL for the failed-login counter (``users.failed_attempts``), the lockout's state.

Every change is one ``UPDATE`` computed by the database (``failed_attempts + 1``), never a
value read and written back, so attempts made at once on several nodes are all counted.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import users


async def reserve_attempt(
    conn: AsyncConnection, tenant_id: str, user_id: str, maximum: int
) -> bool:
    """Count one attempt before the password is checked, unless ``maximum`` are already
    counted (False: the account is locked). Counting first means concurrent guesses can
    never check more than ``maximum`` passwords between two good logins."""
    result = await conn.execute(
        update(users)
        .where(
            users.c.tenant_id == tenant_id,
            users.c.id == user_id,
            users.c.failed_attempts < maximum,
        )
        .values(failed_attempts=users.c.failed_attempts + 1)
    )
    return result.rowcount == 1


async def increment_failed_attempts(conn: AsyncConnection, tenant_id: str, user_id: str) -> None:
    await conn.execute(
        update(users)
        .where(users.c.tenant_id == tenant_id, users.c.id == user_id)
        .values(failed_attempts=users.c.failed_attempts + 1)
    )


async def reset_failed_attempts(conn: AsyncConnection, tenant_id: str, user_id: str) -> None:
    # Only when there is something to clear: a login of an account without failures
    # writes no row version (PostgreSQL) for nothing.
    await conn.execute(
        update(users)
        .where(users.c.tenant_id == tenant_id, users.c.id == user_id, users.c.failed_attempts > 0)
        .values(failed_attempts=0)
    )


async def failed_attempts(conn: AsyncConnection, tenant_id: str, user_id: str) -> int:
    value = await conn.scalar(
        select(users.c.failed_attempts).where(users.c.tenant_id == tenant_id, users.c.id == user_id)
    )
    return int(value or 0)
