"""Throwaway databases: a fresh SQLite file, or a fresh PostgreSQL database that is dropped after."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

PG_ADMIN_URL = os.environ.get("ROOST_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Servers under test log in as this role, which owns nothing: row-level security binds
# it as it binds Roost in production, so a query that forgets its tenant fails a test.
RUNTIME_ROLE = "roost_test_runtime"
_CREATE_RUNTIME_ROLE = f"""DO $$ BEGIN
  CREATE ROLE {RUNTIME_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$"""


def ensure_runtime_role(owner_url: str) -> None:
    """Make the runtime role on the server at ``owner_url`` if it has none (a private
    server, such as the replica pair's, starts without it)."""

    async def go() -> None:
        conn = await asyncpg.connect(owner_url)
        try:
            await conn.execute(_CREATE_RUNTIME_ROLE)
        finally:
            await conn.close()

    asyncio.run(go())


def runtime_url(owner_url: str) -> str:
    """The same database as ``owner_url``, logged in as the non-owning runtime role."""
    return str(make_url(owner_url).set(username=RUNTIME_ROLE, password=None))


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() in ("postgresql", "postgres")


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
    asyncio.run(_pg_admin(_CREATE_RUNTIME_ROLE))
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
    await _pg_admin(_CREATE_RUNTIME_ROLE)
    try:
        yield _pg_url(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
