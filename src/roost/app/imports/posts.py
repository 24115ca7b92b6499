"""Writing a batch of posts (``post`` and ``direct_post`` lines, each a root with its
replies, reactions, attachments and flags) in one transaction.

Ids come from natural keys (``keys.post_id``): the batch's ids already in the database
are skipped, so a re-run writes only what is missing. Posts go in as one bulk insert
(COPY on PostgreSQL); the channels' counters move once per batch; a root's reply
counters and participants are computed from its line; the people in a thread follow it
(collapsed reply threads) with nothing unread."""

from __future__ import annotations

import asyncio
import mimetypes
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from roost.app.imports.archive import Source
from roost.app.imports.catalog import Catalog
from roost.app.imports.keys import post_id, stable_id
from roost.app.imports.report import Report
from roost.app.posts.text import parse_hashtags
from roost.filestore import FileStore
from roost.filestore.keys import ORIGINAL, object_key
from roost.model.post import Post
from roost.store.db.database import Connection as AsyncConnection
from roost.store.imports import lookup, write
from roost.store.posts.posts import post_values
from roost.store.tables import posts as posts_table

Body = dict[str, Any]


@dataclass(slots=True)
class _Built:
    root: Post
    replies: list[Post]
    line: Body
    team_id: str


@dataclass(slots=True)
class _Counts:
    n: int = 0
    r: int = 0
    lp: int = 0
    lr: int = 0


@dataclass(slots=True)
class _Rows:
    posts: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    follows: list[dict[str, Any]] = field(default_factory=list)
    prefs: list[dict[str, Any]] = field(default_factory=list)
    recount: list[str] = field(default_factory=list)
    counts: dict[str, _Counts] = field(default_factory=lambda: defaultdict(_Counts))


