"""Writing many new posts in one transaction: the statements group commit runs.

Every counter a batch moves is aggregated first, so a channel row, a root post and a
member row is updated once per batch however many of the batch's posts touch it. Rows
are updated in sorted key order so concurrent batches on other nodes cannot deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, String, bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.post import Post
from roost.store.files import files as file_store
from roost.store.files.files import Attachment
from roost.store.posts.posts import later, post_values
from roost.store.posts.thread_fanout import ThreadFanout, record_replies
from roost.store.tables import channel_members, channels, posts


@dataclass(slots=True)
class NewPost:
    post: Post
    # The poster, when a channel member: they have read up to their own post.
    reader: str = ""
    # Members whose mention counters this post moves.
    mentioned: Sequence[str] = field(default_factory=tuple)
    # For replies: the channel's team ("" for direct and group channels), the root's
    # author if still a member, and who starts following (mentioned by name or key).
    team_id: str = ""
    root_author: str = ""
    follow: Sequence[str] = field(default_factory=tuple)
    # Filled by the write: the thread after this batch (shared by the batch's replies
    # to one root; ``announces_thread`` marks the one that sends the thread events).
    fanout: ThreadFanout | None = None
    announces_thread: bool = False
    # What the rows written in the same transaction need (``app/posts/written_with.py``).
    extras: dict[str, str] = field(default_factory=dict)
    # False for the join/leave system posts Mattermost keeps out of a channel's message
    # totals (so out of everyone's unread counts); they still move its last-post times.
    counted: bool = True

    @property
    def root_id(self) -> str:
        return self.post.root_id

    @property
    def author(self) -> str:
        return self.post.user_id

    @property
    def create_at(self) -> int:
        return self.post.create_at

    @property
    def channel_id(self) -> str:
        return self.post.channel_id

    @property
    def is_member(self) -> bool:
        return bool(self.reader)


def _p(name: str) -> object:
    return bindparam(name, type_=String)


def _n(name: str) -> object:
    return bindparam(name, type_=BigInteger)


ch, m = channels.c, channel_members.c

_INSERT = posts.insert()

_COUNT_CHANNEL = (
    update(channels)
    .where(ch.tenant_id == _p("b_tenant"), ch.id == _p("b_channel"))
    .values(
        total_msg_count=ch.total_msg_count + _n("b_n"),
        total_msg_count_root=ch.total_msg_count_root + _n("b_roots"),
        last_post_at=later(ch.last_post_at, _n("b_at")),
        last_root_post_at=later(ch.last_root_post_at, _n("b_root_at")),
    )
    .returning(ch.total_msg_count, ch.total_msg_count_root)
)

_ADD_MENTIONS = (
    update(channel_members)
    .where(
        m.tenant_id == _p("b_tenant"), m.channel_id == _p("b_channel"), m.user_id == _p("b_user")
    )
    .values(
        mention_count=m.mention_count + _n("b_n"),
        mention_count_root=m.mention_count_root + _n("b_roots"),
    )
)

_MARK_READ = (
    update(channel_members)
    .where(
        m.tenant_id == _p("b_tenant"), m.channel_id == _p("b_channel"), m.user_id == _p("b_user")
    )
    .values(
        last_viewed_at=later(m.last_viewed_at, _n("b_at")),
        msg_count=_n("b_count"),
        msg_count_root=_n("b_count_root"),
        mention_count=0,
        mention_count_root=0,
        urgent_mention_count=0,
        last_update_at=_n("b_at"),
    )
)


async def write_posts(
    conn: AsyncConnection, tenant_id: str, batch: Sequence[NewPost], fanout_inline_max: int
) -> None:
    """Insert the posts (in order) and move every counter they touch."""
    if not batch:
        return
    await conn.execute(_INSERT, [post_values(tenant_id, item.post) for item in batch])
    # Each post takes its uploads in the same transaction (or the batch fails, and the
    # writer retries its posts one by one, so only the post whose files were taken fails).
    await file_store.attach(
        conn,
        tenant_id,
        [
            Attachment(
                i.post.id, i.post.channel_id, i.post.user_id, i.post.file_ids, i.post.update_at
            )
            for i in batch
            if i.post.file_ids
        ],
    )

    # Channels: totals and last-post times, and the totals each poster has now read.
    per_channel: dict[str, list[NewPost]] = defaultdict(list)
    for item in batch:
        per_channel[item.post.channel_id].append(item)
    reads = []
    for channel_id in sorted(per_channel):
        items = per_channel[channel_id]
        root_times = [i.post.create_at for i in items if i.post.is_root]
        counted = sum(i.counted for i in items)
        counted_roots = sum(i.counted and i.post.is_root for i in items)
        row = (
            await conn.execute(
                _COUNT_CHANNEL,
                {
                    "b_tenant": tenant_id,
                    "b_channel": channel_id,
                    "b_n": counted,
                    "b_roots": counted_roots,
                    "b_at": max(i.post.create_at for i in items),
                    "b_root_at": max(root_times, default=0),
                },
            )
        ).first()
        if row is None:
            continue
        total, total_root = int(row[0]) - counted, int(row[1]) - counted_roots
        read_upto: dict[str, tuple[int, int, int]] = {}
        for item in items:
            total += item.counted
            total_root += item.counted and item.post.is_root
            if item.reader:
                read_upto[item.reader] = (total, total_root, item.post.update_at)
        for user_id in sorted(read_upto):
            count, count_root, at = read_upto[user_id]
            reads.append(
                {
                    "b_tenant": tenant_id,
                    "b_channel": channel_id,
                    "b_user": user_id,
                    "b_count": count,
                    "b_count_root": count_root,
                    "b_at": at,
                }
            )

    # Threads: stored reply counters (never a COUNT(*) on read) and followers' unreads.
    replies = [item for item in batch if item.post.root_id]
    if replies:
        fanouts = await record_replies(conn, tenant_id, replies, fanout_inline_max)
        for item in replies:
            item.fanout = fanouts.get(item.post.root_id)
        announced: set[str] = set()
        for item in reversed(replies):
            if item.post.root_id not in announced:
                announced.add(item.post.root_id)
                item.announces_thread = True

    # Mentions first, then the posters' read marks, which clear their own counters.
    mentions: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for item in batch:
        for user_id in item.mentioned:
            counts = mentions[(item.post.channel_id, user_id)]
            counts[0] += 1
            counts[1] += item.post.is_root
    if mentions:
        await conn.execute(
            _ADD_MENTIONS,
            [
                {"b_tenant": tenant_id, "b_channel": c, "b_user": u, "b_n": n, "b_roots": r}
                for (c, u), (n, r) in sorted(mentions.items())
            ],
        )
    if reads:
        await conn.execute(_MARK_READ, reads)
