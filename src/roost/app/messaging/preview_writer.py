"""Group commit for link previews, as the post writer does for posts.

Previews found while a transaction is being written wait and go together into the next
one (per tenant): a fetched page's data, the post's preview row, the post's
``update_at``, and the posts read back, decorated, for their ``post_edited`` events.
Under load one transaction carries many previews; idle, a preview is written at once.
A batch that fails is retried one by one, so one bad preview never loses the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass

from roost.app.channels.channels import Channels
from roost.app.posts.events import post_event
from roost.app.posts.lists import decorate
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.event import Event
from roost.model.events import POST_EDITED
from roost.store.db.database import Database
from roost.store.posts import link_previews as preview_store
from roost.store.posts import posts as post_store
from roost.store.posts.link_previews import LinkMetadata
from roost.tenancy.scope import tenant_scope

log = logging.getLogger(__name__)

MAX_BATCH = 200


@dataclass(slots=True, frozen=True)
class PreviewWrite:
    tenant_id: str
    # The post to show the preview on ('' : only the fetched data is stored).
    post_id: str
    url: str
    # A fresh fetch's data to store (None: it was cached already).
    fetched: LinkMetadata | None


class PreviewWriter:
    def __init__(self, db: Database, bus: Bus, channels: Channels) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        self._waiting: list[PreviewWrite] = []
        self._drainer: asyncio.Task[None] | None = None

    def add(self, item: PreviewWrite) -> None:
        self._waiting.append(item)
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())

    async def drain(self) -> None:
        """Wait until everything added so far is written (shutdown, tests)."""
        while self._drainer is not None and not self._drainer.done():
            await asyncio.shield(self._drainer)

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[:MAX_BATCH]
            del self._waiting[:MAX_BATCH]
            by_tenant: dict[str, list[PreviewWrite]] = defaultdict(list)
            for item in batch:
                by_tenant[item.tenant_id].append(item)
            for tenant_id, items in by_tenant.items():
                try:
                    await self._write(tenant_id, items)
                except Exception:
                    if len(items) == 1:
                        log.exception("link preview not recorded")
                        continue
                    for item in items:
                        try:
                            await self._write(tenant_id, [item])
                        except Exception:
                            log.exception("link preview not recorded")

    async def _write(self, tenant_id: str, items: list[PreviewWrite]) -> None:
        now = now_ms()
        with tenant_scope(tenant_id):
            async with self._db.write() as conn:
                for item in items:
                    if item.fetched is not None:
                        await preview_store.save_metadata(conn, tenant_id, item.fetched)
                shown = [i for i in items if i.post_id]
                for item in shown:
                    await preview_store.set_post_preview(conn, tenant_id, item.post_id, item.url)
                    await post_store.touch_post(conn, tenant_id, item.post_id, now)
                posts = await post_store.get_posts(conn, tenant_id, [i.post_id for i in shown])
                await decorate(conn, tenant_id, posts, None)
            events: list[Event] = [
                await post_event(self._channels, tenant_id, POST_EDITED, post) for post in posts
            ]
        for event in events:
            await self._bus.publish([event])
            await asyncio.sleep(0)  # many events: let requests run in between
