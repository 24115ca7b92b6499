"""Emails about accounts: password reset, email verification and team invitations.

Each email is an outbox row (retried like any notification email). A link carries a
random token of which only the SHA-256 is stored (``email_tokens``); using it deletes
it, so a link works once, and a newer email replaces the previous link. Asking for a
reset or a verification answers the same whether or not the address is known, so the
endpoints cannot be used to find accounts.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Sequence
from urllib.parse import quote

from roost.app.accounts.auth import Auth
from roost.app.accounts.passwords import hash_password
from roost.app.accounts.tokens import token_hash
from roost.app.accounts.users import Users
from roost.app.channels.errors import invite_not_found
from roost.app.channels.teams import Teams, is_open
from roost.app.kernel import errors as kernel_errors
from roost.app.kernel.context import Actor
from roost.app.kernel.validation import is_valid_email
from roost.app.notifications import emails, errors
from roost.app.notifications.outbox import Outbox
from roost.clock import now_ms
from roost.config.notifications import NotificationSettings
from roost.ids import new_id
from roost.model.event import Event
from roost.model.events import NEW_USER
from roost.model.notification import EMAIL, OutboxItem
from roost.model.user import User
from roost.store.accounts import login_attempts as attempts_store
from roost.store.accounts import users as user_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.notifications import tokens as token_store

log = logging.getLogger("roost.notifications")

PASSWORD_RECOVERY = "password_recovery"
VERIFY_EMAIL = "verify_email"
# Mattermost's expiries: a reset link lasts an hour, a verification link 48 hours.
RESET_EXPIRY_MS = 3_600_000
VERIFY_EXPIRY_MS = 48 * 3_600_000
MAX_TOKEN_CHARS = 128
MAX_INVITES = 20  # addresses per request


class AccountEmails:
    def __init__(
        self,
        db: Database,
        cfg: NotificationSettings,
        outbox: Outbox,
        site_url: Callable[[str], str],
        users: Users,
        auth: Auth,
        teams: Teams,
        password_hash_cost: int,
    ) -> None:
        self._db = db
        self._cfg = cfg
        self._outbox = outbox
        self._site_url = site_url
        self._users = users
        self._auth = auth
        self._teams = teams
        self._cost = password_hash_cost
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def can_send(self) -> bool:
        return bool(self._cfg.smtp_server)

    def site_url(self, tenant_id: str) -> str:
        return self._site_url(tenant_id)

    async def queue(self, tenant_id: str, email: emails.Email) -> None:
        """An email to someone with no account yet (an invitation)."""
        await self._queue(tenant_id, "", email)

    async def _queue(self, tenant_id: str, user_id: str, email: emails.Email) -> None:
        now = now_ms()
        await self._outbox.add(
            [
                OutboxItem(
                    tenant_id=tenant_id,
                    id=new_id(),
                    kind=EMAIL,
                    user_id=user_id,
                    payload=email.to_payload(),
                    next_attempt_at=now,
                    create_at=now,
                    update_at=now,
                )
            ]
        )

    async def _new_token(self, tenant_id: str, user_id: str, kind: str, expiry_ms: int) -> str:
        token = secrets.token_urlsafe(32)
        now = now_ms()
        async with self._db.write() as conn:
            await token_store.delete_expired(conn, tenant_id, now)
            await token_store.delete_user_tokens(conn, tenant_id, user_id, kind)
            await token_store.insert_token(
                conn, tenant_id, token_hash(token), kind, user_id, now, now + expiry_ms
            )
        return token

    async def _user_by_email(self, tenant_id: str, email: str) -> User | None:
        async with self._db.read(primary=True) as conn:
            user = await user_store.get_by_email(conn, tenant_id, email.strip().lower())
        if user is None or user.delete_at or user.is_bot:
            return None
        return user

    # Password reset.

    async def do_send_password_reset(self, tenant_id: str, email: str) -> None:
        """POST /users/password/reset/send: the same answer for any address."""
        if not isinstance(email, str) or not email or len(email) > 254:
            raise kernel_errors.invalid_param("email")
        if not self.can_send:
            raise errors.email_not_configured()
        user = await self._user_by_email(tenant_id, email)
        if user is None or user.auth_service not in ("", "email"):
            return  # unknown, or signs in elsewhere (SSO): nothing to reset here
        token = await self._new_token(tenant_id, user.id, PASSWORD_RECOVERY, RESET_EXPIRY_MS)
        link = f"{self._site_url(tenant_id)}/reset_password_complete?token={quote(token)}"
        await self._queue(
            tenant_id,
            user.id,
            emails.link_email(
                user.email,
                "Reset your password",
                f"A password reset was asked for the account @{user.username}.",
                "Reset Password",
                link,
                "The link works once, within an hour. If you did not ask for it, ignore "
                "this email: your password stays as it is.",
            ),
        )

    async def do_reset_password(self, tenant_id: str, token: str, new_password: str) -> None:
        """POST /users/password/reset: a valid, unexpired token sets the password once;
        every session of the user ends."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            raise kernel_errors.invalid_param("token")
        if not isinstance(new_password, str):
            raise kernel_errors.invalid_param("new_password")
        self._users.check_password(new_password)
        hashed = await hash_password(new_password, self._cost)
        now = now_ms()
        async with self._db.write() as conn:
            taken = await token_store.take_token(
                conn, tenant_id, token_hash(token), PASSWORD_RECOVERY
            )
            if taken is None:
                raise errors.reset_link_invalid()
            user_id, expires_at, _ = taken
            if expires_at <= now:
                raise errors.reset_link_expired()
            user = await user_store.get_user(conn, tenant_id, user_id)
            if user is None or user.delete_at:
                raise errors.reset_link_invalid()
            user.password_hash = hashed
            user.last_password_update = user.update_at = now
            await user_store.update_user(conn, tenant_id, user)
            await attempts_store.reset_failed_attempts(conn, tenant_id, user_id)
        await self._auth.revoke_user_sessions(tenant_id, user_id)
        self._auth.audit.record_as(tenant_id, user_id, "resetPassword", "success")
        await self._users.publish_updated(tenant_id, user)

    # Email verification.

    def on_event(self, event: Event) -> None:
        """A new account (origin only) is sent its verification email when required."""
        if event.name != NEW_USER or not self._cfg.require_email_verification:
            return
        user_id = event.data.get("user_id")
        if not isinstance(user_id, str) or not self.can_send:
            return
        task = asyncio.get_running_loop().create_task(self._verify_new(event.tenant_id, user_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _verify_new(self, tenant_id: str, user_id: str) -> None:
        try:
            async with self._db.read(primary=True) as conn:
                user = await user_store.get_user(conn, tenant_id, user_id)
            if user is not None and not user.email_verified and not user.is_bot:
                await self._send_verification(tenant_id, user)
        except Exception:
            log.exception("verification email for a new user not queued")

    async def do_send_verification(self, tenant_id: str, email: str) -> None:
        """POST /users/email/verify/send: the same answer for any address."""
        if not isinstance(email, str) or not email or len(email) > 254:
            raise kernel_errors.invalid_param("email")
        if not self.can_send:
            raise errors.email_not_configured()
        user = await self._user_by_email(tenant_id, email)
        if user is not None and not user.email_verified:
            await self._send_verification(tenant_id, user)

    async def _send_verification(self, tenant_id: str, user: User) -> None:
        token = await self._new_token(tenant_id, user.id, VERIFY_EMAIL, VERIFY_EXPIRY_MS)
        site = self._site_url(tenant_id)
        link = f"{site}/do_verify_email?token={quote(token)}&email={quote(user.email)}"
        await self._queue(
            tenant_id,
            user.id,
            emails.link_email(
                user.email,
                "Verify your email address",
                f"Please verify the email address of the account @{user.username}.",
                "Verify Email",
                link,
                "The link works once, within 48 hours.",
            ),
        )

    async def do_verify_email(self, tenant_id: str, token: str) -> None:
        """POST /users/email/verify."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            raise kernel_errors.invalid_param("token")
        now = now_ms()
        async with self._db.write() as conn:
            taken = await token_store.take_token(conn, tenant_id, token_hash(token), VERIFY_EMAIL)
            if taken is None:
                raise errors.verify_link_invalid()
            user_id, expires_at, _ = taken
            if expires_at <= now:
                raise errors.verify_link_expired()
            user = await user_store.get_user(conn, tenant_id, user_id)
            if user is None or user.delete_at:
                raise errors.verify_link_invalid()
            user.email_verified = True
            user.update_at = now
            await user_store.update_user(conn, tenant_id, user)
        await self._users.publish_updated(tenant_id, user)

    async def do_verify_member(self, actor: Actor, user_id: str) -> User:
        """POST /users/{user_id}/email/verify/member: a system admin marks an address
        verified (Mattermost's way out when a verification email cannot arrive)."""
        if not actor.is_system_admin:
            raise kernel_errors.forbidden()
        async with self._db.write() as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
            if user is None:
                raise kernel_errors.not_found("user", "app.user.missing_account.const")
            user.email_verified = True
            user.update_at = now_ms()
            await user_store.update_user(conn, actor.tenant_id, user)
        await self._users.publish_updated(actor.tenant_id, user)
        return user

    # Team invitations.

    async def do_invite_by_email(
        self, actor: Actor, team_id: str, addresses: Sequence[str]
    ) -> None:
        """POST /teams/{team_id}/invite/email: each address gets the team's invite link
        (joining through it: ``POST /teams/members/invite?invite_id=``, or signing up
        with ``POST /users?iid=``)."""
        if not self.can_send:
            raise errors.invitations_disabled()
        if not addresses:
            raise kernel_errors.invalid_param("emails")
        if len(addresses) > MAX_INVITES:
            raise errors.too_many_invitations(MAX_INVITES)
        wanted = []
        for raw in addresses:
            address = raw.strip().lower() if isinstance(raw, str) else ""
            if not is_valid_email(address):
                raise errors.invalid_invitation_email(str(raw)[:64])
            wanted.append(address)
        async with self._db.read() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, team_id)
        if team is None or team.delete_at:
            raise errors.team_not_found()
        await self._check_can_invite(actor, team_id, is_open(team))
        inviter = await self._users.get(actor.tenant_id, actor.user_id)
        link = f"{self._site_url(actor.tenant_id)}/signup_user_complete/?id={team.invite_id}"
        name = team.display_name or team.name
        for address in dict.fromkeys(wanted):
            await self._queue(
                actor.tenant_id,
                "",
                emails.link_email(
                    address,
                    f"@{inviter.username} invited you to join {name}",
                    f"@{inviter.username} invited you to join the team {name}.",
                    "Join Team",
                    link,
                    "Sign up or log in through the link to join.",
                ),
            )

    async def check_team_invite(self, tenant_id: str, invite_id: str) -> None:
        """A sign-up through a team's invite link names a team that exists."""
        async with self._db.read() as conn:
            team = await team_store.get_team_by_invite(conn, tenant_id, invite_id)
        if team is None or team.delete_at:
            raise invite_not_found()

    async def _check_can_invite(self, actor: Actor, team_id: str, open_team: bool) -> None:
        """As adding members: system admins, team admins, members of an open team."""
        if actor.is_system_admin:
            return
        try:
            member = await self._teams.member(actor, team_id, actor.user_id)
        except kernel_errors.AppError:
            raise kernel_errors.forbidden() from None
        if not (member.scheme_admin or open_team):
            raise kernel_errors.forbidden()

    async def close(self) -> None:
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
