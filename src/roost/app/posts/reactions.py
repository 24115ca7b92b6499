"""Emoji reactions on posts."""

from __future__ import annotations

import re

from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.posts.errors import (
    invalid_emoji_name,
    reaction_channel_archived,
    reaction_for_other_user,
    too_many_reactions,
)
from roost.app.posts.events import reaction_event
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id
from roost.model.events import REACTION_ADDED, REACTION_REMOVED
from roost.model.post import Post, Reaction
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import posts as post_store
from roost.store.posts import reactions as reaction_store
from roost.store.posts.access import ChannelAccess

EMOJI_NAME_MAX = 64
_EMOJI_NAME = re.compile(r"^[a-zA-Z0-9_+\-]+\Z")
# Mattermost's default cap on distinct emoji per post.
MAX_EMOJI_PER_POST = 50
MAX_BULK_POSTS = 200


def is_valid_emoji_name(name: str) -> bool:
    return 0 < len(name) <= EMOJI_NAME_MAX and bool(_EMOJI_NAME.match(name))


class Reactions:
    def __init__(
        self, db: Database, bus: Bus, channels: Channels, hooks: LifecycleHooks | None = None
    ) -> None:
        self._db = db
        self.hooks = hooks or LifecycleHooks()
        self._bus = bus
        self._channels = channels

    async def _post_and_access(
        self, conn: AsyncConnection, actor: Actor, post_id: str
    ) -> tuple[Post, ChannelAccess]:
        post = await post_store.get_post(conn, actor.tenant_id, post_id)
        if post is None:
            # Mattermost checks channel permission by post first: a missing post is a 403.
            raise errors.forbidden()
        return post, await post_access.load(conn, actor, post.channel_id)

    def check_reaction(self, user_id: str, post_id: str, emoji_name: str) -> None:
        if not is_valid_id(user_id):
            raise errors.invalid_body_param("user_id")
        if not is_valid_id(post_id):
            raise errors.invalid_body_param("post_id")
        if not is_valid_emoji_name(emoji_name):
            raise invalid_emoji_name()

    async def do_add(self, actor: Actor, user_id: str, post_id: str, emoji_name: str) -> Reaction:
        self.check_reaction(user_id, post_id, emoji_name)
        if user_id != actor.user_id:
            raise reaction_for_other_user()
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            post, access = await self._post_and_access(conn, actor, post_id)
            await post_access.check_write_permission(
                self._channels.permissions, actor, access, post_access.ADD_REACTION
            )
            if access.channel.delete_at:
                raise reaction_channel_archived()
            existing = await reaction_store.get(conn, tenant, post_id, user_id, emoji_name)
            if existing is not None and not existing.delete_at:
                return existing  # already there: adding again changes nothing
            names = await reaction_store.live_emoji_names(conn, tenant, post_id)
        if emoji_name not in names and len(names) >= MAX_EMOJI_PER_POST:
            raise too_many_reactions(MAX_EMOJI_PER_POST)
        now = now_ms()
        reaction = Reaction(
            user_id=user_id,
            post_id=post_id,
            emoji_name=emoji_name,
            channel_id=post.channel_id,
            create_at=now,
            update_at=now,
        )
        async with self._db.write() as conn:
            await reaction_store.save(conn, tenant, reaction)
            await post_store.set_has_reactions(conn, tenant, post_id, True, now)
        await self._bus.publish(
            [await reaction_event(self._channels, tenant, REACTION_ADDED, reaction)]
        )
        if self.hooks.active:
            self.hooks.notify(lambda h: h.reaction_added(tenant, reaction))
        return reaction

    async def do_remove(self, actor: Actor, user_id: str, post_id: str, emoji_name: str) -> None:
        if not is_valid_emoji_name(emoji_name):
            raise errors.invalid_url_param("emoji_name")
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            post, access = await self._post_and_access(conn, actor, post_id)
        permissions = self._channels.permissions
        await post_access.check_write_permission(
            permissions, actor, access, post_access.REMOVE_REACTION
        )
        if user_id != actor.user_id:
            await post_access.check_permission(
                permissions, actor, access, post_access.REMOVE_OTHERS_REACTIONS
            )
        if access.channel.delete_at:
            raise reaction_channel_archived()
        now = now_ms()
        async with self._db.write() as conn:
            removed = await reaction_store.remove(conn, tenant, post_id, user_id, emoji_name, now)
            if removed:
                left = await reaction_store.count_live(conn, tenant, post_id)
                await post_store.set_has_reactions(conn, tenant, post_id, left > 0, now)
        if removed:
            reaction = Reaction(
                user_id=user_id,
                post_id=post_id,
                emoji_name=emoji_name,
                channel_id=post.channel_id,
                create_at=now,
                update_at=now,
                delete_at=now,
            )
            event = await reaction_event(self._channels, tenant, REACTION_REMOVED, reaction)
            await self._bus.publish([event])
            if self.hooks.active:
                self.hooks.notify(lambda h: h.reaction_removed(tenant, reaction))

    async def for_post(self, actor: Actor, post_id: str) -> list[Reaction]:
        async with self._db.read() as conn:
            _, access = await self._post_and_access(conn, actor, post_id)
            post_access.check_read(actor, access)
            found = await reaction_store.for_posts(conn, actor.tenant_id, [post_id])
        return found.get(post_id, [])

    async def for_posts(self, actor: Actor, post_ids: list[str]) -> dict[str, list[Reaction]]:
        """Reactions of many posts; every post must be readable (else 403, as Mattermost)."""
        if len(post_ids) > MAX_BULK_POSTS:
            raise errors.invalid_body_param("post_ids")
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            posts = await post_store.get_posts(conn, tenant, post_ids)
            if len(posts) != len(set(post_ids)):
                raise errors.forbidden()
            readable = await post_access.readable_channels(
                conn, actor, {p.channel_id for p in posts}
            )
            if any(p.channel_id not in readable for p in posts):
                raise errors.forbidden()
            found = await reaction_store.for_posts(conn, tenant, post_ids)
        return {pid: found.get(pid, []) for pid in post_ids}
