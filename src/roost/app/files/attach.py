"""Which uploads a new post may take, and a post's files in the order it lists them.

A post takes only its author's own uploads, made in the post's channel and not yet
taken by another post. Checked here when the post is made (a clear 400 naming the
files), and again by the UPDATE that attaches them in the post's own transaction
(``store.files.attach``), so two posts racing for one upload cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence

from roost.app.files.errors import not_attachable
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.file import FileInfo
from roost.store.db.database import Connection as AsyncConnection
from roost.store.files import files as file_store


async def attachable(
    conn: AsyncConnection, actor: Actor, channel_id: str, file_ids: Sequence[str]
) -> list[FileInfo]:
    """The files a new post in ``channel_id`` would take, in its order; raises 400
    naming any it may not."""
    if len(set(file_ids)) != len(file_ids):
        raise errors.invalid_body_param("file_ids", "a file may be listed once")
    found = await file_store.get_many(conn, actor.tenant_id, file_ids)
    bad = [
        f
        for f in file_ids
        if (info := found.get(f)) is None
        or info.post_id
        or info.user_id != actor.user_id
        or info.channel_id != channel_id
    ]
    if bad:
        raise not_attachable(bad)
    return [found[f] for f in file_ids]


def in_post_order(files: Sequence[FileInfo], file_ids: Sequence[str]) -> list[FileInfo]:
    """A post's files in the order of its file_ids (clients show them so)."""
    rank = {f: i for i, f in enumerate(file_ids)}
    return sorted(files, key=lambda f: rank.get(f.id, len(rank)))
