"""Whether the pieces this node depends on answer."""

from __future__ import annotations

import asyncio

from roost.cluster.bus import Bus, LocalBus
from roost.store.db.database import HOME, Database
from roost.tenancy.scope import across_tenants, current_tenant

CHECK_TIMEOUT_SECONDS = 2.0


class Health:
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._bus = bus

    def replicas_status(self) -> str:
        """The read replicas' state; "" when there are none."""
        replicas = self._db.replicas
        return replicas.status() if replicas is not None else ""

    def redis_status(self) -> str:
        """ "OK" or "UNHEALTHY" when nodes are joined through Redis; "" when they are not."""
        if isinstance(self._bus, LocalBus):
            return ""
        return "OK" if self._bus.connected else "UNHEALTHY"

    async def database_ok(self) -> bool:
        """Whether the asking tenant's database answers, and the directory's (which every
        request needs) when that is another one. A tenant's database being down does not
        fail the others' probes."""
        if not await self._answers():
            return False
        if self._db.database_of(current_tenant()) != HOME:
            with across_tenants(HOME):
                return await self._answers()
        return True

    async def _answers(self) -> bool:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self._db.ping()
        except Exception:
            return False
        return True
