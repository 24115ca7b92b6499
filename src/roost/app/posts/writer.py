"""Group commit for new posts.

Posts arriving while a transaction is being written wait and go together into the
next one. Under load, one transaction carries many posts, so a busy channel's row is
locked once per batch instead of once per post, and the database commits far less
often; when idle, a post is written alone at once. A batch that fails is retried post
by post, so one bad post never fails its neighbours. Tenants in different databases
make one transaction per database.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from roost import metrics
from roost.app.posts.written_with import WrittenWithPosts
from roost.store.db.database import Database, TenantReadOnly
from roost.store.posts.batches import NewPost, write_posts
from roost.tenancy.scope import across_tenants

# Enough to absorb bursts; small enough that one transaction stays short.
MAX_BATCH = 200

Waiting = tuple[str, NewPost, "asyncio.Future[None]"]


class PostWriter:
    def __init__(
        self, db: Database, max_batch: int = MAX_BATCH, fanout_inline_max: int = 200
    ) -> None:
        self._db = db
        self._fanout_inline_max = fanout_inline_max
        self._max_batch = max_batch
        self._waiting: list[Waiting] = []
        # Rows other domains write in each batch's transaction (set by ``Posts``).
        self.written_with: list[WrittenWithPosts] = []
        self._drainer: asyncio.Task[None] | None = None
        self.batches = 0
        self.posts = 0

    async def write(self, tenant_id: str, item: NewPost) -> None:
        """Return once the post and its counters are committed."""
        if not self._db.writable(tenant_id):
            raise TenantReadOnly(tenant_id)  # the batch writes across tenants, unchecked
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((tenant_id, item, done))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        await asyncio.shield(done)

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            try:
                await self._commit(batch)
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][2], exc)
                else:
                    await self._one_by_one(batch)
                continue
            for _, _, done in batch:
                _settle(done, None)

    async def _one_by_one(self, batch: list[Waiting]) -> None:
        for one in batch:
            try:
                await self._commit([one])
            except Exception as exc:
                _settle(one[2], exc)
            else:
                _settle(one[2], None)

    async def _commit(self, batch: list[Waiting]) -> None:
        by_database: dict[str, dict[str, list[NewPost]]] = defaultdict(lambda: defaultdict(list))
        for tenant_id, item, _ in batch:
            by_database[self._db.database_of(tenant_id)][tenant_id].append(item)
        started = time.perf_counter()
        followers = [w for w in self.written_with if w.wanted()]
        # One transaction per database, each tenant's posts written in its own scope.
        for database, by_tenant in by_database.items():
            with across_tenants(database):
                async with self._db.write() as conn:
                    for tenant_id, items in by_tenant.items():
                        await self._db.narrow(conn, tenant_id)
                        await write_posts(conn, tenant_id, items, self._fanout_inline_max)
                        for follower in followers:
                            await follower.write(conn, tenant_id, items)
        metrics.post_commit.observe(time.perf_counter() - started)
        for follower in followers:
            follower.committed()
        self.batches += 1
        self.posts += len(batch)


def _settle(done: asyncio.Future[None], error: Exception | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
