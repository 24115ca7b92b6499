"""Turning a test's PostgreSQL database read-only and back, as a failover to a standby
would: new sessions only read, and the server's pooled ones are ended."""

from __future__ import annotations

import asyncio

import asyncpg

from tests.support.databases import PG_ADMIN_URL


def _admin(sql: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


def read_only(name: str, on: bool) -> None:
    _admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
