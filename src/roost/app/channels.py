"""Channels: membership, reading access, typing."""

from __future__ import annotations

from roost.app import errors
from roost.app.context import Actor
from roost.cluster.bus import Bus
from roost.model.channel import Channel
from roost.model.event import Broadcast, Event
from roost.store import channels as channel_store
from roost.store.database import Database

MAX_TYPING_PARENT = 26


class Channels:
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._bus = bus

    async def member_ids(self, tenant_id: str, channel_id: str) -> frozenset[str]:
        """Everyone in a channel: the recipients of its events."""
        async with self._db.read() as conn:
            return frozenset(await channel_store.member_user_ids(conn, tenant_id, channel_id))

    async def get_as_member(self, actor: Actor, channel_id: str) -> Channel:
        """The channel, if the caller is a member of it; 404 or 403 otherwise."""
        async with self._db.read() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise errors.not_found("channel", "app.channel.get.existing.app_error")
            member = await channel_store.get_member(
                conn, actor.tenant_id, channel_id, actor.user_id
            )
        if member is None:
            raise errors.forbidden()
        return channel

    async def do_user_typing(self, actor: Actor, channel_id: str, parent_id: str) -> None:
        if len(parent_id) > MAX_TYPING_PARENT:
            raise errors.invalid_param("parent_id")
        await self.get_as_member(actor, channel_id)
        recipients = await self.member_ids(actor.tenant_id, channel_id)
        broadcast = Broadcast(
            recipients=recipients,
            channel_id=channel_id,
            omit_users=frozenset({actor.user_id}),
        )
        event = Event(
            actor.tenant_id, "typing", {"parent_id": parent_id, "user_id": actor.user_id}, broadcast
        )
        await self._bus.publish([event])
