"""Guest invitations by email, as Mattermost's.

``POST /teams/{team_id}/invite-guests/email`` ``{"emails", "channels", "message"}``
(``invite_guest``: system admins by default; guest accounts on) emails each address a
single-use link, ``/signup_user_complete/?t=TOKEN``, valid 48 hours. Only the token's
SHA-256 is kept (``email_tokens``, kind ``guest_invitation``) with the team, the
channels, the address and the inviter. Signing up with it (``POST /users?t=TOKEN``)
makes a guest account with that address (whatever the body says, so one token gives one
account), verified, and the inviter adds them to the team and to the channels; the
token is then used up. Whom the guest then sees: ``roost.app.accounts.visibility``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from roost.app.accounts.errors import signup_link_invalid
from roost.app.accounts.permissions import Permissions
from roost.app.accounts.tokens import token_hash
from roost.app.accounts.users import Users
from roost.app.channels.members import ChannelMembers
from roost.app.channels.teams import Teams
from roost.app.kernel import errors as kernel_errors
from roost.app.kernel.context import Actor
from roost.app.kernel.validation import is_valid_email
from roost.app.notifications import emails, errors
from roost.app.notifications.account_emails import MAX_INVITES, AccountEmails
from roost.clock import now_ms
from roost.ids import is_valid_id
from roost.model.channel import OPEN, PRIVATE
from roost.model.user import User
from roost.store.channels import channels as channel_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.notifications import tokens as token_store

GUEST_INVITATION = "guest_invitation"
INVITE_EXPIRY_MS = 48 * 3_600_000
INVITE_GUEST = "invite_guest"
MAX_CHANNELS = 50
MAX_MESSAGE_CHARS = 4000


@dataclass(frozen=True, slots=True)
class GuestInvite:
    team_id: str
    channel_ids: tuple[str, ...]
    email: str
    inviter_id: str


class GuestInvites:
    def __init__(
        self,
        db: Database,
        accounts: AccountEmails,
        users: Users,
        teams: Teams,
        members: ChannelMembers,
        permissions: Permissions,
        enabled: bool,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._users = users
        self._teams = teams
        self._members = members
        self._permissions = permissions
        self.enabled = enabled

    async def do_invite(self, actor: Actor, team_id: str, body: Mapping[str, Any]) -> None:
        if not self.enabled:
            raise errors.guest_invites_disabled()
        await self._check_may_invite(actor, team_id)
        addresses = _emails(body.get("emails"))
        channel_ids = _channel_ids(body.get("channels"))
        message = body.get("message") or ""
        if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
            raise errors.guest_invite_field("message")
        async with self._db.read() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
            if team is None or team.delete_at:
                raise errors.team_not_found()
            for channel_id in channel_ids:
                channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
                if (
                    channel is None
                    or channel.team_id != team_id
                    or channel.delete_at
                    or channel.type not in (OPEN, PRIVATE)
                ):
                    raise errors.guest_channel_not_in_team()
        if not self._accounts.can_send:
            raise errors.invitations_disabled()
        inviter = await self._users.get(actor.tenant_id, actor.user_id)
        site = self._accounts.site_url(actor.tenant_id)
        name = team.display_name or team.name
        now = now_ms()
        for address in addresses:
            token = secrets.token_urlsafe(32)
            extra = {"team_id": team_id, "channels": list(channel_ids), "email": address}
            async with self._db.write() as conn:
                await token_store.delete_expired(conn, actor.tenant_id, now)
                await token_store.insert_token(
                    conn,
                    actor.tenant_id,
                    token_hash(token),
                    GUEST_INVITATION,
                    actor.user_id,
                    now,
                    now + INVITE_EXPIRY_MS,
                    extra,
                )
            await self._accounts.queue(
                actor.tenant_id,
                emails.link_email(
                    address,
                    f"@{inviter.username} invited you to join {name} as a guest",
                    f"@{inviter.username} invited you to join the team {name} as a guest."
                    + (f"\n\n{message}" if message else ""),
                    "Join as a guest",
                    f"{site}/signup_user_complete/?t={token}",
                    "The link works once, for 48 hours.",
                ),
            )

    async def _check_may_invite(self, actor: Actor, team_id: str) -> None:
        if await self._permissions.has_permission(actor, INVITE_GUEST):
            return
        try:
            member = await self._teams.member(actor, team_id, actor.user_id)
        except kernel_errors.AppError:
            member = None
        await self._permissions.check_team(actor, member.roles if member else "", INVITE_GUEST)

    async def find(self, tenant_id: str, token: str) -> GuestInvite | None:
        """The unexpired guest invitation this token names, if any (not used up)."""
        if not self.enabled or not token or len(token) > 128:
            return None
        async with self._db.read() as conn:
            found = await token_store.get_token(
                conn, tenant_id, token_hash(token), GUEST_INVITATION
            )
        if found is None or found[1] <= now_ms():
            return None
        inviter_id, _, extra = found
        channels = extra.get("channels")
        return GuestInvite(
            team_id=str(extra.get("team_id", "")),
            channel_ids=tuple(str(c) for c in channels) if isinstance(channels, list) else (),
            email=str(extra.get("email", "")),
            inviter_id=inviter_id,
        )

    async def do_accept(self, tenant_id: str, token: str, invite: GuestInvite, guest: User) -> None:
        """The guest signed up: the token is used up, and the inviter adds them to the
        team and the channels (with the inviter's permissions as they are now)."""
        async with self._db.write() as conn:
            taken = await token_store.take_token(
                conn, tenant_id, token_hash(token), GUEST_INVITATION
            )
        if taken is None:
            raise signup_link_invalid()
        inviter = await self._users.get(tenant_id, invite.inviter_id)
        actor = Actor(tenant_id, inviter.id, inviter.roles, username=inviter.username)
        await self._teams.do_add_members(actor, invite.team_id, [guest.id])
        for channel_id in invite.channel_ids:
            await self._members.do_add(actor, channel_id, [guest.id])


def _emails(value: object) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > MAX_INVITES:
        raise errors.guest_invite_field("emails")
    found = []
    for raw in value:
        address = raw.strip().lower() if isinstance(raw, str) else ""
        if not is_valid_email(address):
            raise errors.guest_invite_field("email")
        found.append(address)
    return list(dict.fromkeys(found))


def _channel_ids(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or len(value) > MAX_CHANNELS:
        raise errors.guest_invite_field("channels")
    if not all(isinstance(c, str) and is_valid_id(c) for c in value):
        raise errors.guest_invite_field("channel")
    return tuple(dict.fromkeys(value))
