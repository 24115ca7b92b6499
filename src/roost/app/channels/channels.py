"""Channels: creating, finding, editing and archiving them, and who may see them.

Membership changes live in ``channel_members``; direct and group channels in
``direct_channels``. This module also keeps the member-id cache every post's fan-out
reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import orjson

from roost.app.accounts.permissions import Permissions
from roost.app.accounts.roles import Roles
from roost.app.channels.changes import ChannelChanges
from roost.app.channels.errors import (
    channel_name_taken,
    channel_not_archived,
    delete_default_channel,
    delete_deleted_channel,
    delete_direct_channel,
    invalid_channel_display_name,
    invalid_channel_header,
    invalid_channel_name,
    invalid_channel_purpose,
    invalid_channel_type,
    invalid_default_channel_update,
    rename_direct_channel,
    update_deleted_channel,
)
from roost.app.kernel import errors, validation
from roost.app.kernel.context import Actor
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.kernel.read_cache import ReadCache
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.channel import OPEN, PRIVATE, Channel, ChannelMember
from roost.model.event import Broadcast, Event
from roost.model.events import (
    CHANNEL_CREATED,
    CHANNEL_DELETED,
    CHANNEL_RESTORED,
    CHANNEL_UPDATED,
    DIRECT_ADDED,
    GROUP_ADDED,
    LEAVE_TEAM,
    RESYNC,
    TYPING,
    USER_ADDED,
    USER_REMOVED,
)
from roost.model.roles import RoleTable
from roost.model.team import Team, TeamMember
from roost.store.channels import channels as channel_store
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database

MAX_TYPING_PARENT = 26
CHANNEL_NAME_MAX = 64
DISPLAY_NAME_MAX = 64
HEADER_MAX = 1024
PURPOSE_MAX = 250
MEMBER_CACHE_SIZE = 20_000

# Permissions checked here and in members.py (the role data: app/accounts/permissions.py).
CREATE_PUBLIC_CHANNEL = "create_public_channel"
CREATE_PRIVATE_CHANNEL = "create_private_channel"
MANAGE_PUBLIC_CHANNEL_PROPERTIES = "manage_public_channel_properties"
MANAGE_PRIVATE_CHANNEL_PROPERTIES = "manage_private_channel_properties"
DELETE_PUBLIC_CHANNEL = "delete_public_channel"
DELETE_PRIVATE_CHANNEL = "delete_private_channel"
MANAGE_PUBLIC_CHANNEL_MEMBERS = "manage_public_channel_members"
MANAGE_PRIVATE_CHANNEL_MEMBERS = "manage_private_channel_members"

TOWN_SQUARE = "town-square"
OFF_TOPIC = "off-topic"
# Created with every team, and joined by everyone who joins it.
DEFAULT_CHANNELS = ((TOWN_SQUARE, "Town Square"), (OFF_TOPIC, "Off-Topic"))

# Events after which a channel's own row (name, type, archive state) may have changed.
_CHANNEL_ROW_EVENTS = frozenset({CHANNEL_UPDATED, CHANNEL_DELETED, CHANNEL_RESTORED})
META_CACHE_SIZE = 20_000

# Events after which a channel's member set may have changed.
_MEMBERSHIP_EVENTS = frozenset(
    {USER_ADDED, USER_REMOVED, DIRECT_ADDED, GROUP_ADDED, CHANNEL_CREATED}
)


def channel_not_found() -> errors.AppError:
    return errors.not_found("channel", "app.channel.get.existing.app_error")


def channel_name_not_found() -> errors.AppError:
    return errors.not_found("channel", "app.channel.get_by_name.missing.app_error")


def team_not_found() -> errors.AppError:
    return errors.not_found("team", "app.team.get.find.app_error")


def default_channels(team_id: str, creator_id: str, now: int) -> list[Channel]:
    return [
        Channel(
            id=new_id(),
            team_id=team_id,
            type=OPEN,
            name=name,
            display_name=display,
            create_at=now,
            update_at=now,
            creator_id=creator_id,
        )
        for name, display in DEFAULT_CHANNELS
    ]


def new_member(channel: Channel, user_id: str, now: int, admin: bool = False) -> ChannelMember:
    """A fresh membership. As in Mattermost, it has read nothing: the history is unread."""
    return ChannelMember(
        channel_id=channel.id, user_id=user_id, scheme_admin=admin, last_update_at=now
    )


async def active_team(conn: AsyncConnection, tenant_id: str, team_id: str) -> Team:
    team = await team_store.get_team(conn, tenant_id, team_id)
    if team is None or team.delete_at:
        raise team_not_found()
    return team


async def team_membership(conn: AsyncConnection, actor: Actor, team_id: str) -> TeamMember | None:
    return await team_store.get_active_member(conn, actor.tenant_id, team_id, actor.user_id)


async def can_read(conn: AsyncConnection, actor: Actor, channel: Channel) -> bool:
    """Members read a channel; a public one also anyone in its team but guests; admins
    everything."""
    if actor.is_system_admin:
        return True
    if await channel_store.get_member(conn, actor.tenant_id, channel.id, actor.user_id):
        return True
    if channel.type == OPEN and not actor.is_guest:
        return await team_membership(conn, actor, channel.team_id) is not None
    return False


async def is_channel_admin(conn: AsyncConnection, actor: Actor, channel: Channel) -> bool:
    """A system admin, an admin of the channel's team, or of the channel itself."""
    if actor.is_system_admin:
        return True
    if channel.team_id:
        team_member = await team_membership(conn, actor, channel.team_id)
        if team_member is not None and team_member.scheme_admin:
            return True
    member = await channel_store.get_member(conn, actor.tenant_id, channel.id, actor.user_id)
    return member is not None and member.scheme_admin


