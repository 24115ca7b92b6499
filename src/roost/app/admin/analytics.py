"""``GET /analytics/old``: Mattermost's site statistics, by its names.

- ``standard``: counts of channels, posts, users, teams and active users. The post
  count is the sum of the channels' message counters (Mattermost's TotalMsgCount: every
  post ever made, replies included), so no call reads the posts.
- ``post_counts_day``: posts per UTC day, the last 30 days, newest first: the tenant
  usage counts (each node adds its counts every ``ROOST_TENANT_USAGE_FLUSH_SECONDS``;
  the asking node first adds its own).
- ``user_counts_with_posts_day``: users who posted, per day: each node notes who posted
  (the posts it took, heard on the bus) and writes them every
  ``ROOST_ANALYTICS_FLUSH_SECONDS``, one row per user and day.

Each answer is kept ``ROOST_ANALYTICS_CACHE_SECONDS`` per node (as Mattermost caches its
statistics): a console refreshing its charts costs nothing, and the figures are at most
that old.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson

from roost.app.accounts.permissions import Permissions
from roost.app.kernel import errors as kernel_errors
from roost.app.kernel.context import Actor
from roost.app.tenants.usage import TenantUsage
from roost.clock import now_ms
from roost.model.event import Event
from roost.model.events import POSTED
from roost.store.admin import analytics as store
from roost.store.db.database import Database
from roost.store.tenants import usage as usage_store
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger(__name__)

MANAGE_SYSTEM = "manage_system"
DAYS = 30
NAMES = ("standard", "post_counts_day", "user_counts_with_posts_day")
MAX_CACHED = 10_000


def _day(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d")


def _since() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=DAYS - 1)).strftime("%Y-%m-%d")


class Analytics:
    def __init__(
        self,
        db: Database,
        permissions: Permissions,
        usage: TenantUsage,
        flush_seconds: float,
        cache_seconds: float = 0.0,
        deleted: Callable[[str], bool] = lambda _tenant_id: False,
    ) -> None:
        self._db = db
        self._deleted = deleted
        self._permissions = permissions
        self._usage = usage
        self._flush_seconds = flush_seconds
        self._posters: dict[str, set[tuple[str, str]]] = {}  # tenant -> (day, user id)
        self._cache_seconds = cache_seconds
        # (tenant, name, team) -> (when computed, monotonic; the answer)
        self._cache: dict[tuple[str, str, str], tuple[float, list[dict[str, Any]]]] = {}

    def on_posted(self, event: Event) -> None:
        """A post this node took (``subscribe_origin``): note who posted, and when."""
        if event.name != POSTED:
            return
        try:
            post = orjson.loads(event.data["post"])
            user_id, create_at = str(post["user_id"]), int(post["create_at"])
        except (KeyError, ValueError, TypeError):
            return
        self._posters.setdefault(event.tenant_id, set()).add((_day(create_at), user_id))

    async def flush(self) -> None:
        taken, self._posters = self._posters, {}
        failed: Exception | None = None
        for tenant_id, rows in taken.items():
            if self._deleted(tenant_id):
                continue  # its data is being removed: these rows would outlive it
            try:
                with tenant_scope(tenant_id):
                    async with self._db.write() as conn:
                        await store.add_posters(conn, tenant_id, rows)
            except Exception as exc:
                self._posters.setdefault(tenant_id, set()).update(rows)  # next time
                failed = exc
        if failed is not None:
            raise failed

    async def run(self) -> None:
        try:
            while True:
                await asyncio.sleep(self._flush_seconds)
                try:
                    await self.flush()
                except Exception as exc:
                    log.warning("could not write who posted today: %r", exc)
        finally:
            with contextlib.suppress(Exception):
                await self.flush()

    async def old(self, actor: Actor, name: str, team_id: str) -> list[dict[str, Any]]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        if name not in NAMES:
            raise kernel_errors.invalid_url_param("name")
        key = (actor.tenant_id, name, team_id)
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < self._cache_seconds:
            return cached[1]
        answer = await self._compute(actor.tenant_id, name, team_id)
        if len(self._cache) > MAX_CACHED:
            self._cache.clear()
        self._cache[key] = (time.monotonic(), answer)
        return answer

    async def _compute(self, tenant_id: str, name: str, team_id: str) -> list[dict[str, Any]]:
        if name == "standard":
            async with self._db.read() as conn:
                counts = await store.standard(conn, tenant_id, team_id, now_ms())
            return [{"name": k, "value": v} for k, v in counts.items()]
        if name == "post_counts_day":
            await self._usage.flush()  # this node's latest counts
            with across_tenants():  # the counts live in the directory's database
                async with self._db.read(primary=True) as conn:
                    daily = await usage_store.by_day(conn, tenant_id, _since())
            per_day = {day: posts for day, (_, posts) in daily.items()}
        elif name == "user_counts_with_posts_day":
            await self.flush()
            async with self._db.read(primary=True) as conn:
                per_day = await store.posters_by_day(conn, tenant_id, _since())
        else:
            raise kernel_errors.invalid_url_param("name")
        return [{"name": day, "value": per_day[day]} for day in sorted(per_day, reverse=True)]
