"""What each tenant uses, and the quotas on it.

People, posts, files and their size are counted when the operator asks. Requests and
new posts per UTC day are counted by every node in memory as they happen and added to
the database once a minute (`tenant_daily_usage`); at the same moment each node reads
back today's post totals of the tenants that have a posts-per-day quota, so the quota
holds across nodes to within what the other nodes counted in the last minute. Stored
bytes are summed at each upload of a tenant with a storage quota.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from typing import Any

from roost.app.kernel.errors import invalid_param
from roost.app.tenants.directory import TenantDirectory
from roost.app.tenants.errors import posts_quota, storage_quota
from roost.store.db.database import Database
from roost.store.tenants import usage as usage_store
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger("roost.tenancy")

MAX_DAYS = 366


def today() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


class TenantUsage:
    def __init__(self, db: Database, directory: TenantDirectory, flush_seconds: float) -> None:
        self._db = db
        self._directory = directory
        self._flush_seconds = flush_seconds
        self._day = today()
        self._epoch_day = int(time.time() // 86400)  # cheap to compare on every post
        self._posts: dict[str, int] = {}  # this node's, since the last flush
        self._known_posts: dict[str, int] = {}  # today's totals at the last flush

    # The posts-per-day quota (every post: memory only).

    def check_post(self, tenant_id: str) -> None:
        limit = self._directory.max_posts_per_day(tenant_id)
        if not limit:
            return
        self._roll_day()
        if self._known_posts.get(tenant_id, 0) + self._posts.get(tenant_id, 0) >= limit:
            raise posts_quota(limit)

    def count_post(self, tenant_id: str) -> None:
        self._roll_day()
        self._posts[tenant_id] = self._posts.get(tenant_id, 0) + 1

    def _roll_day(self) -> None:
        epoch_day = int(time.time() // 86400)
        if epoch_day != self._epoch_day:
            # A new UTC day: yesterday's totals no longer count against the quota.
            self._epoch_day, self._day, self._known_posts = epoch_day, today(), {}

    # The storage quota (each upload of a tenant that has one).

    async def check_storage(self, tenant_id: str, adding: int) -> None:
        limit = self._directory.max_storage_bytes(tenant_id)
        if not limit:
            return
        async with self._db.read(primary=True) as conn:
            stored = await usage_store.stored_bytes(conn, tenant_id)
        if stored + adding > limit:
            raise storage_quota(limit)

    # Writing the counts.

    async def run(self) -> None:
        try:
            while True:
                await asyncio.sleep(self._flush_seconds)
                try:
                    await self.flush()
                except Exception:
                    log.warning("could not write usage counts; kept for the next try")
        finally:
            with contextlib.suppress(Exception):
                await self.flush()  # at shutdown, what this node counted last

    async def flush(self) -> None:
        day = self._day
        requests = self._directory.take_request_counts()
        posts, self._posts = self._posts, {}
        limited = self._directory.post_limited()
        try:
            with across_tenants():  # one upsert of every tenant's counts
                async with self._db.write() as conn:
                    if requests or posts:
                        await usage_store.add_counts(conn, day, requests, posts)
                    known = await usage_store.posts_on(conn, today(), limited)
        except Exception:
            self._directory.restore_request_counts(requests)  # counted next time
            for tenant_id, n in posts.items():
                self._posts[tenant_id] = self._posts.get(tenant_id, 0) + n
            raise
        self._roll_day()
        self._known_posts = known

    async def usage(self, tenant_id: str, days: int) -> dict[str, Any]:
        if not 1 <= days <= MAX_DAYS:
            raise invalid_param("days")
        tenant = self._directory.get(tenant_id)
        await self.flush()  # this node's latest counts; others write theirs each minute
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days - 1)).strftime("%Y-%m-%d")
        with tenant_scope(tenant.id):  # its data, in its database
            async with self._db.read(primary=True) as conn:
                totals = await usage_store.totals(conn, tenant.id)
        with across_tenants():  # the counts, in the directory's
            async with self._db.read(primary=True) as conn:
                daily = await usage_store.by_day(conn, tenant.id, since)
        return {
            "tenant_id": tenant.id,
            **totals,
            "requests": [{"day": d, "count": r} for d, (r, _) in daily.items()],
            "posts_per_day": [{"day": d, "count": p} for d, (_, p) in daily.items()],
        }
