"""SQL for uploaded files: their rows, attaching them to posts, and the orphan sweep.

The content itself is in the file store (``roost.filestore``); this module knows only
the rows. Reads return live files (``delete_at`` 0) unless they say otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.file import FileInfo
from roost.store.tables import file_infos, posts, tenants

c = file_infos.c


class NotAttachable(Exception):
    """Some of a post's files were not the poster's own unattached uploads in its channel
    by the time the post was written (another post took them, or the sweep did)."""

    def __init__(self, post_id: str, file_ids: Sequence[str]) -> None:
        super().__init__(f"files not attachable to post {post_id}: {', '.join(file_ids)}")
        self.post_id = post_id
        self.file_ids = list(file_ids)


@dataclass(slots=True, frozen=True)
class Attachment:
    """A new post and the files it takes."""

    post_id: str
    channel_id: str
    user_id: str
    file_ids: Sequence[str]
    at: int


def _info(row: RowMapping) -> FileInfo:
    return FileInfo(
        id=row["id"],
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        post_id=row["post_id"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        name=row["name"],
        extension=row["extension"],
        size=row["size"],
        mime_type=row["mime_type"],
        width=row["width"],
        height=row["height"],
        has_preview_image=bool(row["has_preview_image"]),
        has_thumbnail=bool(row["has_thumbnail"]),
        mini_preview=row["mini_preview"],
    )


def _row(tenant_id: str, info: FileInfo) -> dict[str, object]:
    return {
        "tenant_id": tenant_id,
        "id": info.id,
        "user_id": info.user_id,
        "channel_id": info.channel_id,
        "post_id": info.post_id,
        "create_at": info.create_at,
        "update_at": info.update_at,
        "delete_at": info.delete_at,
        "name": info.name,
        "extension": info.extension,
        "size": info.size,
        "mime_type": info.mime_type,
        "width": info.width,
        "height": info.height,
        "has_preview_image": info.has_preview_image,
        "has_thumbnail": info.has_thumbnail,
        "mini_preview": info.mini_preview,
    }


async def insert(conn: AsyncConnection, tenant_id: str, infos: Sequence[FileInfo]) -> None:
    if infos:
        await conn.execute(file_infos.insert(), [_row(tenant_id, i) for i in infos])


async def get(conn: AsyncConnection, tenant_id: str, file_id: str) -> FileInfo | None:
    stmt = select(file_infos).where(c.tenant_id == tenant_id, c.id == file_id, c.delete_at == 0)
    row = (await conn.execute(stmt)).mappings().first()
    return _info(row) if row else None


async def get_many(
    conn: AsyncConnection, tenant_id: str, file_ids: Sequence[str]
) -> dict[str, FileInfo]:
    if not file_ids:
        return {}
    stmt = select(file_infos).where(
        c.tenant_id == tenant_id, c.id.in_(list(file_ids)), c.delete_at == 0
    )
    return {i.id: i for i in map(_info, (await conn.execute(stmt)).mappings())}


async def for_posts(
    conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]
) -> dict[str, list[FileInfo]]:
    """The live files of each post, oldest first."""
    found: dict[str, list[FileInfo]] = {}
    if not post_ids:
        return found
    stmt = (
        select(file_infos)
        .where(c.tenant_id == tenant_id, c.post_id.in_(list(post_ids)), c.delete_at == 0)
        .order_by(c.post_id, c.create_at, c.id)
    )
    for row in (await conn.execute(stmt)).mappings():
        info = _info(row)
        found.setdefault(info.post_id, []).append(info)
    return found


async def attach(conn: AsyncConnection, tenant_id: str, attachments: Sequence[Attachment]) -> None:
    """Give each post its files, only where each file is still a live, unattached upload
    of the poster in the post's channel; otherwise raise NotAttachable (the caller's
    transaction then rolls back, post and all). The conditions are in the UPDATE itself,
    so two posts racing for one file cannot both take it."""
    for item in attachments:
        if not item.file_ids:
            continue
        result = await conn.execute(
            update(file_infos)
            .where(
                c.tenant_id == tenant_id,
                c.id.in_(list(item.file_ids)),
                c.post_id == "",
                c.delete_at == 0,
                c.user_id == item.user_id,
                c.channel_id == item.channel_id,
            )
            .values(post_id=item.post_id, update_at=item.at)
        )
        if result.rowcount != len(set(item.file_ids)):
            raise NotAttachable(item.post_id, item.file_ids)


async def delete_for_post(
    conn: AsyncConnection, tenant_id: str, post_id: str, now: int, with_replies: bool
) -> None:
    """Mark deleted the files of a deleted post (and of its replies, for a root)."""
    which = c.post_id == post_id
    if with_replies:
        replies = select(posts.c.id).where(
            posts.c.tenant_id == tenant_id, posts.c.root_id == post_id
        )
        which = or_(which, c.post_id.in_(replies))
    await conn.execute(
        update(file_infos)
        .where(c.tenant_id == tenant_id, which, c.post_id != "", c.delete_at == 0)
        .values(delete_at=now, update_at=now)
    )


# The orphan sweep.


async def tenant_ids(conn: AsyncConnection) -> list[str]:
    """Every tenant (the sweep visits each: every other query here names one)."""
    return [str(t) for t in (await conn.execute(select(tenants.c.id))).scalars()]


async def unattached_before(
    conn: AsyncConnection, tenant_id: str, cutoff: int, limit: int
) -> list[str]:
    """Uploads no post took, made before ``cutoff`` (including ones an earlier sweep
    marked but could not finish removing)."""
    stmt = (
        select(c.id)
        .where(c.tenant_id == tenant_id, c.post_id == "", c.create_at < cutoff)
        .order_by(c.create_at)
        .limit(limit)
    )
    return [str(i) for i in (await conn.execute(stmt)).scalars()]


async def mark_swept(
    conn: AsyncConnection, tenant_id: str, file_ids: Sequence[str], now: int
) -> list[str]:
    """Mark these uploads deleted if they are still unattached; returns those marked.
    Once marked, no post can take them (attach wants delete_at 0), so their content can
    be removed safely after this commits."""
    if not file_ids:
        return []
    stmt = (
        update(file_infos)
        .where(c.tenant_id == tenant_id, c.id.in_(list(file_ids)), c.post_id == "")
        .values(delete_at=now, update_at=now)
        .returning(c.id)
    )
    return [str(i) for i in (await conn.execute(stmt)).scalars()]


async def purge(conn: AsyncConnection, tenant_id: str, file_ids: Sequence[str]) -> None:
    """Forget swept uploads whose content is gone."""
    if file_ids:
        await conn.execute(
            delete(file_infos).where(
                c.tenant_id == tenant_id,
                c.id.in_(list(file_ids)),
                c.post_id == "",
                c.delete_at != 0,
            )
        )


@dataclass(slots=True)
class FileSearch:
    tenant_id: str
    channel_ids: Sequence[str]
    words: Sequence[str]
    is_or: bool = False
    extensions: Sequence[str] = ()
    user_ids: Sequence[str] = ()
    excluded_user_ids: Sequence[str] = ()
    after_ms: int = 0
    before_ms: int = 0
    offset: int = 0
    limit: int = 60


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_by_name(conn: AsyncConnection, search: FileSearch) -> list[FileInfo]:
    """Files posted in the given channels whose names hold the words, newest first.
    (Files are few next to posts; a name match needs no text index.)"""
    if not search.channel_ids:
        return []
    stmt = select(file_infos).where(
        c.tenant_id == search.tenant_id,
        c.channel_id.in_(list(search.channel_ids)),
        c.post_id != "",
        c.delete_at == 0,
    )
    matches = [
        func.lower(c.name).like(f"%{_escape_like(w.lower())}%", escape="\\") for w in search.words
    ]
    if matches:
        stmt = stmt.where(or_(*matches) if search.is_or else and_(*matches))
    if search.extensions:
        stmt = stmt.where(func.lower(c.extension).in_([e.lower() for e in search.extensions]))
    if search.user_ids:
        stmt = stmt.where(c.user_id.in_(list(search.user_ids)))
    if search.excluded_user_ids:
        stmt = stmt.where(c.user_id.not_in(list(search.excluded_user_ids)))
    if search.after_ms:
        stmt = stmt.where(c.create_at > search.after_ms)
    if search.before_ms:
        stmt = stmt.where(c.create_at < search.before_ms)
    stmt = stmt.order_by(c.create_at.desc(), c.id.desc()).offset(search.offset).limit(search.limit)
    return [_info(r) for r in (await conn.execute(stmt)).mappings()]
