"""Moving a channel to another team (Mattermost's ``POST /channels/{id}/move``, mmctl's
``channel move``): system admins only. Every member must be in the new team, unless
``force``, which removes the others from the channel first (Mattermost's rule). The
channel keeps its posts, members and id; threads follow it to the new team; its places
in the old team's sidebars are forgotten (the new team's sidebars show it where new
channels go). Nodes drop their copy of the channel on the ``channel_updated`` event."""

from __future__ import annotations

from roost.app.accounts.permissions import Permissions
from roost.app.admin import errors
from roost.app.channels.channels import Channels
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.model.channel import Channel
from roost.store.admin import channel_move as store
from roost.store.channels import channels as channel_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Database

MANAGE_SYSTEM = "manage_system"


class ChannelMover:
    def __init__(self, db: Database, channels: Channels, permissions: Permissions) -> None:
        self._db = db
        self._channels = channels
        self._permissions = permissions

    async def do_move(self, actor: Actor, channel_id: str, team_id: str, force: bool) -> Channel:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        tenant_id = actor.tenant_id
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, tenant_id, channel_id)
            if channel is None:
                raise errors.move_channel_not_found()
            if channel.is_direct_or_group:
                raise errors.move_channel_invalid("direct and group channels have no team")
            team = await team_store.get_team(conn, tenant_id, team_id)
            if team is None or team.delete_at:
                raise errors.move_channel_invalid("no such team")
            if channel.team_id == team_id:
                raise errors.move_channel_invalid("the channel is already in that team")
            clash = await channel_store.get_channel_by_name(conn, tenant_id, team_id, channel.name)
            if clash is not None:
                raise errors.move_channel_invalid("the team has a channel of that name")
            members = set(await channel_store.member_user_ids(conn, tenant_id, channel.id))
            in_team = set(await team_store.member_user_ids(conn, tenant_id, team_id))
            outsiders = sorted(members - in_team)
            if outsiders and not force:
                raise errors.move_channel_members()
            if outsiders:
                await store.remove_members(conn, tenant_id, channel.id, outsiders)
            old_team = channel.team_id
            channel.team_id = team_id
            channel.update_at = now_ms()
            await channel_store.update_channel(conn, tenant_id, channel)
            await store.retarget(conn, tenant_id, channel.id, old_team, team_id)
        self._channels.invalidate(tenant_id, channel.id)
        await self._channels.publish_updated(tenant_id, channel)
        return channel
