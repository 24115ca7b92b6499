"""Reading posts: one, several, a channel's pages, a thread, the unread window, pins.

Lists follow Mattermost: ``order`` is newest first; replies on a page bring their
root posts into ``posts`` (unless threads are skipped or collapsed); cursors
``next_post_id``/``prev_post_id`` name the posts just outside the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from roost import MATTERMOST_COMPAT_VERSION
from roost.app.accounts.users import Users
from roost.app.channels import post_access
from roost.app.files.attach import in_post_order
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts import embeds, priority
from roost.app.posts.errors import too_many_post_ids
from roost.model.post import Post, PostList
from roost.store.channels import channels as channel_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.files import files as file_store
from roost.store.posts import lists as list_store
from roost.store.posts import posts as post_store
from roost.store.posts import reactions as reaction_store
from roost.store.posts import threads as thread_store
from roost.store.posts.access import ChannelAccess

MAX_IDS = 1000
MAX_THREAD_PAGE = 200


@dataclass(slots=True, frozen=True)
class ChannelPostsQuery:
    since: int = 0
    after: str = ""
    before: str = ""
    page: int = 0
    per_page: int = 60
    skip_threads: bool = False
    collapsed: bool = False
    collapsed_extended: bool = False
    if_none_match: str = ""


@dataclass(slots=True)
class ChannelPosts:
    """A page, or ``None`` when the caller's Etag still matches (304)."""

    posts: PostList | None
    etag: str = ""


@dataclass(slots=True, frozen=True)
class ThreadQuery:
    per_page: int = 0
    from_post: str = ""
    from_create_at: int = 0
    direction: str = ""
    skip_threads: bool = False
    collapsed: bool = False


