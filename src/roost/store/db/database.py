"""The databases Roost keeps its data in, and which one serves the tenant in scope.

The directory's database (``ROOST_DATABASE_URL``) holds the tenant directory and every
tenant placed nowhere else; named databases (``ROOST_DATABASE_SHARDS``), each with the
whole schema, hold the tenants placed there. ``write()`` and ``read()`` pick the database
of the tenant in scope (``roost.tenancy.scope``) and tell it the tenant, so PostgreSQL's
row-level security admits that tenant's rows only. A tenant being moved is read-only:
its writes are refused here, whoever makes them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import TypeAlias

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from roost.store.db import dialect
from roost.store.db.engines import Cluster, async_url
from roost.store.db.errors import TenantReadOnly, is_unavailable
from roost.store.db.replicas import ReplicaSet
from roost.tenancy.placement import AT_HOME, HOME, Placement, Placements
from roost.tenancy.scope import ALL_TENANTS, current_database, current_tenant

__all__ = [
    "AT_HOME",
    "HOME",
    "Connection",
    "Database",
    "Placement",
    "TenantReadOnly",
    "async_url",
    "is_unavailable",
]

# Row-level security reads the transaction's tenant from this setting (migration 0012).
_ENTER_TENANT = text("SELECT set_config('roost.tenant_id', :tenant, true)")


# The connection ``write()`` and ``read()`` hand out, named here so that the app layer
# can pass one along without importing SQLAlchemy (SQL stays in roost.store).
Connection: TypeAlias = AsyncConnection


class UnknownDatabase(LookupError):
    pass


class Database:
    """Every database Roost uses; ``write()``/``read()`` open the tenant in scope's."""

    def __init__(
        self,
        url: str,
        pool_size: int = 10,
        replica_urls: Sequence[str] = (),
        replica_max_lag_seconds: float = 5.0,
        shard_urls: Mapping[str, str] | None = None,
        placements: Placements | None = None,
    ) -> None:
        self.home = Cluster(url, pool_size, replica_urls, replica_max_lag_seconds)
        self.shards = {name: Cluster(u, pool_size) for name, u in (shard_urls or {}).items()}
        # Written by the tenant directory; everyone is at home without one (tools, tests).
        self.placements = placements if placements is not None else Placements()

    # The directory's database, as single-database code knows it.

    @property
    def url(self) -> str:
        return self.home.url

    @property
    def is_sqlite(self) -> bool:
        return self.home.is_sqlite

    @property
    def engine(self) -> AsyncEngine:
        return self.home.engine

    @property
    def replicas(self) -> ReplicaSet | None:
        return self.home.replicas

    # Placement.

    def read_only_tenants(self) -> Collection[str]:
        """Tenants whose rows must not change now: queues that span tenants skip them."""
        return self.placements.read_only()

    def names(self) -> list[str]:
        """Every database by name: '' (the directory's) first."""
        return [HOME, *self.shards]

    def cluster(self, name: str) -> Cluster:
        if name == HOME:
            return self.home
        try:
            return self.shards[name]
        except KeyError:
            raise UnknownDatabase(name) from None

    def database_of(self, tenant_id: str) -> str:
        return self.placements.of(tenant_id).database

    def writable(self, tenant_id: str) -> bool:
        return self.placements.of(tenant_id).writable

    def _route(self, writing: bool) -> tuple[Cluster, str]:
        tenant = current_tenant()
        if tenant == ALL_TENANTS:
            return self.cluster(current_database()), tenant
        placement = self.placements.of(tenant)
        if writing and not placement.writable:
            raise TenantReadOnly(tenant)
        return self.cluster(placement.database), tenant

    # Transactions.

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction for the tenant in scope, in its database; commits on success
        and rolls back on error."""
        cluster, tenant = self._route(writing=True)
        async with cluster.begin() as conn:
            await self.narrow(conn, tenant)
            yield conn

    @asynccontextmanager
    async def read(self, primary: bool = False) -> AsyncIterator[AsyncConnection]:
        """A connection for reading the tenant in scope (see ``Cluster.connect``)."""
        cluster, tenant = self._route(writing=False)
        async with cluster.connect(primary) as conn:
            await self.narrow(conn, tenant)
            yield conn

    @asynccontextmanager
    async def write_on(self, database: str) -> AsyncIterator[AsyncConnection]:
        """A transaction in the named database for the tenant in scope, read-only or
        not: for moving a tenant, which writes where the tenant is not (yet)."""
        async with self.cluster(database).begin() as conn:
            await self.narrow(conn, current_tenant())
            yield conn

    @asynccontextmanager
    async def read_on(self, database: str, primary: bool = False) -> AsyncIterator[AsyncConnection]:
        async with self.cluster(database).connect(primary) as conn:
            await self.narrow(conn, current_tenant())
            yield conn

    async def narrow(self, conn: AsyncConnection, tenant: str) -> None:
        """Admit only ``tenant``'s rows for the rest of this transaction (PostgreSQL's
        row security; SQLite has none). Batches that span tenants narrow per tenant."""
        if conn.dialect.name == "postgresql":
            await conn.execute(_ENTER_TENANT, {"tenant": tenant})

    async def ping(self) -> None:
        """One round trip to the database of the tenant in scope; raises when it does not
        answer (health probes)."""
        async with self.read() as conn:
            await conn.execute(text("SELECT 1"))

    async def accepts_writes(self) -> bool:
        """Whether the database of the tenant in scope takes writes (health probes): a
        read-only SQLite file or folder, or a read-only PostgreSQL (a standby,
        ``default_transaction_read_only``), answers reads and fails every write."""
        cluster, _ = self._route(writing=False)
        async with cluster.begin() as conn:
            return await dialect.accepts_writes(conn)

    async def start(self) -> None:
        for name in self.names():
            await self.cluster(name).start()

    async def close(self) -> None:
        for name in self.names():
            await self.cluster(name).close()
