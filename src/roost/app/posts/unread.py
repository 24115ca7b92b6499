"""Marking a post unread (``POST /users/{id}/posts/{post_id}/set_unread``): the user's
read state of the channel goes back to just before the post, as Mattermost does.

``last_viewed_at`` becomes the post's time less 1 ms; ``msg_count`` (what the member has
read) the channel's total less the live posts from the post on; the mention counts are
counted again over those posts (every post of another user in a direct channel). The
root counts are set too when the client handles collapsed threads or the post is a
root; for a reply without collapsed threads they stay. The user's sockets get
``post_unread``.
"""

from __future__ import annotations

from typing import Any

from roost.app.accounts.users import Users
from roost.app.channels import post_access
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.mentions import Mentions, mentions_user, user_mention_keys
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.channel import DIRECT
from roost.model.event import Broadcast, Event
from roost.model.events import POST_UNREAD
from roost.store.db.database import Database
from roost.store.posts import access as access_store
from roost.store.posts import posts as post_store
from roost.store.posts import unread as unread_store
from roost.store.posts.unread import ReadState

# Mentions are counted over at most this many posts from the marked one on.
MAX_RECOUNT = 10_000


class PostUnread:
    def __init__(self, db: Database, bus: Bus, users: Users, mentions: Mentions) -> None:
        self._db = db
        self._bus = bus
        self._users = users
        self._mentions = mentions

    async def do_set_unread(
        self, actor: Actor, user_id: str, post_id: str, collapsed_threads: bool
    ) -> dict[str, Any]:
        if user_id != actor.user_id and not actor.is_system_admin:
            raise errors.forbidden()
        tenant, now = actor.tenant_id, now_ms()
        user = await self._users.get(tenant, user_id)
        async with self._db.write() as conn:
            post = await post_store.get_post(conn, tenant, post_id)
            if post is None:
                raise post_access.post_not_found()
            access = await access_store.channel_access(conn, tenant, post.channel_id, user_id)
            if access is None or not access.is_member:
                raise errors.forbidden()
            seen = post.create_at - 1
            later = await unread_store.posts_after(conn, tenant, post.channel_id, seen, MAX_RECOUNT)
            unread, unread_root = await unread_store.count_after(
                conn, tenant, post.channel_id, seen
            )
            index = await self._mentions.index(tenant, post.channel_id, conn)
            keys = user_mention_keys(user.first_name, user.notify_props)
            wide = user_id in index.channel_wide
            is_direct = access.channel.type == DIRECT
            mentions = mentions_root = 0
            for p in later:
                if p.user_id == user_id:
                    continue
                if is_direct or mentions_user(p.message, user.username, keys, wide):
                    mentions += 1
                    mentions_root += 0 if p.root_id else 1
            set_root = collapsed_threads or not post.root_id
            state = await unread_store.set_read_state(
                conn,
                tenant,
                post.channel_id,
                user_id,
                unread,
                unread_root if set_root else None,
                ReadState(seen, 0, 0, mentions, mentions_root, 0),
                now,
            )
            if state is None:
                raise errors.forbidden()
        team_id = access.channel.team_id
        unread_at = {
            "team_id": team_id,
            "channel_id": post.channel_id,
            "msg_count": state.msg_count,
            "msg_count_root": state.msg_count_root,
            "mention_count": state.mention_count,
            "mention_count_root": state.mention_count_root,
            "urgent_mention_count": state.urgent_mention_count,
            "last_viewed_at": state.last_viewed_at,
        }
        broadcast = Broadcast(
            recipients=frozenset({user_id}),
            user_id=user_id,
            channel_id=post.channel_id,
            team_id=team_id,
        )
        event = Event(tenant, POST_UNREAD, {**unread_at, "post_id": post.id}, broadcast)
        await self._bus.publish([event])
        return {**unread_at, "user_id": user_id}
