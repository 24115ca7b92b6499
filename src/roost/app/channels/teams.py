"""Teams and team membership. Joining a team also joins its default channels."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson

from roost.app.accounts.permissions import denied
from roost.app.accounts.visibility import UserVisibility
from roost.app.channels.channels import (
    DEFAULT_CHANNELS,
    Channels,
    default_channels,
    new_member,
    team_not_found,
)
from roost.app.channels.errors import (
    invalid_team_display_name,
    invalid_team_email,
    invalid_team_field,
    invalid_team_name,
    invalid_team_name_characters,
    invalid_team_type,
    invite_not_found,
    join_deactivated_user,
    reserved_team_name,
    search_paging_not_implemented,
    team_creation_disabled,
    team_name_taken,
)
from roost.app.channels.members import user_added_events
from roost.app.kernel import errors, validation
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.channel import Channel
from roost.model.event import Broadcast, Event
from roost.model.events import (
    ADDED_TO_TEAM,
    DELETE_TEAM,
    LEAVE_TEAM,
    MEMBERROLE_UPDATED,
    RESTORE_TEAM,
    UPDATE_TEAM,
)
from roost.model.team import Team, TeamMember
from roost.store.accounts import users as user_store
from roost.store.channels import categories as category_store
from roost.store.channels import channels as channel_store
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import threads as thread_store

MANAGE_SYSTEM = "manage_system"
LIST_PUBLIC_TEAMS = "list_public_teams"
LIST_PRIVATE_TEAMS = "list_private_teams"
OPEN_TEAM = "O"
INVITE_TEAM = "I"
CREATE_TEAM = "create_team"
TEAM_NAME_MIN = 2
TEAM_NAME_MAX = 64
DISPLAY_NAME_MAX = 64
DESCRIPTION_MAX = 255
COMPANY_NAME_MAX = 64
ALLOWED_DOMAINS_MAX = 1000
EMAIL_MAX = 128
MAX_MEMBERS_AT_ONCE = 256
# Mattermost refuses team names that start with any of these: they are URL paths.
RESERVED_TEAM_PREFIXES = (
    "admin",
    "api",
    "boards",
    "channel",
    "claim",
    "error",
    "files",
    "help",
    "landing",
    "login",
    "mfa",
    "oauth",
    "playbooks",
    "plug",
    "post",
    "signup",
)
_TEAM_NAME = re.compile(r"^[a-z0-9]+([a-z0-9\-]+|(__)?)[a-z0-9]+\Z")
PATCHABLE_TEXT = {
    "display_name": DISPLAY_NAME_MAX,
    "description": DESCRIPTION_MAX,
    "company_name": COMPANY_NAME_MAX,
    "allowed_domains": ALLOWED_DOMAINS_MAX,
    "email": EMAIL_MAX,
}


def member_missing() -> errors.AppError:
    return errors.not_found("team member", "app.team.get_member.missing.app_error")


def team_name_missing() -> errors.AppError:
    return errors.not_found("team", "app.team.get_by_name.missing.app_error")


def check_team_name(name: str) -> None:
    if not TEAM_NAME_MIN <= len(name) <= TEAM_NAME_MAX:
        raise invalid_team_name()
    if not _TEAM_NAME.match(name):
        raise invalid_team_name_characters()
    if name.startswith(RESERVED_TEAM_PREFIXES):
        raise reserved_team_name()


def check_team_fields(team: Team) -> None:
    if not team.display_name.strip() or len(team.display_name) > DISPLAY_NAME_MAX:
        raise invalid_team_display_name()
    if team.type not in (OPEN_TEAM, INVITE_TEAM):
        raise invalid_team_type()
    for name, limit in PATCHABLE_TEXT.items():
        if name != "display_name" and len(getattr(team, name)) > limit:
            raise invalid_team_field(name)
    if team.email and not validation.is_valid_email(team.email):
        raise invalid_team_email()


@dataclass(frozen=True, slots=True)
class TeamQuery:
    """A ``POST /teams/search`` body; ``paged`` when it gave both page and per_page."""

    term: str = ""
    allow_open_invite: bool | None = None
    group_constrained: bool | None = None
    paged: bool = False
    page: int = 0
    per_page: int = 0


def is_open(team: Team) -> bool:
    return team.allow_open_invite and team.type == OPEN_TEAM


@dataclass(slots=True)
class _Joined:
    """What a join changed, for the events sent once it has committed."""

    member: TeamMember
    new: bool
    channels: list[tuple[Channel, frozenset[str]]]


class Teams:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        channels: Channels,
        audit: AuditLog | None = None,
        visibility: UserVisibility | None = None,
    ) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        self._audit = audit or AuditLog(None)
        # Member lists leave out the people the caller may not see (a guest's).
        self._visibility = visibility

    async def _viewer(self, actor: Actor) -> str:
        return "" if self._visibility is None else await self._visibility.viewer(actor)

    # Access.

    async def _membership(
        self, conn: AsyncConnection, actor: Actor, team_id: str
    ) -> TeamMember | None:
        return await team_store.get_active_member(conn, actor.tenant_id, team_id, actor.user_id)

    async def _visible(self, conn: AsyncConnection, actor: Actor, team: Team) -> bool:
        """Members and system admins see a team; everyone sees an open one."""
        if actor.is_system_admin or (is_open(team) and not team.delete_at):
            return True
        return await self._membership(conn, actor, team.id) is not None

    async def _check_admin(self, conn: AsyncConnection, actor: Actor, team_id: str) -> None:
        if actor.is_system_admin:
            return
        member = await self._membership(conn, actor, team_id)
        if member is None or not member.scheme_admin:
            raise errors.forbidden()

    async def _check_viewer(self, conn: AsyncConnection, actor: Actor, team_id: str) -> Team:
        """The team, if the caller is in it (or a system admin)."""
        team = await team_store.get_team(conn, actor.tenant_id, team_id)
        if team is None:
            raise team_not_found()
        if not actor.is_system_admin and await self._membership(conn, actor, team_id) is None:
            raise errors.forbidden()
        return team

    async def _present(self, conn: AsyncConnection, actor: Actor, teams: list[Team]) -> list[Team]:
        """Teams as the caller may see them: only admins see the contact email, and only
        members the invite id (which lets anyone join)."""
        if actor.is_system_admin or not teams:
            return teams
        mine = {
            m.team_id: m
            for m in await team_store.members_for_user(conn, actor.tenant_id, actor.user_id)
        }
        shown = []
        for team in teams:
            member = mine.get(team.id)
            if member is not None and member.scheme_admin:
                shown.append(team)
            elif member is not None:
                shown.append(replace(team, email=""))
            else:
                shown.append(replace(team, email="", invite_id=""))
        return shown

    @staticmethod
    def _check_self(actor: Actor, user_id: str) -> None:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()

    # Team reads.

    async def get(self, actor: Actor, team_id: str) -> Team:
        async with self._db.read() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None:
                raise team_not_found()
            if not await self._visible(conn, actor, team):
                raise errors.forbidden()
            return (await self._present(conn, actor, [team]))[0]

    async def get_by_name(self, actor: Actor, name: str) -> Team:
        async with self._db.read() as conn:
            team = await team_store.get_team_by_name(conn, actor.tenant_id, name)
            if team is None:
                raise team_name_missing()
            if not await self._visible(conn, actor, team):
                raise errors.forbidden()
            return (await self._present(conn, actor, [team]))[0]

    async def exists(self, actor: Actor, name: str) -> bool:
        """Whether a team of that name exists that the caller may know of."""
        async with self._db.read() as conn:
            team = await team_store.get_team_by_name(conn, actor.tenant_id, name)
            return team is not None and await self._visible(conn, actor, team)

    async def list_teams(
        self, actor: Actor, *, offset: int, limit: int, include_deleted: bool = False
    ) -> tuple[list[Team], int]:
        """Open teams, or every team for a system admin; with the total count. Archived
        teams too when a system admin asks (the System Console restores them)."""
        if include_deleted and not actor.is_system_admin:
            raise denied(actor, MANAGE_SYSTEM)
        open_only = not actor.is_system_admin
        async with self._db.read() as conn:
            teams = await team_store.list_teams(
                conn,
                actor.tenant_id,
                offset=offset,
                limit=limit,
                open_only=open_only,
                include_deleted=include_deleted,
            )
            total = await team_store.count_teams(
                conn, actor.tenant_id, open_only=open_only, include_deleted=include_deleted
            )
            return await self._present(conn, actor, teams), total

    async def search(self, actor: Actor, query: TeamQuery) -> tuple[list[Team], int]:
        """``POST /teams/search``, as Mattermost answers it: whoever may list both open
        and private teams (system admins) searches them all, archived ones included;
        otherwise only the kind the caller's roles list (open teams, for ``system_user``),
        archived ones left out, and unpaged (a page is Mattermost's 501)."""
        permissions = self._channels.permissions
        public = await permissions.has_permission(actor, LIST_PUBLIC_TEAMS)
        private = await permissions.has_permission(actor, LIST_PRIVATE_TEAMS)
        if not public and not private:
            return [], 0
        kind = "all" if public and private else "open" if public else "private"
        if kind != "all" and query.paged:
            raise search_paging_not_implemented(kind)
        async with self._db.read() as conn:
            found, total = await team_store.search_teams(
                conn,
                actor.tenant_id,
                term=query.term,
                kind=kind,
                allow_open_invite=query.allow_open_invite,
                group_constrained=query.group_constrained,
                include_deleted=kind == "all",
                offset=query.page * query.per_page if query.paged else 0,
                limit=query.per_page if query.paged else None,
            )
            return await self._present(conn, actor, found), total

    async def for_user(self, actor: Actor, user_id: str) -> list[Team]:
        self._check_self(actor, user_id)
        async with self._db.read() as conn:
            teams = await team_store.teams_for_user(conn, actor.tenant_id, user_id)
            return await self._present(conn, actor, teams)

    async def stats(self, actor: Actor, team_id: str) -> dict[str, Any]:
        async with self._db.read() as conn:
            await self._check_viewer(conn, actor, team_id)
            total, active = await team_store.count_members(conn, actor.tenant_id, team_id)
        return {"team_id": team_id, "total_member_count": total, "active_member_count": active}

    # Member reads.

    async def members(
        self, actor: Actor, team_id: str, *, offset: int, limit: int
    ) -> list[TeamMember]:
        viewer = await self._viewer(actor)
        async with self._db.read() as conn:
            await self._check_viewer(conn, actor, team_id)
            return await team_store.list_members(
                conn, actor.tenant_id, team_id, offset=offset, limit=limit, viewer=viewer
            )

    async def member(self, actor: Actor, team_id: str, user_id: str) -> TeamMember:
        async with self._db.read() as conn:
            await self._check_viewer(conn, actor, team_id)
            member = await team_store.get_active_member(conn, actor.tenant_id, team_id, user_id)
        if member is None:
            raise member_missing()
        return member

    async def members_by_ids(
        self, actor: Actor, team_id: str, user_ids: Sequence[str]
    ) -> list[TeamMember]:
        viewer = await self._viewer(actor)
        async with self._db.read() as conn:
            await self._check_viewer(conn, actor, team_id)
            return await team_store.members_by_ids(conn, actor.tenant_id, team_id, user_ids, viewer)

    async def members_for_user(self, actor: Actor, user_id: str) -> list[TeamMember]:
        self._check_self(actor, user_id)
        async with self._db.read() as conn:
            return await team_store.members_for_user(conn, actor.tenant_id, user_id)

    async def unreads(
        self, actor: Actor, user_id: str, team_id: str | None = None, exclude_team: str = ""
    ) -> list[dict[str, Any]]:
        """Per team: unread messages and mentions summed over the user's channels."""
        self._check_self(actor, user_id)
        async with self._db.read() as conn:
            if team_id is not None:
                await self._check_viewer(conn, actor, team_id)
                team_ids = [team_id]
            else:
                members = await team_store.members_for_user(conn, actor.tenant_id, user_id)
                team_ids = [m.team_id for m in members if m.team_id != exclude_team]
            rows = await member_store.unreads_for_user(
                conn, actor.tenant_id, user_id, team_id=team_id
            )
            thread_unreads = await thread_store.team_unreads(
                conn, actor.tenant_id, user_id, team_ids
            )
        totals = {
            tid: {
                "team_id": tid,
                "msg_count": 0,
                "mention_count": 0,
                "msg_count_root": 0,
                "mention_count_root": 0,
                "thread_count": 0,
                "thread_mention_count": 0,
                "thread_urgent_mention_count": 0,
            }
            for tid in team_ids
        }
        for row in rows:
            entry = totals.get(row["team_id"])
            if entry is None:
                continue
            # Channels muted to "mentions only" never make their team look unread.
            if row["notify_props"].get("mark_unread") != "mention":
                entry["msg_count"] += row["msg_count"]
                entry["msg_count_root"] += row["msg_count_root"]
            entry["mention_count"] += row["mention_count"]
            entry["mention_count_root"] += row["mention_count_root"]
        for tid, (threads, mentions) in thread_unreads.items():
            if tid in totals:
                totals[tid]["thread_count"] = threads
                totals[tid]["thread_mention_count"] = mentions
        return list(totals.values())

    # Team changes.

    async def do_create(self, actor: Actor, fields: Mapping[str, Any]) -> Team:
        """A team, with its default channels; the creator joins it as team admin. The
        caller's roles must grant ``create_team`` (``system_user`` does on a new server,
        as Mattermost; a role patch takes it away)."""
        if not await self._channels.permissions.has_permission(actor, CREATE_TEAM):
            raise team_creation_disabled()
        name = fields.get("name")
        if not isinstance(name, str):
            raise errors.invalid_body_param("name")
        kind = fields.get("type", OPEN_TEAM)
        if kind not in (OPEN_TEAM, INVITE_TEAM):
            raise invalid_team_type()
        now = now_ms()
        team = Team(
            id=new_id(),
            name=name,
            display_name="",
            type=kind,
            create_at=now,
            update_at=now,
            invite_id=new_id(),
            allow_open_invite=kind == OPEN_TEAM,
            creator_id=actor.user_id,
        )
        self._apply_patch(team, fields)
        team.type = kind
        team.allow_open_invite = kind == OPEN_TEAM
        check_team_name(team.name)
        check_team_fields(team)
        async with self._db.write() as conn:
            if not await team_store.insert_team(conn, actor.tenant_id, team):
                raise team_name_taken()
            for channel in default_channels(team.id, actor.user_id, now):
                await channel_store.insert_channel(conn, actor.tenant_id, channel)
            joined = await self._join(conn, actor.tenant_id, team, actor.user_id, now, admin=True)
        await self._publish_joined(actor.tenant_id, team, joined)
        await self._tell_joined(actor.tenant_id, team, joined, "")
        return team

    @staticmethod
    def _apply_patch(team: Team, patch: Mapping[str, Any]) -> None:
        for name in PATCHABLE_TEXT:
            value = patch.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise errors.invalid_body_param(name)
            setattr(team, name, value)
        allow = patch.get("allow_open_invite")
        if allow is not None:
            if not isinstance(allow, bool):
                raise errors.invalid_body_param("allow_open_invite")
            team.allow_open_invite = allow
            team.type = OPEN_TEAM if allow else INVITE_TEAM

    async def do_patch(self, actor: Actor, team_id: str, patch: Mapping[str, Any]) -> Team:
        async with self._db.write() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None:
                raise team_not_found()
            await self._check_admin(conn, actor, team_id)
            self._apply_patch(team, patch)
            check_team_fields(team)
            team.update_at = now_ms()
            await team_store.update_team(conn, actor.tenant_id, team)
            audience = await self._audience(conn, actor.tenant_id, team)
        await self._publish_team(actor.tenant_id, UPDATE_TEAM, team, audience)
        return team

    async def do_set_privacy(self, actor: Actor, team_id: str, privacy: str) -> Team:
        if privacy not in (OPEN_TEAM, INVITE_TEAM):
            raise errors.invalid_body_param("privacy")
        return await self.do_patch(actor, team_id, {"allow_open_invite": privacy == OPEN_TEAM})

    async def do_regenerate_invite_id(self, actor: Actor, team_id: str) -> Team:
        """A new invite id (team admins): links with the old one stop working."""
        async with self._db.write() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None or team.delete_at:
                raise team_not_found()
            await self._check_admin(conn, actor, team_id)
            team.invite_id = new_id()
            team.update_at = now_ms()
            await team_store.update_team(conn, actor.tenant_id, team)
            audience = await self._audience(conn, actor.tenant_id, team)
        await self._publish_team(actor.tenant_id, UPDATE_TEAM, team, audience)
        return team

    async def do_delete(self, actor: Actor, team_id: str) -> None:
        """Archive the team; its rows stay, hidden from lists and joins."""
        async with self._db.write() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None or team.delete_at:
                raise team_not_found()
            await self._check_admin(conn, actor, team_id)
            audience = await self._audience(conn, actor.tenant_id, team)
            team.delete_at = team.update_at = now_ms()
            await team_store.update_team(conn, actor.tenant_id, team)
        await self._publish_team(actor.tenant_id, DELETE_TEAM, team, audience)

    async def do_restore(self, actor: Actor, team_id: str) -> Team:
        """Bring an archived team back (Mattermost's ``POST /teams/{id}/restore``, for
        those who may manage the team); members and channels are as they were."""
        async with self._db.write() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None:
                raise team_not_found()
            await self._check_admin(conn, actor, team_id)
            if team.delete_at:
                team.delete_at = 0
                team.update_at = now_ms()
                await team_store.update_team(conn, actor.tenant_id, team)
            audience = await self._audience(conn, actor.tenant_id, team)
        await self._publish_team(actor.tenant_id, RESTORE_TEAM, team, audience)
        return team

    async def announce_update(self, tenant_id: str, team_id: str) -> None:
        """Tell those who see the team that it changed (``update_team``)."""
        async with self._db.read() as conn:
            team = await team_store.get_team(conn, tenant_id, team_id)
            if team is None:
                return
            audience = await self._audience(conn, tenant_id, team)
        await self._publish_team(tenant_id, UPDATE_TEAM, team, audience)

    async def _audience(
        self, conn: AsyncConnection, tenant_id: str, team: Team
    ) -> frozenset[str] | None:
        """Who hears of changes to a team: everyone for an open team, else its members."""
        if is_open(team):
            return None
        return frozenset(await team_store.member_user_ids(conn, tenant_id, team.id))

    async def _publish_team(
        self, tenant_id: str, name: str, team: Team, audience: frozenset[str] | None
    ) -> None:
        # One payload for every recipient, so it carries nothing only admins may see.
        payload = orjson.dumps(replace(team, email="", invite_id="").to_dict()).decode()
        await self._bus.publish(
            [Event(tenant_id, name, {"team": payload}, Broadcast(recipients=audience))]
        )

    # Membership changes.

    async def do_add_members(
        self, actor: Actor, team_id: str, user_ids: Sequence[str], *, as_requestor: bool = False
    ) -> list[TeamMember]:
        """Join the caller to a team, or add others to it; already-members are kept as is.
        ``as_requestor``: the system posts say the caller added them (Mattermost's batch
        add); otherwise they say each joined (its single add)."""
        if not user_ids or len(user_ids) > MAX_MEMBERS_AT_ONCE:
            raise errors.invalid_body_param("user_id")
        now = now_ms()
        results: list[_Joined] = []
        async with self._db.write() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None or team.delete_at:
                raise team_not_found()
            await self._check_can_add(conn, actor, team, user_ids)
            for user_id in user_ids:
                user = await user_store.get_user(conn, actor.tenant_id, user_id)
                if user is None:
                    raise errors.not_found("user", "app.user.missing_account.const")
                if user.delete_at:
                    raise join_deactivated_user()
            for user_id in user_ids:
                results.append(await self._join(conn, actor.tenant_id, team, user_id, now))
        for joined in results:
            await self._publish_joined(actor.tenant_id, team, joined)
            self._notify_joined(actor, team, joined)
            requestor = actor.user_id if as_requestor else ""
            await self._tell_joined(actor.tenant_id, team, joined, requestor)
        return [j.member for j in results]

    async def do_join_by_invite(self, actor: Actor, invite_id: str) -> TeamMember:
        """Join whichever team the invite id belongs to, open or not."""
        now = now_ms()
        async with self._db.write() as conn:
            team = await team_store.get_team_by_invite(conn, actor.tenant_id, invite_id)
            if team is None or team.delete_at:
                raise invite_not_found()
            joined = await self._join(conn, actor.tenant_id, team, actor.user_id, now)
        await self._publish_joined(actor.tenant_id, team, joined)
        self._notify_joined(actor, team, joined)
        await self._tell_joined(actor.tenant_id, team, joined, "")
        return joined.member

    async def _check_can_add(
        self, conn: AsyncConnection, actor: Actor, team: Team, user_ids: Sequence[str]
    ) -> None:
        if actor.is_system_admin:
            return
        me = await self._membership(conn, actor, team.id)
        if me is not None and me.scheme_admin:
            return
        if list(user_ids) == [actor.user_id]:
            # Anyone may join an open team; an invite-only one needs an admin.
            if is_open(team):
                return
            raise errors.forbidden()
        # Members of an open team may bring others in, as Mattermost's team_user role can.
        if me is None or not is_open(team):
            raise errors.forbidden()

    async def _join(
        self,
        conn: AsyncConnection,
        tenant_id: str,
        team: Team,
        user_id: str,
        now: int,
        admin: bool = False,
    ) -> _Joined:
        current = await team_store.get_active_member(conn, tenant_id, team.id, user_id)
        if current is not None:
            return _Joined(current, False, [])
        member = TeamMember(
            team_id=team.id, user_id=user_id, scheme_admin=admin, create_at=now, delete_at=0
        )
        await team_store.save_member(conn, tenant_id, member)
        joined: list[tuple[Channel, frozenset[str]]] = []
        for name, _ in DEFAULT_CHANNELS:
            channel = await channel_store.get_channel_by_name(conn, tenant_id, team.id, name)
            if channel is None or channel.delete_at:
                continue
            added = await member_store.insert_members(
                conn, tenant_id, [new_member(channel, user_id, now)]
            )
            if added:
                ids = await channel_store.member_user_ids(conn, tenant_id, channel.id)
                joined.append((channel, frozenset(ids)))
        return _Joined(member, True, joined)

    async def _publish_joined(self, tenant_id: str, team: Team, joined: _Joined) -> None:
        if not joined.new:
            return
        user_id = joined.member.user_id
        events = [
            Event(
                tenant_id,
                ADDED_TO_TEAM,
                {"team_id": team.id, "user_id": user_id},
                Broadcast(recipients=frozenset({user_id}), user_id=user_id),
            )
        ]
        for channel, recipients in joined.channels:
            self._channels.invalidate(tenant_id, channel.id)
            events.extend(user_added_events(tenant_id, channel, [user_id], recipients))
        await self._bus.publish(events)

    async def _tell_joined(
        self, tenant_id: str, team: Team, joined: _Joined, requestor_id: str
    ) -> None:
        if joined.new:
            user_id = joined.member.user_id
            channels = [channel for channel, _ in joined.channels]
            await self._channels.changes.joined_team(
                tenant_id, team.id, user_id, requestor_id, channels
            )

    def _notify_joined(self, actor: Actor, team: Team, joined: _Joined) -> None:
        hooks = self._channels.hooks
        if not joined.new or not hooks.active:
            return
        tenant, user_id = actor.tenant_id, joined.member.user_id
        hooks.notify(lambda h: h.joined_team(tenant, team.id, user_id, actor.user_id))
        for channel, _ in joined.channels:
            hooks.joined_channel(tenant, channel.id, [user_id], actor.user_id)

    async def do_remove_member(self, actor: Actor, team_id: str, user_id: str) -> None:
        """Leave a team (or, as its admin, remove someone): out of its channels too."""
        async with self._db.write() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None:
                raise team_not_found()
            if user_id != actor.user_id:
                await self._check_admin(conn, actor, team_id)
            member = await team_store.get_active_member(conn, actor.tenant_id, team_id, user_id)
            if member is None:
                raise member_missing()
            audience = frozenset(await team_store.member_user_ids(conn, actor.tenant_id, team_id))
            member.delete_at = now_ms()
            await team_store.save_member(conn, actor.tenant_id, member)
            left = await member_store.delete_user_from_team(conn, actor.tenant_id, team_id, user_id)
            await thread_store.left_channels(conn, actor.tenant_id, user_id, left)
            await category_store.clear_team(conn, actor.tenant_id, user_id, team_id)
        self._channels.invalidate(actor.tenant_id)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    LEAVE_TEAM,
                    {"user_id": user_id, "team_id": team_id},
                    Broadcast(recipients=audience, team_id=team_id),
                )
            ]
        )
        if self._channels.hooks.active:
            self._channels.hooks.notify(
                lambda h: h.left_team(actor.tenant_id, team_id, user_id, actor.user_id)
            )
        await self._channels.changes.left_team(actor.tenant_id, team_id, user_id, actor.user_id)

    async def do_update_member_roles(
        self, actor: Actor, team_id: str, user_id: str, *, scheme_admin: bool
    ) -> TeamMember:
        async with self._db.write() as conn:
            if await team_store.get_team(conn, actor.tenant_id, team_id) is None:
                raise team_not_found()
            await self._check_admin(conn, actor, team_id)
            member = await team_store.get_active_member(conn, actor.tenant_id, team_id, user_id)
            if member is None:
                raise member_missing()
            member.scheme_admin = scheme_admin
            member.scheme_user = True
            await team_store.save_member(conn, actor.tenant_id, member)
        self._audit.record(
            actor,
            "updateTeamMemberRoles",
            f"team_id={team_id} user_id={user_id} team_admin={scheme_admin}",
        )
        payload = orjson.dumps(member.to_dict()).decode()
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    MEMBERROLE_UPDATED,
                    {"member": payload},
                    Broadcast(recipients=frozenset({user_id}), user_id=user_id),
                )
            ]
        )
        return member
