"""Which database errors mean "the database is out of reach" (answered 503) and which
are faults (answered 500): SQLite reports both as OperationalError."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from roost.store.db.database import Database, is_unavailable
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import tenant_scope


async def test_faulty_sql_is_not_unavailability(db: Database) -> None:
    with pytest.raises(Exception) as raised:
        async with db.read() as conn:
            await conn.execute(text("SELECT no_such_column FROM users"))
    assert not is_unavailable(raised.value)


async def test_a_locked_sqlite_database_is_unavailability(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    db = Database(f"sqlite:///{path}")
    holder: sqlite3.Connection | None = None
    with tenant_scope(DEFAULT_TENANT_ID):
        try:
            async with db.write() as conn:
                await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            # Another process holds the write lock, and this connection will not wait.
            holder = sqlite3.connect(path)
            holder.execute("BEGIN EXCLUSIVE")
            with pytest.raises(Exception) as raised:
                async with db.write() as conn:
                    await conn.execute(text("PRAGMA busy_timeout = 0"))
                    await conn.execute(text("INSERT INTO t VALUES (1)"))
            assert "locked" in str(raised.value)
            assert is_unavailable(raised.value)
        finally:
            if holder is not None:
                holder.rollback()
                holder.close()
            await db.close()
