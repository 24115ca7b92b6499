"""SQL for single-use tokens sent by email (password reset, email verification). Only
the token's SHA-256 is stored; taking a token deletes it, so it works once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db import codec
from roost.store.tables import email_tokens

_t = email_tokens.c


async def insert_token(
    conn: AsyncConnection,
    tenant_id: str,
    token_hash: str,
    kind: str,
    user_id: str,
    now: int,
    expires_at: int,
    extra: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        insert(email_tokens).values(
            tenant_id=tenant_id,
            token_hash=token_hash,
            kind=kind,
            user_id=user_id,
            extra=codec.dump(extra or {}),
            create_at=now,
            expires_at=expires_at,
        )
    )


async def get_token(
    conn: AsyncConnection, tenant_id: str, token_hash: str, kind: str
) -> tuple[str, int, dict[str, Any]] | None:
    """(user id, expiry, extra) of the token, left in place; None if there is none."""
    stmt = select(_t.user_id, _t.expires_at, _t.extra).where(
        _t.tenant_id == tenant_id, _t.token_hash == token_hash, _t.kind == kind
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    return str(row[0]), int(row[1]), codec.load_dict(row[2])


async def take_token(
    conn: AsyncConnection, tenant_id: str, token_hash: str, kind: str
) -> tuple[str, int, dict[str, Any]] | None:
    """Delete the token and return (user id, expiry, extra); None if there is none."""
    stmt = (
        delete(email_tokens)
        .where(_t.tenant_id == tenant_id, _t.token_hash == token_hash, _t.kind == kind)
        .returning(_t.user_id, _t.expires_at, _t.extra)
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    return str(row[0]), int(row[1]), codec.load_dict(row[2])


async def delete_user_tokens(
    conn: AsyncConnection, tenant_id: str, user_id: str, kind: str
) -> None:
    """A user's earlier tokens of this kind (a new email replaces the last one's link)."""
    await conn.execute(
        delete(email_tokens).where(
            _t.tenant_id == tenant_id, _t.user_id == user_id, _t.kind == kind
        )
    )


async def delete_expired(conn: AsyncConnection, tenant_id: str, now: int) -> None:
    await conn.execute(delete(email_tokens).where(_t.tenant_id == tenant_id, _t.expires_at <= now))
