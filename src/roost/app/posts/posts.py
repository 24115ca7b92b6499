"""Posts: creating, editing, pinning and deleting them, and ephemeral posts.

Creating a post is the hot path (a benchmark target of 1,000 posts/s): the member list
from the channels service's cache; reads in one connection (channel and access in one
query, the root of a reply, mentioned users only when the text has an @); then the
write goes to the group-commit writer (``post_writer``), which puts every post waiting
at that moment into one transaction; then one event per post.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from cachetools import TTLCache

from roost.app.accounts.statuses import Statuses
from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.files import attach as file_attach
from roost.app.files.errors import not_attachable
from roost.app.kernel import errors, validation
from roost.app.kernel.context import Actor
from roost.app.posts import priority
from roost.app.posts.errors import (
    channel_archived,
    invalid_post_type,
    invalid_root_id,
    message_too_long,
    root_in_other_channel,
    update_system_message,
)
from roost.app.posts.events import post_event
from roost.app.posts.hooks import PostHooks
from roost.app.posts.lists import decorate
from roost.app.posts.mentions import Mentioned, Mentions
from roost.app.posts.text import parse_hashtags
from roost.app.posts.thread_events import thread_updated_events
from roost.app.posts.thread_fanout import FanoutWorker, publish_in_slices
from roost.app.posts.writer import PostWriter
from roost.app.posts.written_with import WrittenWithPosts
from roost.app.tenants.usage import TenantUsage
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import PostSettings
from roost.ids import is_valid_id, new_id
from roost.model.channel import DIRECT, Channel
from roost.model.event import Broadcast, Event
from roost.model.events import EPHEMERAL_MESSAGE, POST_DELETED, POST_EDITED, POSTED
from roost.model.file import FileInfo
from roost.model.post import (
    CLIENT_TYPES,
    CUSTOM_TYPE_PREFIX,
    EPHEMERAL_TYPE,
    SYSTEM_TYPE_PREFIX,
    Post,
)
from roost.store.db.database import Database
from roost.store.files import files as file_store
from roost.store.files.files import NotAttachable
from roost.store.posts import access as access_store
from roost.store.posts import posts as post_store
from roost.store.posts import threads as thread_store
from roost.store.posts.access import ChannelAccess
from roost.store.posts.batches import NewPost

log = logging.getLogger(__name__)

MAX_FILE_IDS = 10
PENDING_POST_ID_MAX = 128
# Above this many, a post's job carries whom an @channel misses, not whom it reaches.
MENTIONS_LISTED = 200
PROPS_MAX_CHARS = 800_000
# Props only the server sets; a client sending them is ignored.
SERVER_PROPS = frozenset({"from_bot", "from_webhook", "from_plugin", "from_oauth_app", "deleteBy"})
# A retried create with the same pending_post_id returns the first post (as Mattermost).
PENDING_TTL_SECONDS = 30.0
PENDING_CACHE_SIZE = 50_000
# Marking a poster online is skipped if done this recently (saves a status read per post).
ONLINE_MARK_SECONDS = 30.0
ONLINE_CACHE_SIZE = 100_000


@dataclass(slots=True)
class PostDraft:
    channel_id: str
    message: str = ""
    root_id: str = ""
    file_ids: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    type: str = ""
    pending_post_id: str = ""
    create_at: int = 0
    # The server's own (never from a request body): a post id fixed in advance, so a
    # scheduled send retried after a node stopped writes the same post at most once;
    # a server post type (a reminder) the client types exclude.
    post_id: str = ""
    server_type: str = ""
    # metadata.priority as the client sent it (roost.app.posts.priority checks it).
    priority: dict[str, Any] | None = None


@dataclass(slots=True)
class PostPatch:
    """Fields to change; None leaves a field as it is."""

    message: str | None = None
    is_pinned: bool | None = None
    file_ids: list[str] | None = None
    props: dict[str, Any] | None = None


class Posts:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        settings: PostSettings,
        statuses: Statuses,
        channels: Channels,
        mentions: Mentions,
        fanout: FanoutWorker,
        hooks: PostHooks | None = None,
        usage: TenantUsage | None = None,
    ) -> None:
        self._db = db
        # Tenants' posts-per-day quota and counts (memory only on this path).
        self._usage = usage
        self.hooks = hooks or PostHooks()
        self._mentions = mentions
        self._fanout = fanout
        self._writer = PostWriter(db, fanout_inline_max=settings.thread_fanout_inline_max)
        self._bus = bus
        self._statuses = statuses
        self._channels = channels
        # Read on each check: an admin may change it at run time (the config API).
        self._settings = settings
        self._pending: TTLCache[tuple[str, str, str], str] = TTLCache(
            PENDING_CACHE_SIZE, PENDING_TTL_SECONDS
        )
        self._online: TTLCache[tuple[str, str], bool] = TTLCache(
            ONLINE_CACHE_SIZE, ONLINE_MARK_SECONDS
        )
        self._announcing: set[asyncio.Task[None]] = set()

    # Checks.

    def check_message(self, message: str) -> None:
        if len(message) > self._settings.max_post_size:
            raise message_too_long()
        if validation.NUL in message:
            raise errors.invalid_body_param("message", "text may not hold NUL characters")

    def check_file_ids(self, file_ids: list[str]) -> None:
        if len(file_ids) > MAX_FILE_IDS or not all(is_valid_id(f) for f in file_ids):
            raise errors.invalid_body_param("file_ids")

    def check_props(self, props: dict[str, Any]) -> None:
        # Integrations' answers (commands, actions, outgoing webhooks) reach here
        # without passing the request-body check.
        problem = validation.json_problem(props)
        if problem is not None:
            raise errors.invalid_body_param("props", problem)
        if len(orjson.dumps(props)) > PROPS_MAX_CHARS:
            raise errors.invalid_body_param("props")

    def check_not_empty(self, message: str, file_ids: list[str], props: dict[str, Any]) -> None:
        # Bots post attachments with no text; anything else needs text or files.
        if not message.strip() and not file_ids and not props.get("attachments"):
            raise errors.invalid_body_param("message", "a post needs a message or files")

    def check_draft(self, draft: PostDraft) -> None:
        if not is_valid_id(draft.channel_id):
            raise errors.invalid_body_param("channel_id")
        if draft.root_id and not is_valid_id(draft.root_id):
            raise errors.invalid_body_param("root_id")
        if draft.type.startswith(SYSTEM_TYPE_PREFIX):
            raise errors.invalid_param("post.type")
        if draft.type not in CLIENT_TYPES and not draft.type.startswith(CUSTOM_TYPE_PREFIX):
            raise invalid_post_type(draft.type)
        if len(draft.pending_post_id) > PENDING_POST_ID_MAX:
            raise errors.invalid_body_param("pending_post_id")
        self.check_message(draft.message)
        self.check_file_ids(draft.file_ids)
        self.check_props(draft.props)
        self.check_not_empty(draft.message, draft.file_ids, draft.props)

    # Creating.

    async def do_create_post(
        self,
        actor: Actor,
        draft: PostDraft,
        set_online: bool = True,
        server_props: dict[str, Any] | None = None,
    ) -> Post:
        """``server_props`` are the server's own (``from_webhook``, overrides), set by
        integrations; clients' copies of them are dropped."""
        self.check_draft(draft)
        wanted_priority = priority.parse(draft.priority, draft.root_id)
        if self._usage is not None:
            self._usage.check_post(actor.tenant_id)
        pending_key = (actor.tenant_id, actor.user_id, draft.pending_post_id)
        if draft.pending_post_id and pending_key in self._pending:
            existing = await self._existing(actor, self._pending[pending_key])
            if existing is not None:
                existing.pending_post_id = draft.pending_post_id
                return existing

        members = await self._channels.member_ids(actor.tenant_id, draft.channel_id)
        access = await self._member_access(actor, draft.channel_id, members)
        root: Post | None = None
        files: list[FileInfo] = []
        plain = not draft.root_id and "@" not in draft.message and not draft.file_ids
        if access is not None and plain:
            # A member's plain root post: everything needed is cached, no query at all.
            access = await self._check_postable(actor, access)
            mentioned = await self._find_mentions(None, actor, access, members, draft.message)
        else:
            async with self._db.read() as conn:
                if access is None:
                    access = await access_store.channel_access(
                        conn, actor.tenant_id, draft.channel_id, actor.user_id
                    )
                access = await self._check_postable(actor, access, conn)
                root = await self._check_root(conn, actor, draft) if draft.root_id else None
                if draft.file_ids:
                    files = await file_attach.attachable(
                        conn, actor, draft.channel_id, draft.file_ids
                    )
                access, channel_wide = await self._may_mention_channel(
                    actor, access, draft.message, conn
                )
                mentioned = await self._find_mentions(
                    conn, actor, access, members, draft.message, channel_wide
                )

        now = now_ms()
        create_at = draft.create_at if draft.create_at > 0 and actor.is_system_admin else now
        props = {k: v for k, v in draft.props.items() if k not in SERVER_PROPS}
        if actor.is_bot:
            props["from_bot"] = "true"
        if server_props:
            props.update(server_props)
        post = Post(
            id=draft.post_id or new_id(),
            channel_id=draft.channel_id,
            user_id=actor.user_id,
            message=draft.message,
            create_at=create_at,
            update_at=max(now, create_at),
            root_id=draft.root_id,
            type=draft.server_type or draft.type,
            props=props,
            hashtags=parse_hashtags(draft.message),
            file_ids=list(draft.file_ids),
            pending_post_id=draft.pending_post_id,
        )
        if self.hooks.changes:
            post = await self.hooks.will_post(actor, post, access.channel)
            self.check_message(post.message)
            if post.message != draft.message:
                post.hashtags = parse_hashtags(post.message)
                access, channel_wide = await self._may_mention_channel(actor, access, post.message)
                mentioned = await self._find_mentions(
                    None, actor, access, members, post.message, channel_wide
                )
        for info in files:
            info.post_id, info.update_at = post.id, post.update_at
        post.files = files or None

        reader = actor.user_id if access.is_member else ""
        item = NewPost(post, reader, sorted(mentioned.users))
        if root is not None:
            item.team_id = access.channel.team_id
            item.follow = sorted(mentioned.explicit)
            if root.user_id in members and root.user_id != actor.user_id:
                item.root_author = root.user_id
        if any(w.wanted() for w in self._writer.written_with):
            item.extras = self._post_facts(access, post, set())
            item.extras.update(_mentions_for_jobs(mentioned.users, members))
        try:
            await self._writer.write(actor.tenant_id, item)
        except NotAttachable as exc:
            # Another post (or the sweep) took a file since it was checked.
            raise not_attachable(exc.file_ids) from None
        if self._usage is not None:
            self._usage.count_post(actor.tenant_id)
        if wanted_priority is not None:
            await priority.save(self._db, actor.tenant_id, post, wanted_priority)

        events = []
        followers: list[str] = []
        if root is not None and item.fanout is not None:
            post.reply_count = item.fanout.reply_count
            post.last_reply_at = item.fanout.last_reply_at
            followers = item.fanout.follower_ids
            if item.fanout.deferred:
                # A large thread: the worker moves its followers' counters and tells
                # them; the repliers' own state is already written, and told here.
                self._fanout.nudge()
            if item.announces_thread:
                events += thread_updated_events(
                    actor.tenant_id, root, access.channel.team_id, item.fanout
                )
        if draft.pending_post_id:
            self._pending[pending_key] = post.id
        posted = self._posted_event(actor, access, members, post, mentioned.users, set_online)
        if root is not None:
            posted.data["followers"] = orjson.dumps(followers).decode()
        await self._bus.publish([posted])
        if events:
            self._announce_later(events)
        if set_online:
            await self._mark_online(actor)
        if self.hooks.watches:
            self.hooks.has_posted(actor, post, access.channel)
        return post

    async def do_create_system_post(
        self,
        tenant_id: str,
        author: tuple[str, str],
        channel: Channel,
        post_type: str,
        message: str,
        props: dict[str, Any],
        *,
        counted: bool = True,
    ) -> Post:
        """A post the server writes about a change (``system_*``), as the user who made
        it (``author``: id and username) whether or not they are still in the channel.
        No permission, mention or notification work: Mattermost notifies no one of
        these. Plugins' post hooks are run by the caller (``app/messaging/system_posts.py``),
        as Mattermost's CreatePost runs them. ``counted`` false keeps it out of the
        channel's message totals."""
        user_id, username = author
        members = await self._channels.member_ids(tenant_id, channel.id)
        now = now_ms()
        post = Post(
            id=new_id(),
            channel_id=channel.id,
            user_id=user_id,
            message=message,
            create_at=now,
            update_at=now,
            type=post_type,
            props=props,
        )
        # A counted post would make the author's own channel unread; one not counted
        # (a join) must not mark the channel's history read for the joiner.
        reader = user_id if counted and user_id in members else ""
        await self._writer.write(tenant_id, NewPost(post, reader, (), counted=counted))
        # What the posted event says of the sender and channel (no access is checked).
        access = ChannelAccess(
            channel=channel,
            user_id=user_id,
            username=username,
            is_member=bool(reader),
            is_channel_admin=False,
            last_viewed_at=0,
            is_team_member=False,
            is_team_admin=False,
        )
        data: dict[str, Any] = {**self._post_facts(access, post, set()), "set_online": True}
        broadcast = Broadcast(recipients=members, channel_id=channel.id)
        await self._bus.publish([Event(tenant_id, POSTED, data, broadcast)])
        return post

    def _announce_later(self, events: list[Event]) -> None:
        """Per-follower thread events go out after the reply is answered: a thread with a
        thousand followers is a thousand events, which the poster need not wait for."""
        task = asyncio.create_task(publish_in_slices(self._bus, events))
        self._announcing.add(task)
        task.add_done_callback(self._announced)

    def _announced(self, task: asyncio.Task[None]) -> None:
        self._announcing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("thread events not published", exc_info=task.exception())

    async def _check_postable(
        self, actor: Actor, access: ChannelAccess | None, conn: Any = None
    ) -> ChannelAccess:
        """Membership, then ``create_post`` from the role data (no query unless the
        permission was taken from ``channel_user``), then the archive state."""
        # A channel that does not exist is as forbidden as one you are not in.
        if access is None or not post_access.can_write(actor, access):
            raise errors.forbidden()
        access = await post_access.require(
            self._channels.permissions, self._db, actor, access, post_access.CREATE_POST, conn
        )
        if access.channel.delete_at:
            raise channel_archived("api.post.create_post.can_not_post_to_deleted.error")
        return access

    async def _may_mention_channel(
        self, actor: Actor, access: ChannelAccess, message: str, conn: Any = None
    ) -> tuple[ChannelAccess, bool]:
        """Whether @channel/@all/@here notify (``use_channel_mentions``). Without it
        Mattermost still takes the post, and those words mention nobody."""
        if "@" not in message:
            return access, True
        return await post_access.resolve(
            self._channels.permissions,
            self._db,
            actor,
            access,
            post_access.USE_CHANNEL_MENTIONS,
            conn,
        )

    async def _member_access(
        self, actor: Actor, channel_id: str, members: frozenset[str]
    ) -> ChannelAccess | None:
        """A member's right to post, from the caches alone (the common case: no query)."""
        if actor.user_id not in members or not actor.username:
            return None
        channel = await self._channels.meta(actor.tenant_id, channel_id)
        if channel is None:
            return None
        return post_access.from_caches(actor, channel)

    async def _existing(self, actor: Actor, post_id: str) -> Post | None:
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is not None:
                await decorate(conn, actor.tenant_id, [post], actor)
        return post

    async def _check_root(self, conn: Any, actor: Actor, draft: PostDraft) -> Post:
        root = await post_store.get_post(conn, actor.tenant_id, draft.root_id)
        if root is None or not root.is_root:
            # A missing, deleted or non-root parent: Mattermost's "Invalid RootId".
            raise invalid_root_id()
        if root.channel_id != draft.channel_id:
            raise root_in_other_channel()
        return root

    async def _find_mentions(
        self,
        conn: Any,
        actor: Actor,
        access: ChannelAccess,
        members: frozenset[str],
        message: str,
        channel_wide: bool = True,
    ) -> Mentioned:
        channel = access.channel
        return await self._mentions.find(
            conn,
            actor.tenant_id,
            channel.id,
            channel.type,
            actor.user_id,
            members,
            message,
            channel_wide=channel_wide,
        )

    def write_with(self, follower: WrittenWithPosts) -> None:
        """Rows ``follower`` writes in each new post's own transaction (``compose``)."""
        self._writer.written_with.append(follower)

    @staticmethod
    def _post_facts(access: ChannelAccess, post: Post, mentioned: set[str]) -> dict[str, str]:
        """What the ``posted`` event tells about a post beyond the post itself."""
        channel = access.channel
        sender = f"@{access.username}"
        facts = {
            "post": orjson.dumps(post.to_dict()).decode(),
            "channel_type": channel.type,
            "channel_display_name": sender if channel.type == DIRECT else channel.display_name,
            "channel_name": channel.name,
            "sender_name": sender,
            "team_id": channel.team_id,
        }
        if mentioned:
            facts["mentions"] = orjson.dumps(sorted(mentioned)).decode()
        return facts

    def _posted_event(
        self,
        actor: Actor,
        access: ChannelAccess,
        members: frozenset[str],
        post: Post,
        mentioned: set[str],
        set_online: bool,
    ) -> Event:
        channel = access.channel
        data: dict[str, Any] = {
            **self._post_facts(access, post, mentioned),
            "set_online": set_online,
        }
        if post.file_ids:
            data["otherFile"] = "true"
        if any(f.is_image for f in post.files or ()):
            data["image"] = "true"
        broadcast = Broadcast(recipients=members, channel_id=channel.id)
        return Event(actor.tenant_id, POSTED, data, broadcast)

    async def _mark_online(self, actor: Actor) -> None:
        key = (actor.tenant_id, actor.user_id)
        if key in self._online:
            return
        self._online[key] = True
        await self._statuses.do_set_automatic(actor.tenant_id, actor.user_id, "online")

    async def do_create_ephemeral(self, actor: Actor, user_id: str, body: dict[str, Any]) -> Post:
        """A post shown to one user and never stored (bots and admins send these)."""
        if not (actor.is_system_admin or actor.is_bot):
            raise errors.forbidden()
        if not is_valid_id(user_id):
            raise errors.invalid_param("user_id")
        channel_id = body.get("channel_id")
        message = body.get("message", "")
        props = body.get("props") or {}
        if not isinstance(channel_id, str) or not is_valid_id(channel_id):
            raise errors.invalid_param("post.channel_id")
        if not isinstance(message, str):
            raise errors.invalid_param("post.message")
        if not isinstance(props, dict):
            raise errors.invalid_param("post.props")
        root_id = body.get("root_id") or ""
        if not isinstance(root_id, str) or (root_id and not is_valid_id(root_id)):
            raise errors.invalid_param("post.root_id")
        self.check_message(message)
        self.check_props(props)
        now = now_ms()
        post = Post(
            id=new_id(),
            channel_id=channel_id,
            user_id=actor.user_id,
            message=message,
            create_at=now,
            update_at=now,
            root_id=root_id,
            type=EPHEMERAL_TYPE,
            props=props,
        )
        broadcast = Broadcast(
            recipients=frozenset({user_id}), channel_id=channel_id, user_id=user_id
        )
        data = {"post": orjson.dumps(post.to_dict()).decode()}
        await self._bus.publish([Event(actor.tenant_id, EPHEMERAL_MESSAGE, data, broadcast)])
        return post

    # Changing.

    async def _load_for_change(self, actor: Actor, post_id: str) -> tuple[Post, ChannelAccess]:
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                # Mattermost answers edits of missing posts with a permission error.
                raise errors.forbidden()
            access = await post_access.load(conn, actor, post.channel_id)
        return post, access

    async def do_update_post(self, actor: Actor, post_id: str, body: dict[str, Any]) -> Post:
        """PUT: the body replaces message, is_pinned and props (file_ids if given)."""
        if body.get("id") != post_id:
            raise errors.invalid_param("id")
        message = body.get("message", "")
        is_pinned = body.get("is_pinned", False)
        props = body.get("props") or {}
        file_ids = body.get("file_ids")
        if not isinstance(message, str):
            raise errors.invalid_body_param("message")
        if not isinstance(is_pinned, bool):
            raise errors.invalid_body_param("is_pinned")
        if not isinstance(props, dict):
            raise errors.invalid_body_param("props")
        if file_ids is not None and not _is_str_list(file_ids):
            raise errors.invalid_body_param("file_ids")
        patch = PostPatch(message=message, is_pinned=is_pinned, props=props, file_ids=file_ids)
        return await self._apply(actor, post_id, patch, "api.post.update_post")

    async def do_patch_post(self, actor: Actor, post_id: str, patch: PostPatch) -> Post:
        return await self._apply(actor, post_id, patch, "api.post.patch_post")

    async def _apply(self, actor: Actor, post_id: str, patch: PostPatch, where: str) -> Post:
        if patch.message is not None:
            self.check_message(patch.message)
        if patch.file_ids is not None:
            self.check_file_ids(patch.file_ids)
        if patch.props is not None:
            self.check_props(patch.props)
        post, access = await self._load_for_change(actor, post_id)
        await post_access.check_edit(self._channels.permissions, actor, access, post)
        if post.type.startswith(SYSTEM_TYPE_PREFIX):
            raise update_system_message()
        if access.channel.delete_at:
            raise channel_archived(f"{where}.can_not_update_post_in_deleted.error")
        hooked = self.hooks.changes or self.hooks.watches
        old = replace(post, props=dict(post.props)) if hooked else post
        now = now_ms()
        if patch.message is not None and patch.message != post.message:
            post.message = patch.message
            post.hashtags = parse_hashtags(patch.message)
            post.edit_at = now
        # file_ids are checked but not changed by an edit: a post's attachments are the
        # uploads it took when made (Mattermost's API edits leave them too).
        if patch.props is not None:
            kept = {k: v for k, v in post.props.items() if k in SERVER_PROPS}
            post.props = {**{k: v for k, v in patch.props.items() if k not in SERVER_PROPS}, **kept}
        if patch.is_pinned is not None:
            post.is_pinned = patch.is_pinned
        self.check_not_empty(post.message, post.file_ids, post.props)
        if not hooked:
            return await self._save_change(actor, post)
        if self.hooks.changes:
            post = await self.hooks.will_update(actor, post, old, access.channel)
            self.check_message(post.message)
            post.hashtags = parse_hashtags(post.message)
        saved = await self._save_change(actor, post)
        if self.hooks.watches:
            self.hooks.has_updated(actor, saved, old, access.channel)
        return saved

    async def do_set_pinned(self, actor: Actor, post_id: str, pinned: bool) -> None:
        post, access = await self._load_for_change(actor, post_id)
        post_access.check_read(actor, access)
        if access.channel.delete_at:
            raise channel_archived("api.post.patch_post.can_not_update_post_in_deleted.error")
        if post.is_pinned == pinned:
            return
        post.is_pinned = pinned
        await self._save_change(actor, post)

    async def _save_change(self, actor: Actor, post: Post) -> Post:
        post.update_at = max(now_ms(), post.update_at + 1)
        async with self._db.write() as conn:
            await post_store.save_edit(conn, actor.tenant_id, post)
            if post.root_id:
                await post_store.touch_post(conn, actor.tenant_id, post.root_id, post.update_at)
            await decorate(conn, actor.tenant_id, [post])
        await self._bus.publish([await self._channel_event(actor, POST_EDITED, post)])
        return post

    async def do_delete_post(self, actor: Actor, post_id: str) -> None:
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                raise post_access.post_not_found()
            access = await post_access.load(conn, actor, post.channel_id)
        await post_access.check_delete(self._channels.permissions, actor, access, post)
        if access.channel.delete_at:
            raise channel_archived("api.post.delete_post.can_not_delete_post_in_deleted.error")
        now = now_ms()
        mentioned: Mentioned | None = None
        if post.root_id:
            members = await self._channels.member_ids(actor.tenant_id, post.channel_id)
            mentioned = await self._find_mentions(None, actor, access, members, post.message)
        flushed: list[Event] = []
        async with self._db.write() as conn:
            await post_store.soft_delete(conn, actor.tenant_id, post, now, actor.user_id)
            if post.root_id:
                # recount_thread locks the root row, so no reply's job can slip between
                # applying the thread's waiting jobs and taking this reply back out.
                last_reply_at = await post_store.recount_thread(
                    conn, actor.tenant_id, post.root_id, now
                )
                flushed = await self._fanout.flush(conn, actor.tenant_id, post.root_id)
                await thread_store.reply_deleted(
                    conn,
                    actor.tenant_id,
                    post.root_id,
                    post.user_id,
                    post.create_at,
                    sorted(mentioned.users) if mentioned else [],
                    last_reply_at,
                )
            else:
                await thread_store.root_deleted(conn, actor.tenant_id, post.id, now)
            await file_store.delete_for_post(conn, actor.tenant_id, post.id, now, post.is_root)
        post.delete_at = now
        post.update_at = now
        post.props = dict(post.props, deleteBy=actor.user_id)
        event = await self._channel_event(actor, POST_DELETED, post, {"delete_by": actor.user_id})
        await self._bus.publish([*flushed, event])
        if self.hooks.watches:
            self.hooks.has_deleted(actor, post, access.channel)

    async def _channel_event(
        self, actor: Actor, name: str, post: Post, extra: dict[str, Any] | None = None
    ) -> Event:
        return await post_event(self._channels, actor.tenant_id, name, post, extra)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _mentions_for_jobs(mentioned: set[str], members: frozenset[str]) -> dict[str, str]:
    """Who a post mentions, as the rows written with it (a post's notification job)
    carry it: the list, or for an @channel in a large channel the few members it does not
    reach (10,000 ids are ~280 KB written in the post's transaction); the reader then
    takes the channel's members less these."""
    if len(mentioned) > MENTIONS_LISTED and len(mentioned) * 2 > len(members):
        return {"mentions_all_but": orjson.dumps(sorted(members - mentioned)).decode()}
    if mentioned:
        return {"mentions": orjson.dumps(sorted(mentioned)).decode()}
    return {}
