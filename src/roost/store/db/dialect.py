"""Statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def insert_ignore(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, skipping any that collide with an existing key. Returns rows written."""
    if not rows:
        return 0
    stmt = _insert(conn, table).on_conflict_do_nothing()
    result = await conn.execute(stmt, list(rows))
    return int(result.rowcount or 0)


async def upsert(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert rows, or update the named columns where the key already exists."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={col: stmt.excluded[col] for col in update}
    )
    await conn.execute(stmt, list(rows))


async def upsert_adding(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    add: Sequence[str],
) -> None:
    """Insert rows, or add their values to the named columns where the key exists
    (counters written by several nodes)."""
    if not rows:
        return
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key),
        set_={col: table.c[col] + stmt.excluded[col] for col in add},
    )
    await conn.execute(stmt, list(rows))


async def accepts_writes(conn: AsyncConnection) -> bool:
    """PostgreSQL says whether the transaction is read-only; SQLite only finds out on a
    write, so the header's user_version is written back unchanged (no table touched)."""
    if conn.dialect.name == "postgresql":
        return (await conn.execute(text("SHOW transaction_read_only"))).scalar() != "on"
    version = int((await conn.execute(text("PRAGMA user_version"))).scalar() or 0)
    try:
        await conn.execute(text(f"PRAGMA user_version = {version}"))
    except OperationalError as exc:
        if "readonly" in str(exc) or "read-only" in str(exc):
            return False
        raise
    return True