def properties_permission(channel: Channel) -> str:
    if channel.type == OPEN:
        return MANAGE_PUBLIC_CHANNEL_PROPERTIES
    return MANAGE_PRIVATE_CHANNEL_PROPERTIES


def members_permission(channel: Channel) -> str:
    if channel.type == OPEN:
        return MANAGE_PUBLIC_CHANNEL_MEMBERS
    return MANAGE_PRIVATE_CHANNEL_MEMBERS


def _text(patch: Mapping[str, Any], name: str) -> str | None:
    value = patch.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid_body_param(name)
    return value


def check_channel_fields(channel: Channel) -> None:
    if channel.type not in (OPEN, PRIVATE) and not channel.is_direct_or_group:
        raise invalid_channel_type()
    if not channel.is_direct_or_group:
        if not validation.is_valid_url_name(channel.name, 1, CHANNEL_NAME_MAX):
            raise invalid_channel_name()
        display = channel.display_name.strip()
        if not display or len(channel.display_name) > DISPLAY_NAME_MAX:
            raise invalid_channel_display_name()
    if len(channel.header) > HEADER_MAX:
        raise invalid_channel_header()
    if len(channel.purpose) > PURPOSE_MAX:
        raise invalid_channel_purpose()


class Channels:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        typing_member_limit: int = 1000,
        hooks: LifecycleHooks | None = None,
        permissions: Permissions | None = None,
    ) -> None:
        self._db = db
        self.hooks = hooks or LifecycleHooks()
        # Told of membership and channel changes (the system posts; set by compose).
        self.changes = ChannelChanges()
        # The tenant's role data: every channel-domain service and those above ask it.
        self.permissions = permissions or Permissions(Roles(db, bus))
        self._bus = bus
        self.typing_member_limit = typing_member_limit
        # A read that raced an invalidation is not cached (ReadCache's token).
        self._members: ReadCache[tuple[str, str], frozenset[str]] = ReadCache(MEMBER_CACHE_SIZE)
        self._meta: ReadCache[tuple[str, str], Channel] = ReadCache(META_CACHE_SIZE)
        # Membership events also arrive from other nodes once the bus spans them.
        bus.subscribe(self._on_event)

    # The member-id cache.

    async def member_ids(self, tenant_id: str, channel_id: str) -> frozenset[str]:
        """Everyone in a channel: the recipients of its events."""
        key = (tenant_id, channel_id)
        cached = self._members.get(key)
        if cached is not None:
            return cached
        token = self._members.token()
        async with self._db.read() as conn:
            ids = frozenset(await channel_store.member_user_ids(conn, tenant_id, channel_id))
        self._members.fill(token, [(key, ids)])
        return ids

    async def meta(self, tenant_id: str, channel_id: str) -> Channel | None:
        """The channel as last changed, from a cache: trust its name, type, team and
        archive state, not its counters (they move with every post)."""
        key = (tenant_id, channel_id)
        cached = self._meta.get(key)
        if cached is not None:
            return cached
        token = self._meta.token()
        async with self._db.read() as conn:
            channel = await channel_store.get_channel(conn, tenant_id, channel_id)
        if channel is not None:
            self._meta.fill(token, [(key, channel)])
        return channel

    def invalidate(self, tenant_id: str, channel_id: str | None = None) -> None:
        """Forget one channel's members, or (no id) every channel's."""
        if channel_id is None:
            self._members.clear()
            self._meta.clear()
        else:
            self._members.forget((tenant_id, channel_id))
            self._meta.forget((tenant_id, channel_id))

    def _on_event(self, event: Event) -> None:
        if event.name == RESYNC or event.name == LEAVE_TEAM:
            self.invalidate(event.tenant_id)
        elif event.name in _MEMBERSHIP_EVENTS or event.name in _CHANNEL_ROW_EVENTS:
            channel_id = event.broadcast.channel_id or event.data.get("channel_id")
            if isinstance(channel_id, str) and channel_id:
                self.invalidate(event.tenant_id, channel_id)
            else:
                self.invalidate(event.tenant_id)

    # Reads.

    async def get_as_member(self, actor: Actor, channel_id: str) -> Channel:
        """The channel, if the caller is a member of it; 404 or 403 otherwise."""
        async with self._db.read() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            member = await channel_store.get_member(
                conn, actor.tenant_id, channel_id, actor.user_id
            )
        if member is None:
            raise errors.forbidden()
        return channel

    async def get(self, actor: Actor, channel_id: str) -> Channel:
        """The channel, if the caller may read it; 404 or 403 otherwise."""
        async with self._db.read() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            if not await can_read(conn, actor, channel):
                raise errors.forbidden()
        return channel

    async def get_by_name(
        self, actor: Actor, team_id: str, name: str, include_deleted: bool = False
    ) -> Channel:
        async with self._db.read() as conn:
            await active_team(conn, actor.tenant_id, team_id)
            return await self._by_name(conn, actor, team_id, name, include_deleted)

    async def get_by_team_name(
        self, actor: Actor, team_name: str, name: str, include_deleted: bool = False
    ) -> Channel:
        async with self._db.read() as conn:
            team = await team_store.get_team_by_name(conn, actor.tenant_id, team_name)
            if team is None or team.delete_at:
                raise errors.not_found("team", "app.team.get_by_name.missing.app_error")
            return await self._by_name(conn, actor, team.id, name, include_deleted)

    async def _by_name(
        self, conn: AsyncConnection, actor: Actor, team_id: str, name: str, include_deleted: bool
    ) -> Channel:
        channel = await channel_store.get_channel_by_name(conn, actor.tenant_id, team_id, name)
        if channel is None or (channel.delete_at and not include_deleted):
            raise channel_name_not_found()
        if not await can_read(conn, actor, channel):
            # A public channel's existence is no secret to outsiders of the team; a
            # private one's is: those look exactly like a missing channel.
            if channel.type == OPEN:
                raise errors.forbidden()
            raise channel_name_not_found()
        return channel

    async def list_team_channels(
        self,
        actor: Actor,
        team_id: str,
        *,
        offset: int,
        limit: int,
        kind: str = "public",
        term: str = "",
    ) -> list[Channel]:
        """``kind``: public, deleted (archived public) or private (system admins only)."""
        async with self._db.read() as conn:
            await active_team(conn, actor.tenant_id, team_id)
            if kind == "private":
                if not actor.is_system_admin:
                    raise errors.forbidden()
            elif not actor.is_system_admin and (
                # A guest sees only the channels they are in (Mattermost: no
                # list_team_channels for team_guest).
                actor.is_guest or await team_membership(conn, actor, team_id) is None
            ):
                raise errors.forbidden()
            types = [PRIVATE] if kind == "private" else [OPEN]
            return await channel_store.list_team_channels(
                conn,
                actor.tenant_id,
                team_id,
                types,
                offset=offset,
                limit=limit,
                deleted=kind == "deleted",
                term=term,
            )

    async def for_user(
        self,
        actor: Actor,
        user_id: str,
        team_id: str | None = None,
        include_deleted: bool = False,
    ) -> list[Channel]:
        """The user's channels (in a team: that team's plus direct and group ones)."""
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        async with self._db.read() as conn:
            if team_id is not None:
                await active_team(conn, actor.tenant_id, team_id)
            return await channel_store.user_channels(
                conn, actor.tenant_id, user_id, team_id, include_deleted=include_deleted
            )

    async def stats(self, actor: Actor, channel_id: str) -> dict[str, Any]:
        async with self._db.read() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            if not await can_read(conn, actor, channel):
                raise errors.forbidden()
            count = await member_store.count_members(conn, actor.tenant_id, channel_id)
        return {
            "channel_id": channel_id,
            "member_count": count,
            "guest_count": 0,
            "pinnedpost_count": 0,
            "files_count": 0,
        }

    # Changes.

    async def do_create(self, actor: Actor, fields: Mapping[str, Any]) -> Channel:
        """An open or private channel in a team the caller belongs to; they become its admin."""
        team_id = fields.get("team_id")
        if not isinstance(team_id, str) or not team_id:
            raise errors.invalid_param("team_id")
        if fields.get("display_name") in (None, ""):
            raise errors.invalid_param("display_name")
        kind = fields.get("type", OPEN)
        if kind not in (OPEN, PRIVATE):
            raise invalid_channel_type()
        now = now_ms()
        channel = Channel(
            id=new_id(),
            team_id=team_id,
            type=kind,
            name=_text(fields, "name") or "",
            display_name=_text(fields, "display_name") or "",
            header=_text(fields, "header") or "",
            purpose=_text(fields, "purpose") or "",
            create_at=now,
            update_at=now,
            creator_id=actor.user_id,
        )
        check_channel_fields(channel)
        roles = await self.permissions.table(actor.tenant_id)
        async with self._db.write() as conn:
            await active_team(conn, actor.tenant_id, team_id)
            team_member = await team_membership(conn, actor, team_id)
            if team_member is None:
                raise errors.forbidden()
            wanted = CREATE_PUBLIC_CHANNEL if kind == OPEN else CREATE_PRIVATE_CHANNEL
            self.permissions.require_team(roles, actor, team_member.roles, wanted)
            if not await channel_store.insert_channel(conn, actor.tenant_id, channel):
                raise channel_name_taken()
            await member_store.insert_members(
                conn, actor.tenant_id, [new_member(channel, actor.user_id, now, admin=True)]
            )
        self.invalidate(actor.tenant_id, channel.id)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    CHANNEL_CREATED,
                    {"channel_id": channel.id, "team_id": team_id},
                    Broadcast(
                        recipients=frozenset({actor.user_id}),
                        user_id=actor.user_id,
                        team_id=team_id,
                    ),
                )
            ]
        )
        if self.hooks.active:
            self.hooks.notify(lambda h: h.channel_created(actor.tenant_id, channel))
        await self.changes.channel_created(actor.tenant_id, channel, actor.user_id)
        return channel

    async def do_patch(
        self, actor: Actor, channel_id: str, patch: Mapping[str, Any], replace: bool = False
    ) -> Channel:
        """Change name, display name, header or purpose. Members may; admins always.

        ``replace`` is PUT's full update: absent fields keep their values as with patch,
        but the body must not name another channel.
        """
        if replace and patch.get("id") not in (None, channel_id):
            raise errors.invalid_body_param("id")
        roles = await self.permissions.table(actor.tenant_id)
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            member = await channel_store.get_member(
                conn, actor.tenant_id, channel_id, actor.user_id
            )
            if member is None and not await is_channel_admin(conn, actor, channel):
                raise errors.forbidden()
            if not channel.is_direct_or_group:
                # Direct and group channels: their members, as in Mattermost.
                await self.require_in_channel(
                    conn, roles, actor, channel, member, properties_permission(channel)
                )
            if channel.delete_at:
                raise update_deleted_channel()
            before = dataclasses.replace(channel)
            changed = self._apply_patch(channel, patch)
            check_channel_fields(channel)
            if "name" in changed:
                other = await channel_store.get_channel_by_name(
                    conn, actor.tenant_id, channel.team_id, channel.name
                )
                if other is not None and other.id != channel.id:
                    raise channel_name_taken()
            channel.update_at = now_ms()
            await channel_store.update_channel(conn, actor.tenant_id, channel)
        await self.publish_updated(actor.tenant_id, channel)
        await self.changes.channel_patched(actor.tenant_id, before, channel, actor.user_id)
        return channel

    async def require_in_channel(
        self,
        conn: AsyncConnection,
        roles: RoleTable,
        actor: Actor,
        channel: Channel,
        member: ChannelMember | None,
        permission: str,
    ) -> None:
        """The caller holds the permission in the channel (system, team member and
        channel member roles; ``roles`` taken before the transaction)."""
        team_roles = ""
        if channel.team_id:
            team_member = await team_membership(conn, actor, channel.team_id)
            team_roles = team_member.roles if team_member is not None else ""
        channel_roles = member.roles if member is not None else ""
        self.permissions.require_channel(roles, actor, team_roles, channel_roles, permission)

    @staticmethod
    def _apply_patch(channel: Channel, patch: Mapping[str, Any]) -> set[str]:
        changed: set[str] = set()
        for name in ("display_name", "name", "header", "purpose"):
            value = _text(patch, name)
            if value is None or value == getattr(channel, name):
                continue
            if name in ("display_name", "name") and channel.is_direct_or_group:
                raise rename_direct_channel()
            if name == "name" and channel.name == TOWN_SQUARE:
                raise invalid_default_channel_update()
            setattr(channel, name, value)
            changed.add(name)
        return changed

    async def publish_updated(self, tenant_id: str, channel: Channel) -> None:
        recipients = await self.member_ids(tenant_id, channel.id)
        payload = orjson.dumps(channel.to_dict()).decode()
        await self._bus.publish(
            [
                Event(
                    tenant_id,
                    CHANNEL_UPDATED,
                    {"channel": payload},
                    Broadcast(recipients=recipients, channel_id=channel.id),
                )
            ]
        )

    async def do_delete(self, actor: Actor, channel_id: str) -> Channel:
        """Archive: the channel stays readable but takes no more posts or members.
        Members whose roles grant ``delete_public_channel`` / ``delete_private_channel``
        may (every member on a new server, as Mattermost; a role patch narrows it)."""
        roles = await self.permissions.table(actor.tenant_id)
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            if not await can_read(conn, actor, channel):
                raise errors.forbidden()
            member = await channel_store.get_member(
                conn, actor.tenant_id, channel_id, actor.user_id
            )
            if member is None and not await is_channel_admin(conn, actor, channel):
                raise errors.forbidden()
            if channel.is_direct_or_group:
                raise delete_direct_channel()
            delete = DELETE_PUBLIC_CHANNEL if channel.type == OPEN else DELETE_PRIVATE_CHANNEL
            await self.require_in_channel(conn, roles, actor, channel, member, delete)
            if channel.name == TOWN_SQUARE:
                raise delete_default_channel()
            if channel.delete_at:
                raise delete_deleted_channel()
            channel.delete_at = channel.update_at = now_ms()
            await channel_store.update_channel(conn, actor.tenant_id, channel)
            recipients = await self._audience(conn, actor.tenant_id, channel)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    CHANNEL_DELETED,
                    {"channel_id": channel.id, "delete_at": channel.delete_at},
                    Broadcast(
                        recipients=recipients, channel_id=channel.id, team_id=channel.team_id
                    ),
                )
            ]
        )
        await self.changes.channel_archived(actor.tenant_id, channel, actor.user_id)
        return channel

    async def do_restore(self, actor: Actor, channel_id: str) -> Channel:
        """Unarchive; team and system admins only, as in Mattermost."""
        async with self._db.write() as conn:
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None:
                raise channel_not_found()
            team_member = (
                await team_membership(conn, actor, channel.team_id) if channel.team_id else None
            )
            if not actor.is_system_admin and not (team_member and team_member.scheme_admin):
                raise errors.forbidden()
            if not channel.delete_at:
                raise channel_not_archived()
            channel.delete_at = 0
            channel.update_at = now_ms()
            await channel_store.update_channel(conn, actor.tenant_id, channel)
            recipients = await self._audience(conn, actor.tenant_id, channel)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    CHANNEL_RESTORED,
                    {"channel_id": channel.id},
                    Broadcast(
                        recipients=recipients, channel_id=channel.id, team_id=channel.team_id
                    ),
                )
            ]
        )
        await self.changes.channel_restored(actor.tenant_id, channel, actor.user_id)
        return channel

    async def _audience(
        self, conn: AsyncConnection, tenant_id: str, channel: Channel
    ) -> frozenset[str]:
        """Who learns of a channel's archiving: its team for public ones, else its members."""
        if channel.type == OPEN:
            return frozenset(await team_store.member_user_ids(conn, tenant_id, channel.team_id))
        return frozenset(await channel_store.member_user_ids(conn, tenant_id, channel.id))

    async def do_user_typing_for(
        self, actor: Actor, user_id: str, channel_id: str, parent_id: str
    ) -> None:
        """``POST /users/{user_id}/typing``: the caller types, or a system admin says that
        another user does (Mattermost's rule); then the WebSocket action's rules."""
        if user_id != actor.user_id:
            if not actor.is_system_admin:
                raise errors.forbidden()
            actor = dataclasses.replace(actor, user_id=user_id, connection_id="")
        await self.do_user_typing(actor, channel_id, parent_id)

    async def do_user_typing(self, actor: Actor, channel_id: str, parent_id: str) -> None:
        if len(parent_id) > MAX_TYPING_PARENT:
            raise errors.invalid_param("parent_id")
        # From the caches: typing is the most frequent event a client sends.
        channel = await self.meta(actor.tenant_id, channel_id)
        if channel is None:
            raise channel_not_found()
        recipients = await self.member_ids(actor.tenant_id, channel_id)
        if actor.user_id not in recipients:
            raise errors.forbidden()
        if channel.delete_at or len(recipients) >= self.typing_member_limit:
            # Nobody hears typing in an archived channel, nor in one so large that the
            # fan-out would cost more than it tells (Mattermost's clients do not even
            # send it there; this holds for clients that do).
            return
        broadcast = Broadcast(
            recipients=recipients,
            channel_id=channel_id,
            omit_users=frozenset({actor.user_id}),
        )
        event = Event(
            actor.tenant_id, TYPING, {"parent_id": parent_id, "user_id": actor.user_id}, broadcast
        )
        await self._bus.publish([event])
