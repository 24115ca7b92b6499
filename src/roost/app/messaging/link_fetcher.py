"""A URL's preview data, fetched once and cached per URL.

Lookups go memory (this node), then the ``link_metadata`` table (every node), then the
network. A fetch goes through the integrations' outbound client, so the outbound policy
holds: no private or internal address unless the tenant's allow-list names it, each
redirect checked again, a time limit over the whole fetch and a cap on the bytes read.
At most ``link_preview_concurrency`` fetches run at once per node (the ``link_preview``
admission limiter): beyond its wait budget a fetch is refused rather than queued.
Concurrent lookups of one URL share one fetch.

A failed or empty fetch is cached too (kind ``none``), so a URL that hangs or answers
gigabytes costs one bounded attempt per cache period, not one per post.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

from cachetools import TTLCache
from PIL import Image

from roost.app.integrations.outbound import OutboundError, OutboundHttp
from roost.app.kernel.admission import Limiter
from roost.app.kernel.images import DECODED_IMAGE_FORMATS
from roost.app.messaging import opengraph
from roost.clock import now_ms
from roost.config.messaging import MessagingSettings
from roost.store.db.database import Connection, Database
from roost.store.posts import link_previews as preview_store
from roost.store.posts.link_previews import LinkMetadata

log = logging.getLogger(__name__)

MEMORY_ENTRIES = 10_000
# Memory entries age out sooner than the table's, so other nodes' refetches are seen.
MEMORY_SECONDS_MAX = 300
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,image/*;q=0.8,*/*;q=0.1"
IMAGE_ACCEPT = "image/*"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class LinkFetcher:
    def __init__(
        self, db: Database, http: OutboundHttp, settings: MessagingSettings, limiter: Limiter
    ) -> None:
        self._db = db
        self._http = http
        self._settings = settings
        self.limiter = limiter
        ttl = max(1, min(settings.link_preview_cache_seconds, MEMORY_SECONDS_MAX))
        self._memory: TTLCache[tuple[str, str], LinkMetadata] = TTLCache(MEMORY_ENTRIES, ttl)
        self._inflight: dict[tuple[str, str], asyncio.Future[LinkMetadata]] = {}

    async def metadata(self, tenant_id: str, url: str) -> LinkMetadata:
        """The URL's preview data (kind ``none`` when there is nothing to show), cached
        or fetched (and then stored). Raises the busy error (503) when the node's
        preview fetches are at their limit."""
        async with self._db.read() as conn:
            found = await self.cached(conn, tenant_id, url)
        if found is not None:
            return found
        meta, mine = await self.fetched(tenant_id, url)
        if mine:
            async with self._db.write() as conn:
                await preview_store.save_metadata(conn, tenant_id, meta)
        return meta

    async def cached(self, conn: Connection, tenant_id: str, url: str) -> LinkMetadata | None:
        """This node's memory, then the table (only while fresh); None: not fetched."""
        key = (tenant_id, url)
        found = self._memory.get(key)
        if found is not None:
            return found
        stored = await preview_store.get_metadata(conn, tenant_id, url)
        max_age_ms = self._settings.link_preview_cache_seconds * 1000
        if stored is None or stored.fetched_at + max_age_ms <= now_ms():
            return None
        self._memory[key] = stored
        return stored

    async def fetched(self, tenant_id: str, url: str) -> tuple[LinkMetadata, bool]:
        """Fetch the URL now, once for all concurrent callers: (data, whether this
        caller fetched it, and so stores it with its own write)."""
        key = (tenant_id, url)
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running), False
        future: asyncio.Future[LinkMetadata] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            async with self.limiter.slot():
                meta = await self._fetch(url)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when unshared
            raise
        finally:
            self._inflight.pop(key, None)
        future.set_result(meta)
        self._memory[key] = meta
        return meta, True

    async def _fetch(self, url: str) -> LinkMetadata:
        s = self._settings
        try:
            page = await self._http.fetch_page(
                url,
                max_redirects=s.link_preview_max_redirects,
                max_bytes=s.link_preview_max_bytes,
                timeout_seconds=s.link_preview_timeout_seconds,
                accept=PAGE_ACCEPT,
            )
        except OutboundError as exc:
            log.info("no link preview: %s", exc)
            return LinkMetadata(url, now_ms(), "none", {})
        if not 200 <= page.status < 300:
            return LinkMetadata(url, now_ms(), "none", {})
        if page.content_type.startswith("image/"):
            info = image_size(page.body)
            if info is None:
                return LinkMetadata(url, now_ms(), "none", {})
            return LinkMetadata(url, now_ms(), "image", info)
        if page.content_type not in HTML_TYPES:
            return LinkMetadata(url, now_ms(), "none", {})
        charset = opengraph.charset_of(page.content_type_header)
        og = opengraph.parse(opengraph.decode(page.body, charset), page.url)
        if not og["title"] and not og["description"] and not og["images"]:
            return LinkMetadata(url, now_ms(), "none", {})
        await self._measure_first_image(og)
        return LinkMetadata(url, now_ms(), "opengraph", og)

    async def _measure_first_image(self, og: dict[str, Any]) -> None:
        """The first image's dimensions when the page did not give them (clients size
        the preview before loading it): read from the image itself, under the policy."""
        images = og.get("images") or []
        if not images or (images[0]["width"] and images[0]["height"]):
            return
        s = self._settings
        try:
            fetched = await self._http.fetch_page(
                images[0]["url"],
                max_redirects=s.link_preview_max_redirects,
                max_bytes=s.link_preview_max_bytes,
                timeout_seconds=s.link_preview_timeout_seconds,
                accept=IMAGE_ACCEPT,
            )
        except OutboundError as exc:
            log.info("link preview image not measured: %s", exc)
            return
        info = image_size(fetched.body) if 200 <= fetched.status < 300 else None
        if info is not None:
            images[0]["width"], images[0]["height"] = info["width"], info["height"]
            images[0]["type"] = images[0]["type"] or f"image/{info['format']}"


def image_size(body: bytes) -> dict[str, Any] | None:
    """Width, height, format and frame count from an image's header (not decoded), for
    the formats Roost lets Pillow read; None for anything else."""
    try:
        with Image.open(io.BytesIO(body), formats=DECODED_IMAGE_FORMATS) as image:
            width, height = image.size
            frames = int(getattr(image, "n_frames", 1)) if image.format == "GIF" else 0
            fmt = (image.format or "").lower()
    except Exception:  # any unreadable or hostile image: no preview
        return None
    if width <= 0 or height <= 0:
        return None
    return {"width": width, "height": height, "format": fmt, "frame_count": frames}
