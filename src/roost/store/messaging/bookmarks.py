"""SQL for channel bookmarks (``channel_bookmarks``) and the files they pin.

A file bookmark's upload takes the bookmark's id in ``file_infos.post_id``, as a post's
files take the post's: channel members may then read it, the orphan sweep leaves it
alone and no post can take it too (Mattermost marks such files with the creator
"bookmark" for the same ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.bookmark import MAX_PER_CHANNEL, ChannelBookmark
from roost.store.files import files as file_store
from roost.store.tables import file_infos
from roost.store.tables_messaging import channel_bookmarks

b = channel_bookmarks.c
f = file_infos.c

_FIELDS = (
    "id",
    "channel_id",
    "owner_id",
    "display_name",
    "type",
    "create_at",
    "update_at",
    "delete_at",
    "file_id",
    "sort_order",
    "link_url",
    "image_url",
    "emoji",
    "original_id",
    "parent_id",
)


def _from_row(row: Any) -> ChannelBookmark:
    return ChannelBookmark(**{name: row[name] for name in _FIELDS})


def _row(tenant_id: str, bm: ChannelBookmark) -> dict[str, Any]:
    return {"tenant_id": tenant_id, **{name: getattr(bm, name) for name in _FIELDS}}


async def _with_files(
    conn: AsyncConnection, tenant_id: str, found: list[ChannelBookmark]
) -> list[ChannelBookmark]:
    ids = [bm.file_id for bm in found if bm.file_id]
    infos = await file_store.get_many(conn, tenant_id, ids) if ids else {}
    for bm in found:
        bm.file = infos.get(bm.file_id)
    return found


async def live_count(conn: AsyncConnection, tenant_id: str, channel_id: str) -> int:
    stmt = select(func.count()).where(
        b.tenant_id == tenant_id, b.channel_id == channel_id, b.delete_at == 0
    )
    return int((await conn.execute(stmt)).scalar_one())


async def next_sort_order(conn: AsyncConnection, tenant_id: str, channel_id: str) -> int:
    stmt = select(func.coalesce(func.max(b.sort_order), -1)).where(
        b.tenant_id == tenant_id, b.channel_id == channel_id, b.delete_at == 0
    )
    return int((await conn.execute(stmt)).scalar_one()) + 1


async def insert(conn: AsyncConnection, tenant_id: str, bm: ChannelBookmark) -> None:
    await conn.execute(channel_bookmarks.insert(), [_row(tenant_id, bm)])


async def get(
    conn: AsyncConnection, tenant_id: str, bookmark_id: str, include_deleted: bool = False
) -> ChannelBookmark | None:
    stmt = select(channel_bookmarks).where(b.tenant_id == tenant_id, b.id == bookmark_id)
    if not include_deleted:
        stmt = stmt.where(b.delete_at == 0)
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    return (await _with_files(conn, tenant_id, [_from_row(row)]))[0]


async def update_fields(conn: AsyncConnection, tenant_id: str, bm: ChannelBookmark) -> bool:
    """Saves what a patch may change; false when the bookmark is gone meanwhile."""
    result = await conn.execute(
        update(channel_bookmarks)
        .where(b.tenant_id == tenant_id, b.id == bm.id, b.delete_at == 0)
        .values(
            display_name=bm.display_name,
            sort_order=bm.sort_order,
            link_url=bm.link_url,
            image_url=bm.image_url,
            emoji=bm.emoji,
            file_id=bm.file_id,
            update_at=bm.update_at,
        )
    )
    return bool(result.rowcount)


async def mark_deleted(conn: AsyncConnection, tenant_id: str, bookmark_id: str, now: int) -> bool:
    result = await conn.execute(
        update(channel_bookmarks)
        .where(b.tenant_id == tenant_id, b.id == bookmark_id, b.delete_at == 0)
        .values(delete_at=now, update_at=now)
    )
    return bool(result.rowcount)


async def for_channel(
    conn: AsyncConnection, tenant_id: str, channel_id: str, since: int = 0
) -> list[ChannelBookmark]:
    """The channel's live bookmarks in order; with ``since``, every one changed or
    deleted since then (deleted ones included, so clients drop them)."""
    stmt = select(channel_bookmarks).where(b.tenant_id == tenant_id, b.channel_id == channel_id)
    if since > 0:
        stmt = stmt.where(or_(b.update_at >= since, b.delete_at >= since))
    else:
        stmt = stmt.where(b.delete_at == 0)
    # Twice the cap, as Mattermost: changes since a time include some deleted ones.
    stmt = stmt.order_by(b.sort_order, b.delete_at, b.id).limit(MAX_PER_CHANNEL * 2)
    found = [_from_row(r) for r in (await conn.execute(stmt)).mappings()]
    return await _with_files(conn, tenant_id, found)


async def set_sort_orders(
    conn: AsyncConnection, tenant_id: str, channel_id: str, ids: Sequence[str], now: int
) -> None:
    """Numbers the channel's live bookmarks 0.. in the order given, in one statement."""
    if not ids:
        return
    order = case({bookmark_id: index for index, bookmark_id in enumerate(ids)}, value=b.id)
    await conn.execute(
        update(channel_bookmarks)
        .where(
            b.tenant_id == tenant_id,
            b.channel_id == channel_id,
            b.delete_at == 0,
            b.id.in_(list(ids)),
        )
        .values(sort_order=order, update_at=now)
    )


async def take_file(
    conn: AsyncConnection,
    tenant_id: str,
    file_id: str,
    bookmark_id: str,
    channel_id: str,
    user_id: str,
    now: int,
) -> bool:
    """Gives an upload to a bookmark: only the uploader's own file, uploaded to this
    channel and not yet taken by a post or another bookmark."""
    result = await conn.execute(
        update(file_infos)
        .where(
            f.tenant_id == tenant_id,
            f.id == file_id,
            f.post_id == "",
            f.delete_at == 0,
            f.user_id == user_id,
            f.channel_id == channel_id,
        )
        .values(post_id=bookmark_id, update_at=now)
    )
    return bool(result.rowcount)
