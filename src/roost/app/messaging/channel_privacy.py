"""Converting a channel between public and private (``PUT /channels/{id}/privacy``).

As in Mattermost: ``convert_public_channel_to_private`` or
``convert_private_channel_to_public`` in the channel (team and channel admins by default),
not for direct or group channels, archived channels or the team's Town Square. Members
stay; the channel's members get ``channel_updated``, its team ``channel_converted``, and a
system message (``system_change_chan_privacy``) says what happened.
"""

from __future__ import annotations

from roost.app.channels.channels import TOWN_SQUARE, Channels, channel_not_found
from roost.app.channels.errors import update_deleted_channel
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import privacy_not_convertible
from roost.app.messaging.system_posts import SystemPosts
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.channel import OPEN, PRIVATE, Channel
from roost.model.event import Broadcast, Event
from roost.model.events import CHANNEL_CONVERTED
from roost.store.channels import channels as channel_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Database

TO_PRIVATE = "convert_public_channel_to_private"
TO_PUBLIC = "convert_private_channel_to_public"


class ChannelPrivacy:
    def __init__(
        self, db: Database, bus: Bus, channels: Channels, system_posts: SystemPosts
    ) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        self._system_posts = system_posts

    async def do_convert(self, actor: Actor, channel_id: str, privacy: object) -> Channel:
        if privacy not in (OPEN, PRIVATE):
            raise errors.invalid_param("privacy")
        roles = await self._channels.permissions.table(actor.tenant_id)
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            if channel.is_direct_or_group or channel.name == TOWN_SQUARE:
                raise privacy_not_convertible()
            if channel.delete_at:
                raise update_deleted_channel()
            member = await channel_store.get_member(
                conn, actor.tenant_id, channel_id, actor.user_id
            )
            permission = TO_PRIVATE if privacy == PRIVATE else TO_PUBLIC
            await self._channels.require_in_channel(conn, roles, actor, channel, member, permission)
            if channel.type == privacy:
                return channel
            channel.type = str(privacy)
            channel.update_at = now_ms()
            await channel_store.update_channel(conn, actor.tenant_id, channel)
            team_members = await team_store.member_user_ids(conn, actor.tenant_id, channel.team_id)
        self._channels.invalidate(actor.tenant_id, channel.id)
        await self._channels.publish_updated(actor.tenant_id, channel)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    CHANNEL_CONVERTED,
                    {"channel_id": channel.id},
                    Broadcast(recipients=frozenset(team_members), team_id=channel.team_id),
                )
            ]
        )
        # Whether or not the converter is a member, as Mattermost (a team admin may be none).
        await self._system_posts.privacy_changed(actor.tenant_id, channel, actor.user_id)
        return channel
