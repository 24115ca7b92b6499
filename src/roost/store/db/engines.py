"""One database server's engines: its primary and read replicas, SQLite or PostgreSQL.

Dialect differences live here and in ``dialect.py``; nothing else in Roost knows
which database it talks to. Which tenant a transaction is for is ``database.py``'s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from roost import metrics
from roost.store.db.errors import is_unavailable
from roost.store.db.replicas import Replica, ReplicaSet


def async_url(url: str) -> str:
    """Map a plain database URL to the async driver SQLAlchemy should use."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


CONNECT_TIMEOUT_SECONDS = 5.0
# A request that waits this long for a connection is refused (503 with Retry-After, so
# the client backs off) rather than kept: at 10 s, as long as clients' own timeouts,
# a database slowed by a busy machine turned every request of a 5,000-user run into a
# client timeout while the server's event loops sat at 12% of a core.
POOL_WAIT_SECONDS = 4.0


class Cluster:
    """A primary engine and its replicas; ``begin()`` to write, ``connect()`` to read."""

    def __init__(
        self,
        url: str,
        pool_size: int = 10,
        replica_urls: Sequence[str] = (),
        replica_max_lag_seconds: float = 5.0,
    ) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            # Opening a SQLite connection starts a thread (aiosqlite) and sets pragmas;
            # a pool as large as PostgreSQL's keeps bursts from churning connections.
            kwargs.update(
                connect_args={"timeout": 30},
                pool_size=pool_size,
                max_overflow=max(2, pool_size // 4),
                pool_timeout=POOL_WAIT_SECONDS,
            )
        else:
            # Overflow connections are closed on return, so a small overflow avoids
            # opening a new connection per request under bursts.
            kwargs.update(
                pool_size=pool_size,
                max_overflow=max(2, pool_size // 4),
                pool_timeout=POOL_WAIT_SECONDS,
                # A database that does not answer fails requests quickly (503) instead
                # of holding them for asyncpg's default minute.
                connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
            )
        # A failed statement's message leaves out its parameters: they hold session
        # tokens, CSRF values and password hashes, and the message reaches the log.
        kwargs["hide_parameters"] = True
        self.engine: AsyncEngine = create_async_engine(async_url(url), **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_on_connect)
        else:
            event.listen(self.engine.sync_engine, "handle_error", _discard_confused_connection)
        event.listen(self.engine.sync_engine.pool, "checkout", _count_checkout)
        event.listen(self.engine.sync_engine.pool, "checkin", _count_checkin)
        # SQLite allows one writer; queueing writers here avoids busy errors and
        # lock upgrades that SQLite resolves by failing one side.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self.replicas: ReplicaSet | None = None
        if replica_urls and not self.is_sqlite:
            # Replicas come and go more than the primary: a pooled connection is checked
            # before use, so a replica that went away fails at checkout, where the read
            # can still go to the primary instead.
            replicas = [
                Replica(u, create_async_engine(async_url(u), pool_pre_ping=True, **kwargs))
                for u in replica_urls
            ]
            # Reading one's own writes: the primary for longer than a replica may lag.
            self.replicas = ReplicaSet(
                replicas, replica_max_lag_seconds, replica_max_lag_seconds + 1.0
            )

    async def start(self) -> None:
        if self.replicas is not None:
            await self.replicas.start()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A transaction on the primary that commits on success, rolls back on error."""
        if self.replicas is not None:
            self.replicas.wrote()
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def connect(self, primary: bool = False) -> AsyncIterator[AsyncConnection]:
        """A connection for reading: a healthy replica when there is one and this
        request's reader has not just written; the primary otherwise, or when asked
        (reads that must see a write made a moment ago by someone not yet known,
        such as a login right after sign-up)."""
        replicas = self.replicas
        replica = replicas.pick() if replicas is not None and not primary else None
        if replicas is not None and replica is not None:
            try:
                conn = await replica.engine.connect()
            except Exception as error:
                if not is_unavailable(error):
                    raise
                replicas.failed(replica)  # and read from the primary below
            else:
                try:
                    yield conn
                except Exception as error:
                    if is_unavailable(error):
                        replicas.failed(replica)
                    raise
                finally:
                    await conn.close()
                return
        async with self.engine.connect() as conn:
            yield conn

    async def close(self) -> None:
        if self.replicas is not None:
            await self.replicas.close()
        await self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _discard_confused_connection(context: ExceptionContext) -> None:
    """asyncpg's "cannot switch to state N; another operation is in progress" means the
    connection's protocol lost track (seen once after pg_terminate_backend ended pooled
    connections under load): every later statement on it would fail the same way. Call
    it a disconnect, so the pool drops the connection and the request is answered as
    "database unavailable" (503, retry) instead of a 500."""
    original = context.original_exception
    if type(original).__name__ == "InternalClientError" and "another operation" in str(original):
        context.is_disconnect = True


def _count_checkout(*_: Any) -> None:
    metrics.db_connections_in_use.inc()


def _count_checkin(*_: Any) -> None:
    metrics.db_connections_in_use.dec()
