"""Collapsed reply threads: a user's thread list and totals, read marks, following.

Replies move followers' counters inside the post write (``store/thread_fanout``); this
service reads those stored counters and handles what a user does to their threads. The
events it sends go to that user only; ``thread_events`` builds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.app.accounts.users import Users
from roost.app.channels import post_access
from roost.app.channels.channels import Channels, team_membership
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.mentions import Mentions, mentions_user, user_mention_keys
from roost.app.posts.thread_events import (
    follow_changed_event,
    participants_of,
    read_changed_event,
    team_read_event,
)
from roost.app.posts.thread_fanout import FanoutWorker
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.channel import DIRECT
from roost.model.post import Post
from roost.model.thread import ThreadMembership, thread_response
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import access as access_store
from roost.store.posts import posts as post_store
from roost.store.posts import threads as thread_store
from roost.store.posts.threads import ListOptions, ThreadTotals

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 30
# Marking a point in a thread re-reads the replies after it to count what is unread
# again; a thread longer than this is counted up to this many replies.
MAX_RECOUNT = 10_000


@dataclass(slots=True)
class ThreadListQuery:
    per_page: int = DEFAULT_PER_PAGE
    page: int = 0
    before: str = ""
    after: str = ""
    since: int = 0
    extended: bool = False
    deleted: bool = False
    unread: bool = False
    totals_only: bool = False
    threads_only: bool = False


def thread_not_found() -> errors.AppError:
    return errors.not_found("thread", "app.thread.get_thread_membership_for_user.not_found")


class Threads:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        users: Users,
        channels: Channels,
        mentions: Mentions,
        fanout: FanoutWorker,
    ) -> None:
        self._db = db
        self._fanout = fanout
        self._bus = bus
        self._users = users
        self._channels = channels
        self._mentions = mentions

    # Checks.

    @staticmethod
    def _check_self(actor: Actor, user_id: str) -> None:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()

    async def _check_team(self, conn: AsyncConnection, actor: Actor, team_id: str) -> None:
        if actor.is_system_admin:
            return
        if await team_membership(conn, actor, team_id) is None:
            raise errors.forbidden()

    async def _load_root(self, conn: AsyncConnection, actor: Actor, root_id: str) -> Post:
        """The thread's root, if the caller may read its channel."""
        root = await post_store.get_post(conn, actor.tenant_id, root_id, include_deleted=True)
        if root is None or not root.is_root:
            raise post_access.post_not_found()
        access = await post_access.load(conn, actor, root.channel_id)
        post_access.check_read(actor, access)
        return root

    # Reads.

    async def user_threads(
        self, actor: Actor, user_id: str, team_id: str, query: ThreadListQuery
    ) -> dict[str, Any]:
        self._check_self(actor, user_id)
        if not 0 < query.per_page <= MAX_PER_PAGE:
            raise errors.invalid_param("per_page")
        if query.page < 0:
            raise errors.invalid_param("page")
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            await self._check_team(conn, actor, team_id)
            counts = ThreadTotals()
            if not query.threads_only:
                counts = await thread_store.totals(conn, tenant, user_id, team_id, query.deleted)
            memberships: list[ThreadMembership] = []
            if not query.totals_only:
                opts = ListOptions(
                    per_page=query.per_page,
                    offset=query.page * query.per_page,
                    since=query.since,
                    unread_only=query.unread,
                    include_deleted=query.deleted,
                )
                if query.before:
                    opts.before = await self._cursor(conn, tenant, user_id, query.before)
                if query.after:
                    opts.after = await self._cursor(conn, tenant, user_id, query.after)
                memberships = await thread_store.list_memberships(
                    conn, tenant, user_id, team_id, opts
                )
            roots = await post_store.get_posts(
                conn, tenant, [m.post_id for m in memberships], include_deleted=True
            )
        threads = await self._responses(actor, memberships, roots, query.extended)
        return {
            "total": counts.total,
            "total_unread_threads": counts.unread_threads,
            "total_unread_mentions": counts.unread_mentions,
            "total_unread_urgent_mentions": 0,
            "threads": threads,
        }

    async def _cursor(
        self, conn: AsyncConnection, tenant_id: str, user_id: str, root_id: str
    ) -> tuple[int, str]:
        membership = await thread_store.get_membership(conn, tenant_id, root_id, user_id)
        if membership is not None:
            return membership.last_reply_at, root_id
        root = await post_store.get_post(conn, tenant_id, root_id, include_deleted=True)
        if root is None:
            raise errors.invalid_param("before/after")
        return root.last_reply_at, root_id

    async def _responses(
        self,
        actor: Actor,
        memberships: list[ThreadMembership],
        roots: list[Post],
        extended: bool,
    ) -> list[dict[str, Any]]:
        by_id = {root.id: root for root in roots}
        people: dict[str, dict[str, Any]] = {}
        if extended:
            wanted = {u for root in roots for u in root.participant_ids}
            found = await self._users.get_many(actor.tenant_id, sorted(wanted))
            people = {u.id: self._users.profile(actor, u) for u in found}
        out = []
        for membership in memberships:
            root = by_id.get(membership.post_id)
            if root is None:
                continue
            out.append(thread_response(root, membership, participants_of(root, people)))
        return out

    async def get(
        self, actor: Actor, user_id: str, team_id: str, root_id: str, extended: bool
    ) -> dict[str, Any]:
        self._check_self(actor, user_id)
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            await self._check_team(conn, actor, team_id)
            root = await self._load_root(conn, actor, root_id)
            membership = await thread_store.get_membership(conn, tenant, root_id, user_id)
        if membership is None or not membership.following:
            raise thread_not_found()
        return (await self._responses(actor, [membership], [root], extended))[0]

    async def mention_counts(self, actor: Actor, user_id: str, team_id: str) -> dict[str, int]:
        """Unread mentions in followed threads, per channel (``.../threads/mention_counts``)."""
        self._check_self(actor, user_id)
        async with self._db.read() as conn:
            await self._check_team(conn, actor, team_id)
            return await thread_store.mentions_per_channel(conn, actor.tenant_id, user_id, team_id)

    async def team_unreads(
        self, tenant_id: str, user_id: str, team_ids: list[str]
    ) -> dict[str, tuple[int, int]]:
        async with self._db.read() as conn:
            return await thread_store.team_unreads(conn, tenant_id, user_id, team_ids)

    # Changes.

    async def do_mark_all_read(self, actor: Actor, user_id: str, team_id: str) -> None:
        self._check_self(actor, user_id)
        now = now_ms()
        async with self._db.write() as conn:
            await self._check_team(conn, actor, team_id)
            await thread_store.mark_all_read(conn, actor.tenant_id, user_id, team_id, now)
        await self._bus.publish([team_read_event(actor.tenant_id, user_id, team_id, now)])

    async def do_mark_read(
        self, actor: Actor, user_id: str, team_id: str, root_id: str, timestamp: int
    ) -> dict[str, Any]:
        """Read up to ``timestamp``: replies after it become unread again."""
        if timestamp < 0:
            raise errors.invalid_param("timestamp")
        return await self._set_read_point(actor, user_id, team_id, root_id, timestamp)

    async def do_set_unread(
        self, actor: Actor, user_id: str, team_id: str, root_id: str, post_id: str
    ) -> dict[str, Any]:
        """Unread from ``post_id`` on (a reply in the thread, or its root)."""
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
        if post is None or post.thread_id != root_id:
            raise errors.invalid_param("post_id")
        return await self._set_read_point(actor, user_id, team_id, root_id, post.create_at - 1)

    async def _set_read_point(
        self, actor: Actor, user_id: str, team_id: str, root_id: str, seen: int
    ) -> dict[str, Any]:
        self._check_self(actor, user_id)
        tenant, now = actor.tenant_id, now_ms()
        async with self._db.write() as conn:
            await self._check_team(conn, actor, team_id)
            root = await self._load_root(conn, actor, root_id)
            # With the root locked no reply to it commits meanwhile; its waiting jobs are
            # applied first, so the recount below and a job never count a reply twice.
            await thread_store.lock_thread(conn, tenant, root_id)
            flushed = await self._fanout.flush(conn, tenant, root_id)
            later = await thread_store.replies_after(conn, tenant, root_id, seen, MAX_RECOUNT)
            unread = [r for r in later if r.user_id != user_id]
            mentions = 0
            if unread:
                counter = await self._mention_counter(conn, actor, root, user_id)
                mentions = sum(1 for r in unread if counter(r.user_id, r.message))
            before = await thread_store.get_membership(conn, tenant, root_id, user_id)
            membership = before or self._new_membership(root, team_id, user_id, following=False)
            previous = (membership.unread_replies, membership.unread_mentions)
            membership.last_viewed = seen
            membership.unread_replies = len(unread)
            membership.unread_mentions = mentions
            membership.last_updated = now
            membership.last_reply_at = root.last_reply_at
            await thread_store.save_membership(conn, tenant, membership)
        await self._bus.publish(
            [*flushed, read_changed_event(tenant, membership, root.channel_id, previous, seen)]
        )
        return (await self._responses(actor, [membership], [root], False))[0]

    async def _mention_counter(
        self, conn: AsyncConnection, actor: Actor, root: Post, user_id: str
    ) -> Any:
        """A test of whether a reply (author, text) mentions ``user_id``."""
        user = await self._users.get(actor.tenant_id, user_id)
        access = await access_store.channel_access(conn, actor.tenant_id, root.channel_id, user_id)
        is_direct = access is not None and access.channel.type == DIRECT
        index = await self._mentions.index(actor.tenant_id, root.channel_id, conn)
        wide = user_id in index.channel_wide
        keys = user_mention_keys(user.first_name, user.notify_props)

        def counts(author: str, message: str) -> bool:
            if author == user_id:
                return False
            return is_direct or mentions_user(message, user.username, keys, wide)

        return counts

    @staticmethod
    def _new_membership(
        root: Post, team_id: str, user_id: str, following: bool
    ) -> ThreadMembership:
        return ThreadMembership(
            post_id=root.id,
            user_id=user_id,
            channel_id=root.channel_id,
            team_id=team_id,
            following=following,
            last_reply_at=root.last_reply_at,
        )

    async def do_follow(
        self, actor: Actor, user_id: str, team_id: str, root_id: str, follow: bool
    ) -> None:
        self._check_self(actor, user_id)
        tenant, now = actor.tenant_id, now_ms()
        async with self._db.read() as conn:
            await self._check_team(conn, actor, team_id)
            root = await self._load_root(conn, actor, root_id)
            channel = await self._channels.meta(tenant, root.channel_id)
        thread_team = channel.team_id if channel is not None else team_id
        async with self._db.write() as conn:
            membership = await thread_store.get_membership(conn, tenant, root_id, user_id)
            if membership is None:
                # Following from the thread view: what is there now counts as read.
                membership = self._new_membership(root, thread_team, user_id, follow)
                membership.last_viewed = now
            elif membership.following == follow:
                return
            membership.following = follow
            membership.last_updated = now
            await thread_store.save_membership(conn, tenant, membership)
        await self._bus.publish([follow_changed_event(tenant, user_id, thread_team, root, follow)])