class PostLists:
    def __init__(self, db: Database, users: Users) -> None:
        self._db = db
        self._users = users

    # Single posts.

    async def get_post(self, actor: Actor, post_id: str) -> Post:
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                raise post_access.post_not_found()
            post_access.check_read(actor, await post_access.load(conn, actor, post.channel_id))
            await decorate(conn, actor.tenant_id, [post], actor)
        return post

    async def get_many(self, actor: Actor, post_ids: list[str]) -> list[Post]:
        """The readable posts among the ids (others are left out, as in Mattermost)."""
        if not post_ids:
            raise errors.invalid_param("post_ids")
        if len(post_ids) > MAX_IDS:
            raise too_many_post_ids(MAX_IDS)
        async with self._db.read() as conn:
            found = await post_store.get_posts(conn, actor.tenant_id, post_ids)
            readable = await post_access.readable_channels(
                conn, actor, {p.channel_id for p in found}
            )
            visible = [p for p in found if p.channel_id in readable]
            await decorate(conn, actor.tenant_id, visible, actor)
        return visible

    # A channel's posts.

    async def channel_posts(
        self, actor: Actor, channel_id: str, query: ChannelPostsQuery
    ) -> ChannelPosts:
        tenant = actor.tenant_id
        roots_only = query.collapsed
        async with self._db.read() as conn:
            access = await post_access.load(conn, actor, channel_id)
            post_access.check_read(actor, access)
            if query.since > 0:
                changed = await list_store.changed_since(
                    conn, tenant, channel_id, query.since, roots_only
                )
                result = PostList()
                for post in changed:
                    result.add(post)
                if not roots_only:
                    await _add_roots(conn, tenant, result, include_deleted=True)
                await decorate(conn, tenant, result.posts.values(), actor)
                etag = ""
            else:
                page, etag = await self._page(conn, actor, channel_id, access, query)
                if page is None:
                    return ChannelPosts(None, etag)
                result = page
            if roots_only:
                following = await thread_store.following_among(
                    conn, tenant, actor.user_id, list(result.posts)
                )
        if roots_only:
            await self._thread_state(actor, result, following, query.collapsed_extended)
        return ChannelPosts(result, etag)

    async def _page(
        self,
        conn: AsyncConnection,
        actor: Actor,
        channel_id: str,
        access: ChannelAccess,
        query: ChannelPostsQuery,
    ) -> tuple[PostList | None, str]:
        """A page of the channel (None when ``If-None-Match`` matches), and its Etag."""
        tenant = actor.tenant_id
        roots_only = query.collapsed
        latest = await list_store.latest_update(conn, tenant, channel_id, roots_only)
        etag = f"{MATTERMOST_COMPAT_VERSION}.{latest}.{access.channel.total_msg_count}"
        if roots_only:
            etag += ".ct"
        if query.if_none_match == etag:
            return None, etag

        offset, limit = query.page * query.per_page, query.per_page
        anchor_id = query.after or query.before
        if anchor_id:
            anchor = await post_store.get_post(conn, tenant, anchor_id, include_deleted=True)
            page: list[Post] = []
            if anchor is not None and anchor.channel_id == channel_id and limit:
                page = await list_store.page_around(
                    conn,
                    tenant,
                    channel_id,
                    anchor,
                    before=not query.after,
                    offset=offset,
                    limit=limit,
                    roots_only=roots_only,
                )
        else:
            page = await list_store.newest_page(conn, tenant, channel_id, offset, limit, roots_only)
        result = PostList()
        for post in page:
            result.add(post)
        await self._cursors(conn, tenant, channel_id, query, result, page)
        if not roots_only and not query.skip_threads:
            await _add_roots(conn, tenant, result)
        await decorate(conn, tenant, result.posts.values(), actor)
        return result, etag

    async def _thread_state(
        self, actor: Actor, result: PostList, following: set[str], extended: bool
    ) -> None:
        """Collapsed lists show each root's participants and whether the reader follows."""
        people: dict[str, dict[str, Any]] = {}
        if extended:
            wanted = sorted({u for p in result.posts.values() for u in p.participant_ids})
            found = await self._users.get_many(actor.tenant_id, wanted)
            people = {u.id: self._users.profile(actor, u) for u in found}
        for post in result.posts.values():
            post.is_following = post.id in following
            if post.participant_ids:
                post.participants = [people.get(u) or {"id": u} for u in post.participant_ids]

    async def _cursors(
        self,
        conn: AsyncConnection,
        tenant: str,
        channel_id: str,
        query: ChannelPostsQuery,
        result: PostList,
        page: list[Post],
    ) -> None:
        """Mattermost's cursors; ``has_next`` says more posts lie in the paging direction."""
        roots_only = query.collapsed
        full = len(page) >= query.per_page > 0
        next_id: str | None = None
        prev_id: str | None = None
        if query.after:
            if query.page == 0:
                prev_id = query.after
            if not full:
                next_id = ""
        elif query.before:
            if query.page == 0:
                next_id = query.before
            if not full:
                prev_id = ""
        else:
            # The newest page: nothing is newer than its first page, and a short page
            # has nothing older (saves a query per read of the common case).
            if query.page == 0:
                next_id = ""
            if not full:
                prev_id = ""
        if next_id is None:
            next_id = (
                await list_store.neighbour_id(conn, tenant, channel_id, page[0], False, roots_only)
                if page
                else ""
            )
        if prev_id is None:
            prev_id = (
                await list_store.neighbour_id(conn, tenant, channel_id, page[-1], True, roots_only)
                if page
                else ""
            )
        result.next_post_id = next_id
        result.prev_post_id = prev_id
        if query.after:
            result.has_next = full and next_id != ""
        else:
            result.has_next = full and prev_id != ""

    # Threads.

    async def thread(self, actor: Actor, post_id: str, query: ThreadQuery) -> PostList:
        if query.per_page < 0 or query.per_page > MAX_THREAD_PAGE:
            raise errors.invalid_param("perPage")
        if query.from_post and not query.from_create_at:
            raise errors.invalid_param("if fromPost is set, then fromCreateAt must also be set")
        if query.direction not in ("", "up", "down"):
            raise errors.invalid_param("direction")
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, tenant, post_id)
            if post is None:
                raise post_access.post_not_found()
            post_access.check_read(actor, await post_access.load(conn, actor, post.channel_id))
            result = PostList()
            result.add(post)
            if query.collapsed or not query.skip_threads:
                limit = query.per_page + 1 if query.per_page else 0
                found = await list_store.thread_posts(
                    conn,
                    tenant,
                    post.id if query.collapsed else post.thread_id,
                    include_root=not query.collapsed,
                    direction=query.direction,
                    from_create_at=query.from_create_at,
                    from_post=query.from_post,
                    limit=limit,
                )
                if query.per_page and len(found) > query.per_page:
                    found = found[: query.per_page]
                    result.has_next = True
                for other in found:
                    if other.id != post.id:
                        result.add(other)
            await decorate(conn, tenant, result.posts.values(), actor)
        return result

    # Around the first unread post.

    async def around_unread(
        self,
        actor: Actor,
        user_id: str,
        channel_id: str,
        limit_before: int,
        limit_after: int,
        skip_threads: bool,
        collapsed: bool,
    ) -> PostList:
        if user_id != actor.user_id and not actor.is_system_admin:
            raise errors.forbidden()
        if limit_after == 0:
            raise errors.invalid_url_param("limit_after")
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            access = await post_access.load(conn, actor, channel_id)
            post_access.check_read(actor, access)
            last_viewed = access.last_viewed_at
            if user_id != actor.user_id:
                member = await channel_store.get_member(conn, tenant, channel_id, user_id)
                last_viewed = member.last_viewed_at if member else 0
            first = (
                await list_store.first_after_time(conn, tenant, channel_id, last_viewed, collapsed)
                if last_viewed
                else None
            )
            if first is None:
                # Nothing unread (or never viewed): the newest page, as Mattermost does.
                page = await list_store.newest_page(
                    conn, tenant, channel_id, 0, limit_before, collapsed
                )
            else:
                older = await list_store.page_around(
                    conn, tenant, channel_id, first, True, 0, limit_before, collapsed
                )
                newer = await list_store.page_around(
                    conn, tenant, channel_id, first, False, 0, limit_after - 1, collapsed
                )
                page = [*newer, first, *older]
            result = PostList()
            for post in page:
                result.add(post)
            if page:
                result.next_post_id = await list_store.neighbour_id(
                    conn, tenant, channel_id, page[0], False, collapsed
                )
                result.prev_post_id = await list_store.neighbour_id(
                    conn, tenant, channel_id, page[-1], True, collapsed
                )
            result.has_next = result.next_post_id != ""
            if not collapsed and not skip_threads:
                await _add_roots(conn, tenant, result)
            await decorate(conn, tenant, result.posts.values(), actor)
        return result

    # Pins.

    async def pinned(self, actor: Actor, channel_id: str) -> PostList:
        async with self._db.read() as conn:
            post_access.check_read(actor, await post_access.load(conn, actor, channel_id))
            result = PostList()
            for post in await list_store.pinned(conn, actor.tenant_id, channel_id):
                result.add(post)
            await decorate(conn, actor.tenant_id, result.posts.values(), actor)
        return result


