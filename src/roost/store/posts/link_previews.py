"""SQL for link previews: metadata fetched per URL (``link_metadata``), and the preview
each post shows (``post_link_previews``: a fetched link, or a permalink's target post)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db import codec
from roost.store.db.dialect import upsert
from roost.store.tables_messaging import link_metadata, post_link_previews


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


@dataclass(slots=True, frozen=True)
class LinkMetadata:
    url: str
    fetched_at: int
    # opengraph | image | none
    kind: str
    data: dict[str, Any]


@dataclass(slots=True, frozen=True)
class PostPreview:
    post_id: str
    url: str
    # The permalink's post ('' for a link preview).
    target_id: str
    link: LinkMetadata | None


async def get_metadata(conn: AsyncConnection, tenant_id: str, url: str) -> LinkMetadata | None:
    m = link_metadata.c
    row = (
        (
            await conn.execute(
                select(link_metadata).where(m.tenant_id == tenant_id, m.url_hash == url_hash(url))
            )
        )
        .mappings()
        .first()
    )
    if row is None or row["url"] != url:
        return None
    return LinkMetadata(row["url"], row["fetched_at"], row["kind"], codec.load_dict(row["data"]))


async def save_metadata(conn: AsyncConnection, tenant_id: str, meta: LinkMetadata) -> None:
    row = {
        "tenant_id": tenant_id,
        "url_hash": url_hash(meta.url),
        "url": meta.url,
        "fetched_at": meta.fetched_at,
        "kind": meta.kind,
        "data": codec.dump(meta.data),
    }
    await upsert(
        conn, link_metadata, [row], ["tenant_id", "url_hash"], ["url", "fetched_at", "kind", "data"]
    )


async def set_post_preview(
    conn: AsyncConnection, tenant_id: str, post_id: str, url: str, target_id: str = ""
) -> None:
    row = {
        "tenant_id": tenant_id,
        "post_id": post_id,
        "url": url,
        "url_hash": "" if target_id else url_hash(url),
        "target_id": target_id,
    }
    await upsert(
        conn, post_link_previews, [row], ["tenant_id", "post_id"], ["url", "url_hash", "target_id"]
    )


async def clear_post_preview(conn: AsyncConnection, tenant_id: str, post_id: str) -> None:
    p = post_link_previews.c
    await conn.execute(
        delete(post_link_previews).where(p.tenant_id == tenant_id, p.post_id == post_id)
    )


async def for_posts(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]
) -> dict[str, PostPreview]:
    """The previews of these posts, each with its link's metadata (none for permalinks)."""
    if not post_ids:
        return {}
    p, m = post_link_previews.c, link_metadata.c
    stmt = (
        select(
            p.post_id,
            p.url,
            p.target_id,
            m.url.label("meta_url"),
            m.fetched_at,
            m.kind,
            m.data,
        )
        .select_from(
            post_link_previews.outerjoin(
                link_metadata, and_(m.tenant_id == p.tenant_id, m.url_hash == p.url_hash)
            )
        )
        .where(p.tenant_id == tenant_id, p.post_id.in_(list(post_ids)))
    )
    found: dict[str, PostPreview] = {}
    for row in (await conn.execute(stmt)).mappings():
        link = None
        if row["meta_url"] is not None and row["meta_url"] == row["url"]:
            link = LinkMetadata(
                row["url"], row["fetched_at"], row["kind"], codec.load_dict(row["data"])
            )
        found[row["post_id"]] = PostPreview(row["post_id"], row["url"], row["target_id"], link)
    return found
