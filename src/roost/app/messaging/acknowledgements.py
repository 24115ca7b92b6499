"""Acknowledgements of posts (``POST/DELETE /users/{user_id}/posts/{post_id}/ack``): a
reader marks an urgent or important post as seen; everyone in the channel hears of it
(``post_acknowledgement_added`` / ``_removed``, data ``acknowledgement``). As in
Mattermost, an acknowledgement can be taken back within five minutes only, and not in
an archived channel."""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import (
    acknowledgement_archived,
    acknowledgement_deadline,
    acknowledgement_not_found,
)
from roost.app.posts.events import channel_broadcast
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id
from roost.model.event import Event
from roost.model.events import POST_ACKNOWLEDGEMENT_ADDED, POST_ACKNOWLEDGEMENT_REMOVED
from roost.model.post import Post
from roost.store.db.database import Database
from roost.store.posts import posts as post_store
from roost.store.posts import priorities as priority_store

UNDO_WINDOW_MS = 5 * 60 * 1000


class Acknowledgements:
    def __init__(self, db: Database, bus: Bus, channels: Channels) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels

    async def _readable_post(self, actor: Actor, user_id: str, post_id: str, action: str) -> Post:
        if user_id != actor.user_id:
            raise errors.forbidden()
        if not is_valid_id(post_id):
            raise errors.invalid_url_param("post_id")
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                raise post_access.post_not_found()
            access = await post_access.load(conn, actor, post.channel_id)
        post_access.check_read(actor, access)
        if access.channel.delete_at:
            raise acknowledgement_archived(action)
        return post

    async def do_ack(self, actor: Actor, user_id: str, post_id: str) -> dict[str, Any]:
        post = await self._readable_post(actor, user_id, post_id, "save")
        async with self._db.write() as conn:
            ack = await priority_store.add_ack(
                conn, actor.tenant_id, post.id, actor.user_id, post.channel_id, now_ms()
            )
            await post_store.touch_post(conn, actor.tenant_id, post.id, now_ms())
        await self._publish(actor.tenant_id, POST_ACKNOWLEDGEMENT_ADDED, post, ack)
        return ack

    async def do_unack(self, actor: Actor, user_id: str, post_id: str) -> None:
        post = await self._readable_post(actor, user_id, post_id, "delete")
        async with self._db.write() as conn:
            ack = await priority_store.get_ack(conn, actor.tenant_id, post.id, actor.user_id)
            if ack is None:
                raise acknowledgement_not_found()
            if now_ms() - int(ack["acknowledged_at"]) > UNDO_WINDOW_MS:
                raise acknowledgement_deadline()
            await priority_store.remove_ack(conn, actor.tenant_id, post.id, actor.user_id)
            await post_store.touch_post(conn, actor.tenant_id, post.id, now_ms())
        await self._publish(actor.tenant_id, POST_ACKNOWLEDGEMENT_REMOVED, post, ack)

    async def _publish(self, tenant_id: str, name: str, post: Post, ack: dict[str, Any]) -> None:
        broadcast = await channel_broadcast(self._channels, tenant_id, post.channel_id)
        data = {"acknowledgement": orjson.dumps(ack).decode()}
        await self._bus.publish([Event(tenant_id, name, data, broadcast)])