async def _add_roots(
    conn: AsyncConnection, tenant_id: str, result: PostList, include_deleted: bool = False
) -> None:
    """Put the root posts of the page's replies into ``posts`` (not ``order``)."""
    missing = {p.root_id for p in result.posts.values() if p.root_id} - result.posts.keys()
    for root in await list_store.roots_of(conn, tenant_id, sorted(missing), include_deleted):
        result.add(root, ordered=False)


async def decorate(
    conn: AsyncConnection, tenant_id: str, found: Iterable[Post], viewer: Actor | None = None
) -> None:
    """What a response shows beyond the row: a reply's thread counters (its root's, as
    Mattermost shows them), metadata.files, metadata.reactions, and the previews
    (metadata.embeds and images; permalinks only for a ``viewer`` who may read them); a
    query each, only when needed."""
    by_id = {p.id: p for p in found}
    await embeds.attach(conn, tenant_id, by_id.values(), viewer)
    await priority.attach(conn, tenant_id, by_id.values())
    replies = [p for p in by_id.values() if p.root_id]
    missing = {p.root_id for p in replies} - by_id.keys()
    counters = await post_store.thread_counters(conn, tenant_id, sorted(missing))
    for reply in replies:
        root = by_id.get(reply.root_id)
        count, last = (
            (root.reply_count, root.last_reply_at) if root else counters.get(reply.root_id, (0, 0))
        )
        reply.reply_count, reply.last_reply_at = count, last
    with_files = [p for p in by_id.values() if p.file_ids and not p.delete_at]
    if with_files:
        files = await file_store.for_posts(conn, tenant_id, [p.id for p in with_files])
        for post in with_files:
            post.files = in_post_order(files.get(post.id, []), post.file_ids)
    with_reactions = [p for p in by_id.values() if p.has_reactions and not p.delete_at]
    if not with_reactions:
        return
    reactions = await reaction_store.for_posts(conn, tenant_id, [p.id for p in with_reactions])
    for post in with_reactions:
        post.reactions = reactions.get(post.id)
