"""Logging in and out, resolving bearer tokens, personal access tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from cachetools import TTLCache

from roost.app.accounts.errors import (
    LOCKED_OUT,
    access_tokens_disabled,
    email_not_verified,
    invalid_credentials,
    login_inactive,
    session_not_found,
)
from roost.app.accounts.lockout import Lockout
from roost.app.accounts.passwords import check_admission
from roost.app.accounts.session_activity import SessionActivity, flush_interval
from roost.app.accounts.sso.errors import use_auth_service
from roost.app.accounts.tokens import token_hash
from roost.app.kernel import errors
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import AccountSettings
from roost.ids import new_id
from roost.model.event import Event, internal_event
from roost.model.events import RESYNC, SESSION_REVOKED, USER_UPDATED
from roost.model.user import AccessToken, Session, User
from roost.store.accounts import login_attempts as attempts_store
from roost.store.accounts import sessions as session_store
from roost.store.accounts import users as user_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.db.replicas import bind_reader

# A token is looked up on every request; caching it saves a query each time. Logout,
# revocation and user changes (roles) drop entries at once through the bus, and a bus
# gap (RESYNC) clears the cache, so the TTL is only a safety net. At 60 s a user making
# a request every ~15 s missed it on most requests to each of two workers (10% of an
# event loop's samples at 3,600 simulated users went to reloading sessions).
SESSION_CACHE_SECONDS = 300
SESSION_CACHE_SIZE = 100_000
MAX_TOKEN_DESCRIPTION = 255
# Device ids are "<platform>-v2:<push token>"; the column holds 512 characters.
MAX_DEVICE_ID = 512
MAX_DEVICE_PROP = 64
ACCESS_TOKEN_ROLE = "system_user_access_token"
# Auth services whose users sign in with a password here; others are SSO (their own
# session length, Mattermost's SessionLengthSSOInHours).
PASSWORD_AUTH_SERVICES = frozenset({"", "email", "ldap"})
# Revocations announced per bus message when a whole tenant's sessions end.
REVOKE_PUBLISH_BATCH = 500
# Audit actions, as Mattermost names these events.
LOGIN = "login"
LOGOUT = "logout"


class PasswordDirectory(Protocol):
    """Where some users' passwords are checked instead of here (LDAP:
    ``roost.app.accounts.sso.ldap``); compose.py plugs it in."""

    async def serves(self, tenant_id: str) -> bool:
        """Whether the tenant has a directory (its own, or the deployment's)."""
        ...

    async def authenticate(
        self, tenant_id: str, login_id: str, password: str, user: User | None
    ) -> User | None: ...


class Auth:
    # The directory some logins are checked against (LDAP), when one is configured.
    directory: PasswordDirectory | None = None

    def __init__(
        self,
        db: Database,
        settings: AccountSettings,
        bus: Bus,
        hooks: LifecycleHooks | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self._db = db
        # The audit log; the other accounts services record through their Auth's.
        self.audit = audit or AuditLog(None)
        self.hooks = hooks or LifecycleHooks()
        self._settings = settings
        # RequireEmailVerification: set by roost.compose from the notification settings.
        self.require_verified_email = False
        self._bus = bus
        self.lockout = Lockout(db, settings)
        self._cache: TTLCache[tuple[str, str], Session] = TTLCache(
            SESSION_CACHE_SIZE, SESSION_CACHE_SECONDS
        )
        self.activity = SessionActivity(
            db,
            flush_interval(settings.session_idle_timeout_minutes),
            int(settings.session_idle_timeout_minutes * 60_000),
            self._publish_idle,
        )
        # Bumped by every drop: a lookup that read the database before a revoke or a
        # role change committed does not put its old session back in the cache after
        # the drop (the change is in force when the API answers; issue 20.5).
        self._epoch = 0
        # Every node drops a revoked session from its cache, not only the one revoking it.
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.name == SESSION_REVOKED:
            session_id = event.data.get("session_id")
            token_id = event.data.get("token_id")
            if session_id:
                self._forget(lambda s: s.id == session_id)
            if token_id:
                self._forget(lambda s: s.access_token_id == token_id)
            if event.data.get("user_id"):
                self.forget_user(str(event.data["user_id"]))
        elif event.name == USER_UPDATED:
            user = event.data.get("user")
            if isinstance(user, dict) and user.get("id"):
                self.forget_user(str(user["id"]))
        elif event.name == RESYNC:
            self._epoch += 1
            self._cache.clear()

    async def check_credentials(
        self,
        tenant_id: str,
        login_id: str,
        password: str,
        *,
        source: str = "",
        ldap_only: bool = False,
    ) -> User:
        """The user these credentials name; ``source`` (the client's address) is its
        turn in the hashing queue (``roost.app.accounts.passwords``). A login no local
        password account answers (or an LDAP user's, or ``ldap_only``) is checked
        against the directory when there is one."""
        login_id = login_id.strip().lower()
        # Refused before any work when the hashing queue is full.
        check_admission(source)
        # From the primary: a sign-up a moment ago may not have reached the replicas.
        async with self._db.read(primary=True) as conn:
            if "@" in login_id:
                user = await user_store.get_by_email(conn, tenant_id, login_id)
            else:
                user = await user_store.get_by_username(conn, tenant_id, login_id)
        directory = self.directory
        to_directory = ldap_only or user is None or user.auth_service == "ldap"
        if directory is not None and to_directory and await directory.serves(tenant_id):
            return await self._directory_login(directory, tenant_id, login_id, password, user)
        # Counts the attempt (refused when the account is locked); see app/accounts/lockout.py.
        try:
            matched = await self.lockout.check_password(tenant_id, user, password, source=source)
        except AppError as refused:
            if user is not None and refused.error_id == LOCKED_OUT:
                self.audit.record_as(tenant_id, user.id, LOGIN, "failure - account locked")
            raise
        if not matched and user is not None and user.auth_service not in PASSWORD_AUTH_SERVICES:
            # Mattermost's answer: the account signs in through its provider only.
            self.audit.record_as(
                tenant_id, user.id, LOGIN, f"failure - sso user, service={user.auth_service}"
            )
            raise use_auth_service(user.auth_service)
        if not matched:
            self.audit.record_as(
                tenant_id, user.id if user else "", LOGIN, f"failure - login_id={login_id}"
            )
            raise invalid_credentials()
        assert user is not None
        if user.delete_at:
            self.audit.record_as(tenant_id, user.id, LOGIN, "failure - deactivated")
            raise login_inactive()
        if self.require_verified_email and not user.email_verified and not user.is_bot:
            # RequireEmailVerification (roost.app.notifications sends the links).
            self.audit.record_as(tenant_id, user.id, LOGIN, "failure - email not verified")
            raise email_not_verified()
        return user

    async def _directory_login(
        self,
        directory: PasswordDirectory,
        tenant_id: str,
        login_id: str,
        password: str,
        user: User | None,
    ) -> User:
        if user is not None:
            # Counted like a password attempt (the lockout covers directory users too).
            await self.lockout.reserve(tenant_id, user.id)
        found = await directory.authenticate(tenant_id, login_id, password, user)
        if found is None:
            self.audit.record_as(
                tenant_id, user.id if user else "", LOGIN, f"failure - ldap login_id={login_id}"
            )
            raise invalid_credentials()
        if found.delete_at:
            self.audit.record_as(tenant_id, found.id, LOGIN, "failure - deactivated")
            raise login_inactive()
        return found

    def session_length_ms(self, device_id: str, auth_service: str = "") -> int:
        """Mattermost's lengths per kind: mobile (a device named), SSO, else web."""
        if device_id:
            hours = self._settings.session_length_mobile_hours
        elif auth_service not in PASSWORD_AUTH_SERVICES:
            hours = self._settings.session_length_sso_hours
        else:
            hours = self._settings.session_length_hours
        return int(hours * 3_600_000)

    async def do_login(
        self,
        tenant_id: str,
        user: User,
        device_id: str = "",
        props: dict[str, str] | None = None,
    ) -> tuple[Session, str]:
        """Open a session for a user whose credentials were checked; returns it and its token."""
        if self.hooks.active:
            await self.hooks.user_will_log_in(tenant_id, user)
        now = now_ms()
        token = new_id()
        device_id = device_id[:MAX_DEVICE_ID]
        session = Session(
            id=new_id(),
            user_id=user.id,
            csrf_token=new_id(),
            roles=user.roles,
            create_at=now,
            expires_at=now + self.session_length_ms(device_id, user.auth_service),
            last_activity_at=now,
            device_id=device_id,
            is_bot=user.is_bot,
            username=user.username,
            props=dict(props or {}),
            mfa_active=user.mfa_active,
        )
        revoked: list[str] = []
        async with self._db.write() as conn:
            await session_store.insert_session(conn, tenant_id, session, token_hash(token))
            # The login is complete (password, and any second factor): attempts start over.
            await attempts_store.reset_failed_attempts(conn, tenant_id, user.id)
            if session.device_id:
                # One session per device, as in Mattermost: logging in again on a phone
                # ends the session it had before.
                revoked = await session_store.revoke_device_sessions(
                    conn, tenant_id, user.id, session.device_id, session.id
                )
        await self._publish_revoked(tenant_id, revoked)
        self.audit.record_as(tenant_id, user.id, LOGIN, "success", session.id)
        return session, token

    async def do_attach_device(
        self,
        actor: Actor,
        device_id: str,
        notification_disabled: str = "",
        mobile_version: str = "",
    ) -> None:
        """The mobile app names its device (``PUT /users/sessions/device``): the caller's
        session keeps the device id (push notifications will need it), the user's other
        sessions on that device end, and the session's length starts again."""
        if not device_id or len(device_id) > MAX_DEVICE_ID:
            raise errors.invalid_param("device_id")
        props: dict[str, str] = {}
        for key, value in (
            ("deviceNotificationDisabled", notification_disabled),
            ("mobileVersion", mobile_version),
        ):
            if len(value) > MAX_DEVICE_PROP:
                raise errors.invalid_param(key)
            if value:
                props[key] = value
        expires_at = now_ms() + self.session_length_ms(device_id)
        async with self._db.write() as conn:
            attached = await session_store.attach_device(
                conn, actor.tenant_id, actor.session_id, device_id, expires_at, props
            )
            if not attached:
                # A personal access token has no session to hold a device.
                raise errors.forbidden("only a login session can name its device")
            revoked = await session_store.revoke_device_sessions(
                conn, actor.tenant_id, actor.user_id, device_id, actor.session_id
            )
        await self._publish_revoked(actor.tenant_id, revoked)
        # The cached copy of this session has the old device and expiry; its sockets stay.
        await self._bus.publish(
            [
                internal_event(
                    actor.tenant_id,
                    SESSION_REVOKED,
                    {"session_id": actor.session_id, "renewed_until": expires_at},
                )
            ]
        )

    async def _publish_idle(self, ended: list[tuple[str, str]]) -> None:
        by_tenant: dict[str, list[str]] = {}
        for tenant_id, session_id in ended:
            by_tenant.setdefault(tenant_id, []).append(session_id)
        for tenant_id, ids in by_tenant.items():
            await self._publish_revoked(tenant_id, ids)

    async def _publish_revoked(self, tenant_id: str, session_ids: list[str]) -> None:
        """Every node drops these sessions from its token cache."""
        if session_ids:
            await self._bus.publish(
                [
                    internal_event(tenant_id, SESSION_REVOKED, {"session_id": sid})
                    for sid in session_ids
                ]
            )

    async def do_logout(self, actor: Actor) -> None:
        async with self._db.write() as conn:
            await session_store.delete_session(conn, actor.tenant_id, actor.session_id)
        self.activity.forget(actor.tenant_id, actor.session_id)
        await self._bus.publish(
            [internal_event(actor.tenant_id, SESSION_REVOKED, {"session_id": actor.session_id})]
        )
        self.audit.record(actor, LOGOUT)

    async def session_for_token(self, tenant_id: str, token: str) -> Session | None:
        """The live session or access token a bearer token stands for, if any."""
        hashed = token_hash(token)
        key = (tenant_id, hashed)
        session = self._cache.get(key)
        if session is None:
            epoch = self._epoch
            session = await self._load(tenant_id, hashed)
            if session is None:
                return None
            if epoch == self._epoch:
                self._cache[key] = session
        now = now_ms()
        if session.is_expired(now):
            self._cache.pop(key, None)
            return None
        if self._looks_idle(tenant_id, session, now) and await self._end_if_idle(
            tenant_id, session, now
        ):
            self._cache.pop(key, None)
            return None
        if not session.access_token_id:
            self.activity.touch(tenant_id, session.id, now)
        # This request reads for this user: after their own writes, from the primary.
        bind_reader(session.user_id)
        return session

    def _idle_timeout_ms(self, session: Session) -> int:
        """0 when the session has no idle timeout: Mattermost applies it to web sessions
        only (not mobile ones, not access tokens)."""
        minutes = self._settings.session_idle_timeout_minutes
        if minutes <= 0 or session.access_token_id or session.is_mobile:
            return 0
        return int(minutes * 60_000)

    def _looks_idle(self, tenant_id: str, session: Session, now: int) -> bool:
        timeout = self._idle_timeout_ms(session)
        if not timeout:
            return False
        last = max(session.last_activity_at, self.activity.last(tenant_id, session.id))
        return now - last > timeout

    async def _end_if_idle(self, tenant_id: str, session: Session, now: int) -> bool:
        """Confirm with the database (another node may have written newer activity) and
        end the session everywhere if it is idle; True when it ended."""
        async with self._db.read(primary=True) as conn:
            stored = await session_store.get_session(conn, tenant_id, session.id)
        if stored is not None:
            last = max(stored.last_activity_at, self.activity.last(tenant_id, session.id))
            if now - last <= self._idle_timeout_ms(session):
                return False
            async with self._db.write() as conn:
                await session_store.delete_session(conn, tenant_id, session.id)
        self.activity.forget(tenant_id, session.id)
        await self._publish_revoked(tenant_id, [session.id])
        return True

    # The sessions API: list, revoke one, a user's, everyone's.

    @staticmethod
    def _check_own_or_admin(actor: Actor, user_id: str) -> None:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()

    async def list_sessions(self, actor: Actor, user_id: str) -> list[Session]:
        self._check_own_or_admin(actor, user_id)
        async with self._db.read(primary=True) as conn:
            found = await session_store.list_user_sessions(conn, actor.tenant_id, user_id)
        now = now_ms()
        for session in found:
            # What this node saw and has not written yet.
            session.last_activity_at = max(
                session.last_activity_at, self.activity.last(actor.tenant_id, session.id)
            )
        return [s for s in found if not s.is_expired(now)]

    async def do_revoke_session(self, actor: Actor, user_id: str, session_id: str) -> None:
        self._check_own_or_admin(actor, user_id)
        async with self._db.write() as conn:
            session = await session_store.get_session(conn, actor.tenant_id, session_id)
            if session is None:
                raise session_not_found()
            if session.user_id != user_id:
                raise errors.invalid_url_param("user_id")
            await session_store.delete_session(conn, actor.tenant_id, session_id)
        self.activity.forget(actor.tenant_id, session_id)
        await self._publish_revoked(actor.tenant_id, [session_id])

    async def do_revoke_user_sessions(
        self, actor: Actor, user_id: str, keep_session_id: str = ""
    ) -> list[str]:
        """End a user's sessions (all of them, or all but ``keep_session_id``)."""
        self._check_own_or_admin(actor, user_id)
        return await self.revoke_user_sessions(actor.tenant_id, user_id, keep_session_id)

    async def revoke_user_sessions(
        self, tenant_id: str, user_id: str, keep_session_id: str = ""
    ) -> list[str]:
        async with self._db.write() as conn:
            ended = await session_store.revoke_user_sessions(
                conn, tenant_id, user_id, keep_session_id
            )
        for session_id in ended:
            self.activity.forget(tenant_id, session_id)
        await self._publish_revoked(tenant_id, ended)
        return ended

    async def sessions_ended(self, tenant_id: str, session_ids: list[str]) -> None:
        """Sessions another service ended in its own transaction (the LDAP sync's
        deactivations): forgotten here, and on every node."""
        for session_id in session_ids:
            self.activity.forget(tenant_id, session_id)
        for start in range(0, len(session_ids), REVOKE_PUBLISH_BATCH):
            await self._publish_revoked(
                tenant_id, session_ids[start : start + REVOKE_PUBLISH_BATCH]
            )

    async def do_revoke_all_sessions(self, actor: Actor) -> int:
        """Every login session of the tenant ends, the caller's too (Mattermost's
        ``POST /users/sessions/revoke/all``, for system admins)."""
        if not actor.is_system_admin:
            raise errors.forbidden()
        async with self._db.write() as conn:
            ended = await session_store.revoke_all_sessions(conn, actor.tenant_id)
        ids = [session_id for session_id, _ in ended]
        for session_id in ids:
            self.activity.forget(actor.tenant_id, session_id)
        for start in range(0, len(ids), REVOKE_PUBLISH_BATCH):
            await self._publish_revoked(actor.tenant_id, ids[start : start + REVOKE_PUBLISH_BATCH])
        return len(ids)

    def knows_token(self, tenant_id: str, token: str) -> bool:
        """Whether the token stands for a live session this node has looked up lately,
        without a query (the rate limits key such requests by their session)."""
        session = self._cache.get((tenant_id, token_hash(token)))
        return session is not None and not session.is_expired(now_ms())

    async def _load(self, tenant_id: str, hashed: str) -> Session | None:
        # From the primary: the token may be a second old (cached after this, so rare).
        async with self._db.read(primary=True) as conn:
            session = await session_store.get_session_by_token(conn, tenant_id, hashed)
            if session is not None:
                return session
            found = await session_store.get_access_token_by_hash(conn, tenant_id, hashed)
        if found is None:
            return None
        token, user = found
        if not token.is_active or not self._settings.enable_user_access_tokens:
            return None
        # An access token acts as a session that never expires.
        return Session(
            id=token.id,
            user_id=token.user_id,
            csrf_token="",
            roles=user.roles,
            create_at=token.create_at,
            expires_at=0,
            access_token_id=token.id,
            is_bot=user.is_bot,
            username=user.username,
            mfa_active=user.mfa_active,
        )

    def forget_user(self, user_id: str) -> None:
        """Drop cached sessions of a user whose roles or activity changed."""
        self._forget(lambda s: s.user_id == user_id)

    def _forget(self, match: Callable[[Session], bool]) -> None:
        self._epoch += 1
        for key, session in list(self._cache.items()):
            if match(session):
                self._cache.pop(key, None)

    # Personal access tokens.

    def _check_tokens_enabled(self) -> None:
        if not self._settings.enable_user_access_tokens:
            raise access_tokens_disabled()

    async def do_create_access_token(
        self, actor: Actor, user_id: str, description: str
    ) -> tuple[AccessToken, str]:
        self._check_tokens_enabled()
        if len(description) > MAX_TOKEN_DESCRIPTION or not description.strip():
            raise errors.invalid_body_param("description")
        async with self._db.write() as conn:
            target = await user_store.get_user(conn, actor.tenant_id, user_id)
            if target is None or target.delete_at:
                raise errors.not_found("user")
            await self._check_token_owner(conn, actor, target)
            token_value = new_id()
            token = AccessToken(
                id=new_id(),
                user_id=user_id,
                description=description,
                is_active=True,
                create_at=now_ms(),
            )
            await session_store.insert_access_token(
                conn, actor.tenant_id, token, token_hash(token_value)
            )
        self.audit.record(actor, "createUserAccessToken", f"user_id={user_id} token_id={token.id}")
        return token, token_value

    async def _check_token_owner(self, conn: AsyncConnection, actor: Actor, target: User) -> None:
        if actor.is_system_admin:
            return
        # As in Mattermost, users manage their own tokens only once an admin grants them
        # the system_user_access_token role.
        if actor.user_id == target.id and ACCESS_TOKEN_ROLE in actor.roles.split():
            return
        # A bot's owner manages its tokens, as in Mattermost.
        if target.is_bot:
            bot = await user_store.get_bot(conn, actor.tenant_id, target.id)
            if bot is not None and bot.owner_id == actor.user_id:
                return
        raise errors.forbidden()

    async def _owned_token(self, actor: Actor, token_id: str) -> AccessToken:
        async with self._db.read() as conn:
            token = await session_store.get_access_token(conn, actor.tenant_id, token_id)
            if token is None:
                raise errors.not_found("token", "app.user_access_token.get_by_token.app_error")
            target = await user_store.get_user(conn, actor.tenant_id, token.user_id)
            if target is None:
                raise errors.not_found("user")
            await self._check_token_owner(conn, actor, target)
        return token

    async def get_access_token(self, actor: Actor, token_id: str) -> AccessToken:
        self._check_tokens_enabled()
        return await self._owned_token(actor, token_id)

    async def list_access_tokens(
        self, actor: Actor, user_id: str, offset: int, limit: int
    ) -> list[AccessToken]:
        self._check_tokens_enabled()
        async with self._db.read() as conn:
            target = await user_store.get_user(conn, actor.tenant_id, user_id)
            if target is None:
                raise errors.not_found("user")
            await self._check_token_owner(conn, actor, target)
            return await session_store.list_access_tokens(
                conn, actor.tenant_id, user_id, offset, limit
            )

    async def do_set_access_token_state(self, actor: Actor, token_id: str, state: str) -> None:
        """``state`` is revoke, disable or enable."""
        self._check_tokens_enabled()
        token = await self._owned_token(actor, token_id)
        async with self._db.write() as conn:
            if state == "revoke":
                await session_store.delete_access_token(conn, actor.tenant_id, token.id)
            else:
                await session_store.set_access_token_active(
                    conn, actor.tenant_id, token.id, state == "enable"
                )
        await self._bus.publish(
            [internal_event(actor.tenant_id, SESSION_REVOKED, {"token_id": token.id})]
        )
        self.audit.record(
            actor, f"{state}UserAccessToken", f"user_id={token.user_id} token_id={token.id}"
        )
