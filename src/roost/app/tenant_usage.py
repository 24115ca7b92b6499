"""What each tenant uses, for the operator's billing: people, posts, files and their
size (counted when asked), and requests per day (counted by every node as it admits
them, and added to the database once a minute)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from roost.app.errors import invalid_param
from roost.app.tenants import TenantDirectory
from roost.store import tenant_usage as usage_store
from roost.store.database import Database

log = logging.getLogger("roost.tenants")

MAX_DAYS = 366


def _day(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d")


class TenantUsage:
    def __init__(self, db: Database, directory: TenantDirectory, flush_seconds: float) -> None:
        self._db = db
        self._directory = directory
        self._flush_seconds = flush_seconds

    async def run(self) -> None:
        try:
            while True:
                await asyncio.sleep(self._flush_seconds)
                try:
                    await self.flush()
                except Exception:
                    log.warning("could not write request counts; kept for the next try")
        finally:
            with contextlib.suppress(Exception):
                await self.flush()  # at shutdown, what this node counted last

    async def flush(self) -> None:
        counts = self._directory.take_request_counts()
        if not counts:
            return
        day = _day(dt.datetime.now(dt.UTC))
        try:
            async with self._db.write() as conn:
                await usage_store.add_requests(conn, day, counts)
        except Exception:
            self._directory.restore_request_counts(counts)  # counted next time
            raise

    async def usage(self, tenant_id: str, days: int) -> dict[str, Any]:
        if not 1 <= days <= MAX_DAYS:
            raise invalid_param("days")
        tenant = self._directory.get(tenant_id)
        await self.flush()  # this node's latest count; others write theirs each minute
        since = _day(dt.datetime.now(dt.UTC) - dt.timedelta(days=days - 1))
        async with self._db.read(primary=True) as conn:
            totals = await usage_store.totals(conn, tenant.id)
            requests = await usage_store.requests_by_day(conn, tenant.id, since)
        return {
            "tenant_id": tenant.id,
            **totals,
            "requests": [{"day": day, "count": n} for day, n in requests.items()],
        }