class PostWriter:
    def __init__(self, catalog: Catalog, source: Source, files: FileStore, report: Report) -> None:
        self.catalog = catalog
        self.t = catalog.tenant_id
        self.source = source
        self.files = files
        self.report = report
        self.touched: set[str] = set()

    def _post(self, channel_id: str, root_id: str, b: Body) -> Post:
        user_id = self.catalog.users[b["user"]]
        pid = post_id(self.t, channel_id, root_id, user_id, b["create_at"], b["message"])
        return Post(
            id=pid,
            channel_id=channel_id,
            user_id=user_id,
            message=b["message"],
            create_at=b["create_at"],
            update_at=max(b["create_at"], b["edit_at"]),
            edit_at=b["edit_at"],
            is_pinned=b["is_pinned"],
            root_id=root_id,
            type=b["type"],
            props=b["props"],
            # Most messages have no tag: skip the word-by-word scan for them.
            hashtags=parse_hashtags(b["message"]) if "#" in b["message"] else "",
        )

    async def write(self, conn: AsyncConnection, bodies: list[Body], direct: bool) -> None:
        users = {
            u
            for b in bodies
            for m in (b, *b["replies"])
            for u in (m["user"], *(r["user"] for r in m["reactions"]), *m["flagged_by"])
        }
        await self.catalog.load_users(conn, users)
        if not direct:
            await self.catalog.load_channels(conn, [(b["team"], b["channel"]) for b in bodies])
        built = []
        for b in bodies:
            channel_id = (
                self.catalog.chat(b["channel_members"])
                if direct
                else self.catalog.channel(b["team"], b["channel"])
            )
            if channel_id is None:
                raise LookupError(f"no channel for the post at {b['create_at']}")
            root = self._post(channel_id, "", b)
            replies = [self._post(channel_id, root.id, r) for r in b["replies"]]
            built.append(_Built(root, replies, b, self.catalog.channel_team.get(channel_id, "")))
        every = [p.id for x in built for p in (x.root, *x.replies)]
        there = await lookup.existing_ids(conn, self.t, posts_table, every)
        already = len(there)
        rows = _Rows()
        for x in built:
            await self._one(x, there, rows)
        await write.insert_files(conn, rows.files)
        await write.insert_posts(conn, rows.posts)
        await write.recount_threads(conn, self.t, rows.recount)
        await write.insert_reactions(conn, rows.reactions)
        await write.insert_thread_memberships(conn, rows.follows)
        await write.upsert_preferences(conn, rows.prefs)
        await write.add_channel_counts(
            conn,
            self.t,
            [
                {"cid": cid, "n": c.n, "r": c.r, "lp": c.lp, "lr": c.lr}
                for cid, c in sorted(rows.counts.items())
            ],
        )
        self.touched.update(rows.counts)
        self.report.add("posts", sum(1 for p in rows.posts if not p["root_id"]))
        self.report.add("replies", sum(1 for p in rows.posts if p["root_id"]))
        self.report.add("reactions", len(rows.reactions))
        self.report.add("files", len(rows.files))
        self.report.add("posts_already_there", already)

    async def _one(self, x: _Built, there: set[str], rows: _Rows) -> None:
        root, replies = x.root, x.replies
        new_replies = [
            (p, m) for p, m in zip(replies, x.line["replies"], strict=True) if p.id not in there
        ]
        root_is_new = root.id not in there
        if not root_is_new:
            if new_replies:
                rows.recount.append(root.id)
        else:
            root.reply_count = len(replies)
            root.last_reply_at = max((p.create_at for p in replies), default=0)
            seen: dict[str, None] = {}
            for p in replies:
                seen.setdefault(p.user_id)
            root.participant_ids = list(seen)
        for post, body in ([(root, x.line)] if root_is_new else []) + new_replies:
            await self._attach(post, body, rows)
            for r in body["reactions"]:
                rows.reactions.append(
                    {
                        "tenant_id": self.t,
                        "post_id": post.id,
                        "user_id": self.catalog.users[r["user"]],
                        "emoji_name": r["emoji_name"],
                        "channel_id": post.channel_id,
                        "create_at": r["create_at"],
                        "update_at": r["create_at"],
                        "delete_at": 0,
                    }
                )
                post.has_reactions = True
            for name in body["flagged_by"]:
                rows.prefs.append(
                    {
                        "tenant_id": self.t,
                        "user_id": self.catalog.users[name],
                        "category": "flagged_post",
                        "name": post.id,
                        "value": "true",
                    }
                )
            rows.posts.append(post_values(self.t, post))
            there.add(post.id)  # a line repeated in the same batch is written once
            c = rows.counts[post.channel_id]
            c.n += 1
            c.lp = max(c.lp, post.create_at)
            if post.is_root:
                c.r += 1
                c.lr = max(c.lr, post.create_at)
        if root_is_new and replies:
            followers = dict.fromkeys([root.user_id, *root.participant_ids])
            for user_id in followers:
                rows.follows.append(
                    {
                        "tenant_id": self.t,
                        "post_id": root.id,
                        "user_id": user_id,
                        "channel_id": root.channel_id,
                        "team_id": x.team_id,
                        "following": True,
                        "last_viewed": root.last_reply_at,
                        "last_updated": root.last_reply_at,
                        "last_reply_at": root.last_reply_at,
                        "unread_replies": 0,
                        "unread_mentions": 0,
                        "thread_delete_at": 0,
                    }
                )

    async def _attach(self, post: Post, body: Body, rows: _Rows) -> None:
        for index, path in enumerate(body["attachments"]):
            file_id = stable_id("file", self.t, post.id, index)
            data = await asyncio.to_thread(self.source.read_attachment, path)
            name = PurePosixPath(path).name
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            await self.files.put_bytes(object_key(self.t, file_id, ORIGINAL), data, kind)
            rows.files.append(
                {
                    "tenant_id": self.t,
                    "id": file_id,
                    "user_id": post.user_id,
                    "channel_id": post.channel_id,
                    "post_id": post.id,
                    "create_at": post.create_at,
                    "update_at": post.create_at,
                    "delete_at": 0,
                    "name": name[:256],
                    "extension": PurePosixPath(name).suffix.lstrip(".").lower()[:256],
                    "size": len(data),
                    "mime_type": kind,
                    "width": 0,
                    "height": 0,
                    "has_preview_image": False,
                    "has_thumbnail": False,
                    "mini_preview": "",
                }
            )
            post.file_ids.append(file_id)
