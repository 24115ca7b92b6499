"""Channel membership: joining, adding, leaving, removing, roles, notify settings, and
each member's read state (views and unread counts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from roost.app.channels.channels import (
    TOWN_SQUARE,
    Channels,
    can_read,
    channel_not_found,
    is_channel_admin,
    members_permission,
    new_member,
    team_membership,
)
from roost.app.channels.errors import (
    add_deactivated_user,
    add_to_deleted_channel,
    add_to_direct_channel,
    add_user_not_in_team,
    direct_channel_roles,
    remove_from_default_channel,
    remove_from_direct_channel,
)
from roost.app.kernel import errors
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.channel import DIRECT, GROUP, OPEN, Channel, ChannelMember
from roost.model.event import Broadcast, Event
from roost.model.events import (
    CHANNEL_MEMBER_UPDATED,
    MULTIPLE_CHANNELS_VIEWED,
    USER_ADDED,
    USER_REMOVED,
)
from roost.model.roles import RoleTable
from roost.store.accounts import users as user_store
from roost.store.channels import categories as category_store
from roost.store.channels import channels as channel_store
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import threads as thread_store

MAX_ADD_AT_ONCE = 256
NOTIFY_VALUE_MAX = 64
# The notify props a member may set, and the values each accepts (None: any short string).
NOTIFY_PROPS: dict[str, frozenset[str] | None] = {
    "desktop": frozenset({"default", "all", "mention", "none"}),
    "email": frozenset({"default", "all", "mention", "none"}),
    "push": frozenset({"default", "all", "mention", "none"}),
    "mark_unread": frozenset({"all", "mention"}),
    "ignore_channel_mentions": frozenset({"default", "off", "on"}),
    "desktop_threads": frozenset({"default", "all", "mention", "none"}),
    "push_threads": frozenset({"default", "all", "mention", "none"}),
    "email_threads": frozenset({"default", "all", "mention", "none"}),
    "channel_auto_follow_threads": frozenset({"on", "off"}),
    "desktop_sound": None,
    "desktop_notification_sound": None,
}


def member_not_found() -> errors.AppError:
    return errors.not_found("channel member", "app.channel.get_member.missing.app_error")


def user_added_events(
    tenant_id: str, channel: Channel, new_user_ids: Sequence[str], recipients: frozenset[str]
) -> list[Event]:
    broadcast = Broadcast(recipients=recipients, channel_id=channel.id)
    return [
        Event(tenant_id, USER_ADDED, {"user_id": uid, "team_id": channel.team_id}, broadcast)
        for uid in new_user_ids
    ]


class ChannelMembers:
    def __init__(
        self, db: Database, bus: Bus, channels: Channels, audit: AuditLog | None = None
    ) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        self._audit = audit or AuditLog(None)

    async def _readable(self, conn: AsyncConnection, actor: Actor, channel_id: str) -> Channel:
        channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
        if channel is None:
            raise channel_not_found()
        if not await can_read(conn, actor, channel):
            raise errors.forbidden()
        return channel

    # Reads.

    async def list_members(
        self, actor: Actor, channel_id: str, *, offset: int, limit: int
    ) -> list[ChannelMember]:
        async with self._db.read() as conn:
            await self._readable(conn, actor, channel_id)
            return await member_store.list_members(
                conn, actor.tenant_id, channel_id, offset=offset, limit=limit
            )

    async def timezones(self, actor: Actor, channel_id: str) -> list[str]:
        """The distinct timezones the channel's members use (the apps warn before an
        @all that reaches people in several): each member's automatic or manual one, as
        their setting says; members who set none are left out."""
        async with self._db.read() as conn:
            await self._readable(conn, actor, channel_id)
            settings = await user_store.member_timezones(conn, actor.tenant_id, channel_id)
        found: set[str] = set()
        for tz in settings:
            automatic = tz.get("useAutomaticTimezone", "true") == "true"
            name = tz.get("automaticTimezone" if automatic else "manualTimezone", "")
            if name:
                found.add(name)
        return sorted(found)

    async def get(self, actor: Actor, channel_id: str, user_id: str) -> ChannelMember:
        async with self._db.read() as conn:
            await self._readable(conn, actor, channel_id)
            member = await channel_store.get_member(conn, actor.tenant_id, channel_id, user_id)
        if member is None:
            raise member_not_found()
        return member

    async def by_ids(
        self, actor: Actor, channel_id: str, user_ids: Sequence[str]
    ) -> list[ChannelMember]:
        async with self._db.read() as conn:
            await self._readable(conn, actor, channel_id)
            return await member_store.members_by_ids(conn, actor.tenant_id, channel_id, user_ids)

    async def for_user(
        self,
        actor: Actor,
        user_id: str,
        team_id: str | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ChannelMember]:
        """The user's memberships: in one team (plus direct and group ones), or paged."""
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        async with self._db.read() as conn:
            if team_id is not None:
                team = await team_store.get_team(conn, actor.tenant_id, team_id)
                if team is None:
                    raise errors.not_found("team", "app.team.get.find.app_error")
            return await member_store.members_for_user(
                conn, actor.tenant_id, user_id, team_id, offset=offset, limit=limit
            )

    # Joining and adding.

    async def do_add(
        self, actor: Actor, channel_id: str, user_ids: Sequence[str]
    ) -> list[ChannelMember]:
        """Add users (the caller themselves, to join) to an open or private channel."""
        if not user_ids or len(user_ids) > MAX_ADD_AT_ONCE:
            raise errors.invalid_body_param("user_ids")
        now = now_ms()
        roles = await self._channels.permissions.table(actor.tenant_id)
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            await self._check_can_add(conn, actor, channel, user_ids)
            if any(uid != actor.user_id for uid in user_ids):
                await self._require_members_permission(conn, roles, actor, channel)
            for user_id in user_ids:
                await self._check_addable(conn, actor.tenant_id, channel, user_id)
            added = await member_store.insert_members(
                conn, actor.tenant_id, [new_member(channel, uid, now) for uid in user_ids]
            )
            members = await member_store.members_by_ids(conn, actor.tenant_id, channel.id, user_ids)
            recipients = frozenset(
                await channel_store.member_user_ids(conn, actor.tenant_id, channel.id)
            )
        self._channels.invalidate(actor.tenant_id, channel.id)
        if added:
            await self._bus.publish(
                user_added_events(actor.tenant_id, channel, [m.user_id for m in added], recipients)
            )
            if self._channels.hooks.active:
                joined = [m.user_id for m in added]
                self._channels.hooks.joined_channel(
                    actor.tenant_id, channel.id, joined, actor.user_id
                )
            added_ids = [m.user_id for m in added]
            await self._channels.changes.joined_channel(
                actor.tenant_id, channel, added_ids, actor.user_id
            )
        order = {uid: i for i, uid in enumerate(user_ids)}
        return sorted(members, key=lambda m: order.get(m.user_id, 0))

    async def _check_can_add(
        self, conn: AsyncConnection, actor: Actor, channel: Channel, user_ids: Sequence[str]
    ) -> None:
        if channel.type in (DIRECT, GROUP):
            raise add_to_direct_channel()
        if channel.delete_at:
            raise add_to_deleted_channel()
        if actor.is_system_admin:
            return
        if channel.type == OPEN:
            # Anyone in the team may join a public channel or bring others into it; a
            # guest is only added by others.
            if actor.is_guest or await team_membership(conn, actor, channel.team_id) is None:
                raise errors.forbidden()
            return
        member = await channel_store.get_member(conn, actor.tenant_id, channel.id, actor.user_id)
        if member is None and not await is_channel_admin(conn, actor, channel):
            raise errors.forbidden()

    async def _require_members_permission(
        self, conn: AsyncConnection, roles: RoleTable, actor: Actor, channel: Channel
    ) -> None:
        """Bringing others in needs manage_{public,private}_channel_members."""
        member = await channel_store.get_member(conn, actor.tenant_id, channel.id, actor.user_id)
        await self._channels.require_in_channel(
            conn, roles, actor, channel, member, members_permission(channel)
        )

    async def _check_addable(
        self, conn: AsyncConnection, tenant_id: str, channel: Channel, user_id: str
    ) -> None:
        user = await user_store.get_user(conn, tenant_id, user_id)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        if user.delete_at:
            raise add_deactivated_user()
        if await team_store.get_active_member(conn, tenant_id, channel.team_id, user_id) is None:
            raise add_user_not_in_team()

    # Leaving and removing.

    async def do_remove(self, actor: Actor, channel_id: str, user_id: str) -> None:
        roles = await self._channels.permissions.table(actor.tenant_id)
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            leaving = user_id == actor.user_id
            if not leaving:
                member = await channel_store.get_member(
                    conn, actor.tenant_id, channel.id, actor.user_id
                )
                if member is None and not await is_channel_admin(conn, actor, channel):
                    raise errors.forbidden()
                if not channel.is_direct_or_group:
                    await self._channels.require_in_channel(
                        conn, roles, actor, channel, member, members_permission(channel)
                    )
            await self._check_removable(conn, actor.tenant_id, channel, user_id, leaving)
            if not await member_store.delete_member(conn, actor.tenant_id, channel.id, user_id):
                raise member_not_found()
            await thread_store.left_channels(conn, actor.tenant_id, user_id, [channel.id])
            await category_store.forget_channels(conn, actor.tenant_id, user_id, [channel.id])
            remaining = frozenset(
                await channel_store.member_user_ids(conn, actor.tenant_id, channel.id)
            )
        self._channels.invalidate(actor.tenant_id, channel.id)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    USER_REMOVED,
                    {"user_id": user_id, "remover_id": actor.user_id},
                    Broadcast(recipients=remaining, channel_id=channel.id),
                ),
                Event(
                    actor.tenant_id,
                    USER_REMOVED,
                    {"channel_id": channel.id, "remover_id": actor.user_id},
                    Broadcast(recipients=frozenset({user_id}), user_id=user_id),
                ),
            ]
        )
        if self._channels.hooks.active:
            self._channels.hooks.notify(
                lambda h: h.left_channel(actor.tenant_id, channel.id, user_id, actor.user_id)
            )
        await self._channels.changes.left_channel(actor.tenant_id, channel, user_id, actor.user_id)

    @staticmethod
    async def _check_removable(
        conn: AsyncConnection, tenant_id: str, channel: Channel, user_id: str, leaving: bool
    ) -> None:
        if channel.type == DIRECT or (channel.type == GROUP and not leaving):
            raise remove_from_direct_channel()
        if channel.name == TOWN_SQUARE and channel.team_id:
            # A guest may leave it (as in Mattermost): they keep to the channels they
            # were invited to, and see only the people there.
            user = await user_store.get_user(conn, tenant_id, user_id)
            if user is None or "system_guest" not in user.roles.split():
                raise remove_from_default_channel()

    # A member's own settings and roles.

    async def do_update_notify_props(
        self, actor: Actor, channel_id: str, user_id: str, props: Mapping[str, Any]
    ) -> ChannelMember:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        updates: dict[str, str] = {}
        for key, value in props.items():
            if key not in NOTIFY_PROPS:
                continue
            allowed = NOTIFY_PROPS[key]
            if not isinstance(value, str) or len(value) > NOTIFY_VALUE_MAX:
                raise errors.invalid_body_param(f"notify_props.{key}")
            if allowed is not None and value not in allowed:
                raise errors.invalid_body_param(f"notify_props.{key}")
            updates[key] = value
        async with self._db.write() as conn:
            member = await channel_store.get_member(conn, actor.tenant_id, channel_id, user_id)
            if member is None:
                if await channel_store.get_channel(conn, actor.tenant_id, channel_id) is None:
                    raise channel_not_found()
                raise member_not_found()
            member.notify_props.update(updates)
            member.last_update_at = now_ms()
            await member_store.update_member(conn, actor.tenant_id, member)
        await self._publish_member_updated(actor.tenant_id, member)
        return member

    async def do_update_roles(
        self, actor: Actor, channel_id: str, user_id: str, *, scheme_admin: bool
    ) -> ChannelMember:
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            if not await is_channel_admin(conn, actor, channel):
                raise errors.forbidden()
            if channel.is_direct_or_group:
                raise direct_channel_roles()
            member = await channel_store.get_member(conn, actor.tenant_id, channel_id, user_id)
            if member is None:
                raise member_not_found()
            member.scheme_admin = scheme_admin
            member.scheme_user = True
            member.last_update_at = now_ms()
            await member_store.update_member(conn, actor.tenant_id, member)
        self._audit.record(
            actor,
            "updateChannelMemberRoles",
            f"channel_id={channel_id} user_id={user_id} channel_admin={scheme_admin}",
        )
        await self._publish_member_updated(actor.tenant_id, member)
        return member

    async def _publish_member_updated(self, tenant_id: str, member: ChannelMember) -> None:
        payload = orjson.dumps(member.to_dict()).decode()
        await self._bus.publish(
            [
                Event(
                    tenant_id,
                    CHANNEL_MEMBER_UPDATED,
                    {"channelMember": payload},
                    Broadcast(recipients=frozenset({member.user_id}), user_id=member.user_id),
                )
            ]
        )

    # Read state.

    async def do_view(
        self, actor: Actor, user_id: str, channel_ids: Sequence[str]
    ) -> dict[str, int]:
        """Mark channels read up to now; returns each one's new ``last_viewed_at``.

        Channels the user is not a member of are skipped, as Mattermost's view does.
        """
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        wanted = list(dict.fromkeys(c for c in channel_ids if c))
        if not wanted:
            return {}
        now = now_ms()
        async with self._db.write() as conn:
            member_of = await member_store.member_channel_ids(
                conn, actor.tenant_id, user_id, wanted
            )
            await member_store.mark_viewed(conn, actor.tenant_id, user_id, member_of, now)
        times = {cid: now for cid in wanted if cid in set(member_of)}
        if times:
            await self._bus.publish(
                [
                    Event(
                        actor.tenant_id,
                        MULTIPLE_CHANNELS_VIEWED,
                        {"channel_times": times},
                        Broadcast(recipients=frozenset({user_id}), user_id=user_id),
                    )
                ]
            )
        return times

    async def unread(self, actor: Actor, user_id: str, channel_id: str) -> dict[str, Any]:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        async with self._db.read() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            rows = await member_store.unreads_for_user(
                conn, actor.tenant_id, user_id, channel_id=channel_id
            )
        if not rows:
            raise member_not_found()
        row = rows[0]
        # Mattermost's ChannelUnread carries the member's notify props alongside the counts.
        return row
