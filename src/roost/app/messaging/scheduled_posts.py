"""Scheduled posts: a user's messages to be sent at a time they choose (Mattermost's
``/posts/schedule`` routes and their ``scheduled_post_*`` events, to the user).

Saving checks what Mattermost checks: the user may post in the channel now, it is not
archived, the time is ahead (and not more than ``scheduled_post_max_days`` ahead), there
is something to send. The send itself (``scheduler.py``) checks again, as the author, at
the time: a user who lost the channel meanwhile gets an ``error_code`` instead of a post.
"""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import (
    scheduled_at_invalid,
    scheduled_post_channel_archived,
    scheduled_post_empty,
    scheduled_post_not_found,
    scheduled_post_not_yours,
    scheduled_posts_disabled,
    too_many_scheduled_posts,
)
from roost.app.posts.posts import Posts
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config.messaging import MessagingSettings
from roost.ids import is_valid_id, new_id
from roost.model.event import Broadcast, Event
from roost.model.events import (
    SCHEDULED_POST_CREATED,
    SCHEDULED_POST_DELETED,
    SCHEDULED_POST_UPDATED,
)
from roost.model.scheduled_post import ScheduledPost
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.messaging import scheduled_posts as scheduled_store

DAY_MS = 86_400_000


def scheduled_event(tenant_id: str, name: str, sp: ScheduledPost, connection_id: str = "") -> Event:
    data = {"scheduledPost": orjson.dumps(sp.to_dict()).decode()}
    broadcast = Broadcast(
        recipients=frozenset({sp.user_id}),
        user_id=sp.user_id,
        omit_connection_id=connection_id,
    )
    return Event(tenant_id, name, data, broadcast)


class ScheduledPosts:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        channels: Channels,
        posts: Posts,
        settings: MessagingSettings,
    ) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        self._posts = posts
        self._settings = settings

    def _check_enabled(self) -> None:
        if not self._settings.scheduled_posts:
            raise scheduled_posts_disabled()

    def parse(self, actor: Actor, body: dict[str, Any], scheduled_id: str = "") -> ScheduledPost:
        """The scheduled post a request body describes (fields checked, not yet the
        channel)."""
        channel_id = body.get("channel_id")
        if not isinstance(channel_id, str) or not is_valid_id(channel_id):
            raise errors.invalid_body_param("channel_id")
        message = body.get("message") or ""
        root_id = body.get("root_id") or ""
        props = body.get("props") or {}
        file_ids = body.get("file_ids") or []
        scheduled_at = body.get("scheduled_at")
        if not isinstance(message, str):
            raise errors.invalid_body_param("message")
        if not isinstance(root_id, str) or (root_id and not is_valid_id(root_id)):
            raise errors.invalid_body_param("root_id")
        if not isinstance(props, dict):
            raise errors.invalid_body_param("props")
        if not isinstance(file_ids, list) or not all(isinstance(f, str) for f in file_ids):
            raise errors.invalid_body_param("file_ids")
        if isinstance(scheduled_at, bool) or not isinstance(scheduled_at, int):
            raise scheduled_at_invalid("scheduled_at must be a time in milliseconds")
        self._posts.check_message(message)
        self._posts.check_file_ids(file_ids)
        self._posts.check_props(props)
        if not message.strip() and not file_ids:
            raise scheduled_post_empty()
        now = now_ms()
        if scheduled_at <= now:
            raise scheduled_at_invalid("scheduled_at is in the past")
        if scheduled_at > now + self._settings.scheduled_post_max_days * DAY_MS:
            raise scheduled_at_invalid(
                f"scheduled_at is more than {self._settings.scheduled_post_max_days} days ahead"
            )
        return ScheduledPost(
            id=scheduled_id or new_id(),
            user_id=actor.user_id,
            channel_id=channel_id,
            scheduled_at=scheduled_at,
            root_id=root_id,
            message=message,
            props=props,
            file_ids=list(file_ids),
            create_at=now,
            update_at=now,
        )

    async def _check_postable(self, actor: Actor, channel_id: str) -> None:
        async with self._db.read() as conn:
            access = await post_access.load(conn, actor, channel_id)
            if not post_access.can_write(actor, access):
                raise errors.forbidden()
            await post_access.require(
                self._channels.permissions,
                self._db,
                actor,
                access,
                post_access.CREATE_POST,
                conn,
            )
        if access.channel.delete_at:
            raise scheduled_post_channel_archived()

    async def do_create(self, actor: Actor, body: dict[str, Any]) -> ScheduledPost:
        self._check_enabled()
        sp = self.parse(actor, body)
        await self._check_postable(actor, sp.channel_id)
        limit = self._settings.scheduled_post_max_per_user
        async with self._db.write() as conn:
            if await scheduled_store.count_for_user(conn, actor.tenant_id, actor.user_id) >= limit:
                raise too_many_scheduled_posts(limit)
            await scheduled_store.insert(conn, actor.tenant_id, sp)
        await self._publish(actor, SCHEDULED_POST_CREATED, sp)
        return sp

    async def _own(self, actor: Actor, scheduled_id: str, action: str) -> ScheduledPost:
        async with self._db.read() as conn:
            found = await scheduled_store.get(conn, actor.tenant_id, scheduled_id)
        if found is None:
            raise scheduled_post_not_found(action)
        if found.user_id != actor.user_id:
            raise scheduled_post_not_yours(action)
        return found

    async def do_update(
        self, actor: Actor, scheduled_id: str, body: dict[str, Any]
    ) -> ScheduledPost:
        self._check_enabled()
        if body.get("id") != scheduled_id:
            raise errors.invalid_url_param("scheduled_post_id")
        existing = await self._own(actor, scheduled_id, "update")
        sp = self.parse(actor, body, scheduled_id)
        # What the author cannot change: who, where, and when it was first made.
        sp.channel_id, sp.root_id, sp.create_at = (
            existing.channel_id,
            existing.root_id,
            existing.create_at,
        )
        await self._check_postable(actor, sp.channel_id)
        async with self._db.write() as conn:
            await scheduled_store.save(conn, actor.tenant_id, sp)
        await self._publish(actor, SCHEDULED_POST_UPDATED, sp)
        return sp

    async def do_delete(self, actor: Actor, scheduled_id: str) -> ScheduledPost:
        self._check_enabled()
        existing = await self._own(actor, scheduled_id, "delete")
        async with self._db.write() as conn:
            await scheduled_store.remove(conn, actor.tenant_id, scheduled_id)
        await self._publish(actor, SCHEDULED_POST_DELETED, existing)
        return existing

    async def for_team(
        self, actor: Actor, team_id: str, include_direct: bool
    ) -> dict[str, list[ScheduledPost]]:
        """``{team_id: [...]}``, plus ``directChannels`` when asked (Mattermost's shape)."""
        self._check_enabled()
        async with self._db.read() as conn:
            member = await team_store.get_active_member(
                conn, actor.tenant_id, team_id, actor.user_id
            )
            if member is None and not actor.is_system_admin:
                raise errors.forbidden()
            found = {
                team_id: await scheduled_store.for_user(
                    conn, actor.tenant_id, actor.user_id, team_id
                )
            }
            if include_direct:
                found["directChannels"] = await scheduled_store.for_user(
                    conn, actor.tenant_id, actor.user_id, ""
                )
        return found

    async def _publish(self, actor: Actor, name: str, sp: ScheduledPost) -> None:
        await self._bus.publish([scheduled_event(actor.tenant_id, name, sp, actor.connection_id)])
