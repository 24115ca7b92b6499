"""Throwaway databases: a fresh SQLite file, or a fresh PostgreSQL database that is dropped after."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg

PG_ADMIN_URL = os.environ.get("ROOST_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"roost_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(name)
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    path = directory / f"roost-{uuid.uuid4().hex[:8]}.db"
    yield f"sqlite:///{path}"


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "postgres":
        with postgres_database() as url:
            yield url
    else:
        with sqlite_database(directory) as url:
            yield url


@asynccontextmanager
async def database_async(backend: str, directory: Path) -> AsyncIterator[str]:
    """The same as ``database``, for code already inside an event loop."""
    if backend != "postgres":
        with sqlite_database(directory) as url:
            yield url
        return
    name = f"roost_test_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
