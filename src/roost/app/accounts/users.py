"""Users: sign-up, profiles, lookups and deactivation."""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Sequence
from typing import Any

from roost.app.accounts.auth import Auth
from roost.app.accounts.errors import (
    deactivation_disabled,
    email_exists,
    email_hidden,
    invalid_email,
    invalid_username,
    open_signup_disabled,
    password_lacks,
    password_too_long,
    password_too_short,
    signup_link_invalid,
    username_exists,
    wrong_password,
)
from roost.app.accounts.password_rules import PASSWORD_MAX_BYTES, PasswordRules, broken_rule
from roost.app.accounts.passwords import hash_password
from roost.app.accounts.visibility import UserVisibility
from roost.app.kernel import errors, validation
from roost.app.kernel.context import Actor
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.kernel.read_cache import ReadCache
from roost.app.tenants.directory import TenantDirectory
from roost.app.tenants.errors import default_tenant_signup_is_a_setting, users_quota
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import AccountSettings
from roost.ids import new_id
from roost.model.event import Broadcast, Event, internal_event
from roost.model.events import NEW_USER, RESYNC, SESSION_REVOKED, USER_UPDATED
from roost.model.user import Privacy, User
from roost.store.accounts import login_attempts as attempts_store
from roost.store.accounts import sessions as session_store
from roost.store.accounts import users as user_store
from roost.store.db.database import Database
from roost.store.tenants import directory as tenant_store
from roost.tenancy import DEFAULT_TENANT_ID

# Profiles kept in memory for lookups (clients fetch every poster and typist they see).
PROFILE_CACHE_SIZE = 50_000
# How long a tenant's system admins are remembered for user_updated's admin copy (a
# change seen in any user_updated, from any node, drops it sooner).
ADMIN_IDS_TTL_SECONDS = 30.0
ASSIGNABLE_ROLES = ("system_user", "system_admin", "system_user_access_token")
PATCHABLE_FIELDS = (
    "username",
    "email",
    "nickname",
    "first_name",
    "last_name",
    "position",
    "locale",
)


class Users:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        settings: AccountSettings,
        auth: Auth,
        hooks: LifecycleHooks | None = None,
        max_users: Callable[[str], int] | None = None,
        tenants: TenantDirectory | None = None,
        visibility: UserVisibility | None = None,
    ) -> None:
        self._db = db
        # Who may see whom (guests: only the people they share a channel with).
        self.visibility = visibility
        # Whether a tenant is open for sign-up, and its first admin's invite.
        self._tenants = tenants
        self.hooks = hooks or LifecycleHooks()
        # The tenant's user limit (0: none), from the tenant directory.
        self._max_users = max_users or (lambda _: 0)
        self._auth = auth
        self._bus = bus
        self._settings = settings
        self.privacy = Privacy(settings.show_email_address, settings.show_full_name)
        # Shared, read-only User objects: whoever changes a user reads it from the store.
        self._profiles: ReadCache[tuple[str, str], User] = ReadCache(PROFILE_CACHE_SIZE)
        # tenant -> (when read, its active system admins)
        self._admins: dict[str, tuple[float, frozenset[str]]] = {}
        # Tenants known to have an account: once true, for good (users are never removed
        # but with their tenant).
        self._with_accounts: set[str] = set()
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.name == RESYNC:
            self._profiles.clear()
            self._admins.clear()
            if self.visibility is not None:
                self.visibility.forget()
        elif event.name == USER_UPDATED:
            user = event.data.get("user")
            if isinstance(user, dict) and isinstance(user.get("id"), str):
                self._profiles.forget((event.tenant_id, user["id"]))
                if self.visibility is not None:
                    self.visibility.user_changed(event.tenant_id, user)
                cached = self._admins.get(event.tenant_id)
                admin_now = "system_admin" in str(user.get("roles", "")).split() and not user.get(
                    "delete_at"
                )
                if cached is not None and admin_now != (user["id"] in cached[1]):
                    del self._admins[event.tenant_id]

    # Reads.

    async def get(self, tenant_id: str, user_id: str) -> User:
        found = await self.get_many(tenant_id, [user_id])
        if not found:
            raise errors.not_found("user", "app.user.missing_account.const")
        return found[0]

    async def get_many(self, tenant_id: str, user_ids: Sequence[str]) -> list[User]:
        """The users that exist among the ids, in the order asked, each once."""
        wanted = list(dict.fromkeys(user_ids))
        cached = {uid: self._profiles.get((tenant_id, uid)) for uid in wanted}
        missing = [uid for uid, user in cached.items() if user is None]
        if missing:
            token = self._profiles.token()
            async with self._db.read() as conn:
                loaded = await user_store.get_users(conn, tenant_id, missing)
            self._profiles.fill(token, (((tenant_id, u.id), u) for u in loaded))
            cached.update((u.id, u) for u in loaded)
        return [user for user in cached.values() if user is not None]

    async def get_by_username(self, tenant_id: str, username: str) -> User:
        async with self._db.read() as conn:
            user = await user_store.get_by_username(conn, tenant_id, username)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        return user

    async def get_by_usernames(self, tenant_id: str, usernames: Sequence[str]) -> list[User]:
        async with self._db.read() as conn:
            return await user_store.get_by_usernames(conn, tenant_id, usernames)

    # Reads as a caller may make them: only the users they may see (visibility.py).

    async def _viewer(self, actor: Actor) -> str:
        return "" if self.visibility is None else await self.visibility.viewer(actor)

    async def check_can_see(self, actor: Actor, *user_ids: str) -> None:
        if self.visibility is not None:
            await self.visibility.check_can_see(actor, *user_ids)

    async def get_seen(self, actor: Actor, user_id: str) -> User:
        """One user by id, 403 when the caller may not see them."""
        await self.check_can_see(actor, user_id)
        return await self.get(actor.tenant_id, user_id)

    async def get_many_seen(self, actor: Actor, user_ids: Sequence[str]) -> list[User]:
        found = await self.get_many(actor.tenant_id, user_ids)
        if self.visibility is None or not found:
            return found
        seen = await self.visibility.visible_ids(actor, [u.id for u in found])
        return [u for u in found if u.id in seen]

    async def get_by_usernames_seen(self, actor: Actor, usernames: Sequence[str]) -> list[User]:
        viewer = await self._viewer(actor)
        async with self._db.read() as conn:
            return await user_store.get_by_usernames(conn, actor.tenant_id, usernames, viewer)

    async def list_seen(self, actor: Actor, **filters: Any) -> builtins.list[User]:
        viewer = await self._viewer(actor)
        async with self._db.read() as conn:
            return await user_store.list_users(conn, actor.tenant_id, viewer=viewer, **filters)

    async def get_by_email(self, tenant_id: str, email: str) -> User:
        async with self._db.read() as conn:
            user = await user_store.get_by_email(conn, tenant_id, email)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        return user

    async def known_user_ids(self, actor: Actor) -> list[str]:
        """Who shares a channel with the caller (``GET /users/known``)."""
        async with self._db.read() as conn:
            return await user_store.known_user_ids(conn, actor.tenant_id, actor.user_id)

    async def group_channel_profiles(
        self, actor: Actor, channel_ids: Sequence[str]
    ) -> dict[str, list[User]]:
        """The other members of the caller's group channels among these; channels the
        caller is not in, or that are not group channels, are left out."""
        async with self._db.read() as conn:
            return await user_store.group_channel_users(
                conn, actor.tenant_id, actor.user_id, channel_ids
            )

    async def server_limits(self, actor: Actor) -> dict[str, int]:
        """Mattermost's ServerLimits. Roost keeps all post history (0: no limit); the user
        limit is the tenant's, shown to system admins only, as Mattermost does."""
        limits = {
            "activeUserCount": 0,
            "maxUsersLimit": 0,
            "maxUsersHardLimit": 0,
            "lastAccessiblePostTime": 0,
            "postHistoryLimit": 0,
        }
        if actor.is_system_admin:
            async with self._db.read() as conn:
                limits["activeUserCount"] = await user_store.count_people(conn, actor.tenant_id)
            limits["maxUsersLimit"] = limits["maxUsersHardLimit"] = self._max_users(actor.tenant_id)
        return limits

    async def search(self, actor: Actor, term: str, **filters: Any) -> builtins.list[User]:
        """Users whose names start with ``term``, matched only against the fields the
        actor may see of other people (Mattermost's AllowEmails / AllowFullNames)."""
        admin = actor.is_system_admin
        viewer = await self._viewer(actor)
        async with self._db.read() as conn:
            return await user_store.list_users(
                conn,
                actor.tenant_id,
                term=term,
                viewer=viewer,
                match_email=admin or self.privacy.show_email_address,
                match_full_name=admin or self.privacy.show_full_name,
                **filters,
            )

    def check_may_see_emails(self, actor: Actor) -> None:
        if not (actor.is_system_admin or self.privacy.show_email_address):
            raise email_hidden()

    # Changes.

    def check_new_account(self, username: str, email: str, password: str) -> None:
        """What ``do_create_user`` checks before writing, for a caller that must know
        first (the operator naming a tenant's admin as it creates the tenant)."""
        user = User(id="", username=username.strip().lower(), email=email.strip().lower())
        self.check_new_user(user, password)

    def check_new_user(self, user: User, password: str) -> None:
        if not validation.is_valid_username(user.username):
            raise invalid_username()
        if not validation.is_valid_email(user.email):
            raise invalid_email()
        self.check_password(password)
        self._check_profile_fields(user)

    def check_password(self, password: str) -> None:
        """A new password meets the tenant's rules (settings.accounts.password_*)."""
        rules = PasswordRules.from_settings(self._settings)
        broken = broken_rule(password, rules)
        if broken is None:
            return
        if broken.too_short:
            raise password_too_short(rules.minimum_length)
        if broken.too_long:
            raise password_too_long(PASSWORD_MAX_BYTES)
        raise password_lacks(rules.minimum_length, broken.missing)

    def _check_profile_fields(self, user: User) -> None:
        for name in ("nickname", "first_name", "last_name"):
            value = getattr(user, name)
            if len(value) > validation.NAME_FIELD_MAX or validation.has_control_chars(value):
                raise errors.invalid_body_param(name)
        if len(user.position) > validation.POSITION_MAX:
            raise errors.invalid_body_param("position")
        if len(user.locale) > 5:
            raise errors.invalid_body_param("locale")

    async def do_create_user(
        self,
        tenant_id: str,
        *,
        username: str,
        email: str,
        password: str,
        first_name: str = "",
        last_name: str = "",
        nickname: str = "",
        position: str = "",
        locale: str = "en",
        system_admin: bool = False,
        is_bot: bool = False,
        actor: Actor | None = None,
        invite_token: str = "",
        team_invite: bool = False,
        guest: bool = False,
    ) -> User:
        """Create a user. The very first user of a tenant becomes a system admin, and so
        does whoever signs up with the tenant's admin invite (``invite_token``). Without
        an invite or a system admin asking, the tenant must be open for sign-up.
        ``guest``: a guest account, through a guest invitation (the caller checked it;
        its address is then taken as verified)."""
        now = now_ms()
        user = User(
            id=new_id(),
            username=username.strip().lower(),
            email=email.strip().lower(),
            create_at=now,
            update_at=now,
            first_name=first_name,
            last_name=last_name,
            nickname=nickname,
            position=position,
            locale=locale or "en",
            last_password_update=now,
            is_bot=is_bot,
        )
        if guest:
            user.roles = "system_guest"
            user.email_verified = True
        first_only = False
        if is_bot:
            if not validation.is_valid_username(user.username):
                raise errors.invalid_body_param("username")
        else:
            self.check_new_user(user, password)
            # A closed server still takes its first account (Mattermost's rule: whoever
            # installs it signs up first and becomes its admin). Other tenants' first
            # admins come with the operator's invite.
            # A team's invite link (checked by the caller) opens sign-up, as in Mattermost.
            invited = invite_token or team_invite
            first_only = not invited and not self.signup_open(tenant_id, actor)
            if first_only and (
                tenant_id != DEFAULT_TENANT_ID or await self.has_accounts(tenant_id)
            ):
                raise open_signup_disabled()
            user.password_hash = await hash_password(password, self._settings.password_hash_cost)
        invite_expiry = 0
        if invite_token:
            # Used up before the user is written: two sign-ups with one link cannot both
            # become admin. Given back if the sign-up fails below.
            if self._tenants is not None:
                invite_expiry = await self._tenants.take_admin_invite(tenant_id, invite_token)
            if not invite_expiry:
                raise signup_link_invalid()
            system_admin = True
        try:
            await self._insert_new(tenant_id, user, system_admin, first_only)
        except BaseException:
            if invite_expiry and self._tenants is not None:
                await self._tenants.restore_admin_invite(tenant_id, invite_token, invite_expiry)
            raise
        await self._publish_new(tenant_id, user.id)
        if self.hooks.active:
            self.hooks.notify(lambda h: h.user_created(tenant_id, user))
        return user

    @property
    def password_cost(self) -> int:
        return self._settings.password_hash_cost

    async def do_create_external_user(self, tenant_id: str, user: User) -> User:
        """A user an identity provider vouches for (``auth_service`` set, no password;
        ``roost.app.accounts.sso``): the same checks and quota as any sign-up."""
        if not validation.is_valid_username(user.username):
            raise invalid_username()
        if not validation.is_valid_email(user.email):
            raise invalid_email()
        self._check_profile_fields(user)
        await self._insert_new(tenant_id, user, system_admin=False)
        await self._publish_new(tenant_id, user.id)
        if self.hooks.active:
            self.hooks.notify(lambda h: h.user_created(tenant_id, user))
        return user

    def signup_open(self, tenant_id: str, actor: Actor | None = None) -> bool:
        """Whether a new account may be made without an invite: by a system admin
        always; by anyone on the default tenant when ``enable_open_server``, on another
        tenant when its operator or admin opened it."""
        if actor is not None and actor.is_system_admin:
            return True
        if tenant_id == DEFAULT_TENANT_ID:
            return self._settings.enable_open_server
        return self._tenants is not None and self._tenants.open_signup(tenant_id)

    async def do_set_open_signup(self, actor: Actor, open_: bool) -> bool:
        """The tenant's admin opens or closes it for sign-up (Mattermost's
        ``TeamSettings.EnableOpenServer``); the default tenant follows its setting."""
        if actor.tenant_id == DEFAULT_TENANT_ID or self._tenants is None:
            raise default_tenant_signup_is_a_setting()
        if not actor.is_system_admin:
            raise errors.forbidden()
        changed = await self._tenants.do_set_open_signup(actor.tenant_id, open_)
        return changed.open_signup

    async def has_accounts(self, tenant_id: str) -> bool:
        """Whether the tenant has any user yet (the client config's ``NoAccounts``)."""
        if tenant_id in self._with_accounts:
            return True
        async with self._db.read() as conn:
            found = await user_store.count_users(conn, tenant_id) > 0
        if found:
            self._with_accounts.add(tenant_id)
        return found

    async def _insert_new(
        self, tenant_id: str, user: User, system_admin: bool, first_only: bool = False
    ) -> None:
        is_bot = user.is_bot
        async with self._db.write() as conn:
            limit = 0 if is_bot else self._max_users(tenant_id)
            if limit:
                # One signup at a time per tenant, so concurrent ones cannot overshoot.
                await tenant_store.lock_tenant(conn, tenant_id)
                if await user_store.count_people(conn, tenant_id) >= limit:
                    raise users_quota(limit)
            if await user_store.get_by_username(conn, tenant_id, user.username):
                raise username_exists()
            if await user_store.get_by_email(conn, tenant_id, user.email):
                raise email_exists()
            first = not is_bot and await user_store.count_users(conn, tenant_id) == 0
            if first_only and not first:
                raise open_signup_disabled()
            if (first or system_admin) and user.roles != "system_guest":
                user.roles = "system_user system_admin"
            await user_store.insert_user(conn, tenant_id, user)

    def check_can_edit(self, actor: Actor, user_id: str) -> None:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()

    async def do_patch_user(
        self, actor: Actor, user_id: str, patch: dict[str, Any], *, whole: bool = False
    ) -> User:
        """Change a profile. ``whole`` is PUT /users/{id} (the whole user), whose password
        check answers like Mattermost's updateUser rather than its patchUser."""
        self.check_can_edit(actor, user_id)
        if actor.user_id == user_id and patch.get("email") is not None:
            await self._check_email_change_password(actor, user_id, patch, whole)
        async with self._db.write() as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
            if user is None:
                raise errors.not_found("user", "app.user.missing_account.const")
            if user.is_bot and "username" in patch and not actor.is_system_admin:
                raise errors.forbidden()
            for name in PATCHABLE_FIELDS:
                if name in patch and patch[name] is not None:
                    value = str(patch[name])
                    setattr(
                        user,
                        name,
                        value.strip().lower() if name in ("username", "email") else value,
                    )
            if isinstance(patch.get("props"), dict):
                user.props = {str(k): str(v) for k, v in patch["props"].items()}
            if isinstance(patch.get("notify_props"), dict):
                user.notify_props.update({str(k): str(v) for k, v in patch["notify_props"].items()})
            if isinstance(patch.get("timezone"), dict):
                user.timezone.update({str(k): str(v) for k, v in patch["timezone"].items()})
            if not validation.is_valid_username(user.username):
                raise errors.invalid_body_param("username")
            if not user.is_bot and not validation.is_valid_email(user.email):
                raise invalid_email()
            self._check_profile_fields(user)
            other = await user_store.get_by_username(conn, actor.tenant_id, user.username)
            if other is not None and other.id != user.id:
                raise username_exists()
            other = await user_store.get_by_email(conn, actor.tenant_id, user.email)
            if other is not None and other.id != user.id:
                raise email_exists()
            user.update_at = now_ms()
            await user_store.update_user(conn, actor.tenant_id, user)
        # Cached sessions carry the username (the sender name of posts).
        self._auth.forget_user(user_id)
        await self.publish_updated(actor.tenant_id, user)
        return user

    async def _check_email_change_password(
        self, actor: Actor, user_id: str, patch: dict[str, Any], whole: bool
    ) -> None:
        """Changing one's own email takes the password, so a stolen session cannot move
        the account to another address (admins changing someone else's need not)."""
        async with self._db.read() as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
        if user is None or str(patch["email"]).strip().lower() == user.email:
            return
        password = patch.get("password")
        if not isinstance(password, str) or (whole and not password):
            raise errors.invalid_body_param("password")
        # Counted as a login attempt (refused when locked), as Mattermost's DoubleCheckPassword.
        if not await self._auth.lockout.check_password(actor.tenant_id, user, password):
            raise errors.invalid_body_param("password") if whole else wrong_password()
        await self._auth.lockout.reset_failed_attempts(actor.tenant_id, user.id)

    async def do_update_roles(self, actor: Actor, user_id: str, roles: str) -> User:
        if not actor.is_system_admin:
            raise errors.forbidden()
        wanted = roles.split()
        if "system_user" not in wanted or any(r not in ASSIGNABLE_ROLES for r in wanted):
            raise errors.invalid_body_param("roles")
        async with self._db.write() as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
            if user is None:
                raise errors.not_found("user", "app.user.missing_account.const")
            user.roles = " ".join(r for r in ASSIGNABLE_ROLES if r in wanted)
            user.update_at = now_ms()
            await user_store.update_user(conn, actor.tenant_id, user)
        self._auth.forget_user(user_id)
        self._auth.audit.record(actor, "updateUserRoles", f"user_id={user_id} roles={user.roles}")
        await self.publish_updated(actor.tenant_id, user)
        return user

    async def do_set_active(self, actor: Actor, user_id: str, active: bool) -> User:
        self.check_can_edit(actor, user_id)
        if active and not actor.is_system_admin:
            raise errors.forbidden()
        if (
            not active
            and actor.user_id == user_id
            and not actor.is_system_admin
            and not self._settings.enable_user_deactivation
        ):
            raise deactivation_disabled()
        async with self._db.write() as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
            if user is None:
                raise errors.not_found("user", "app.user.missing_account.const")
            now = now_ms()
            user.delete_at = 0 if active else now
            user.update_at = now
            await user_store.update_user(conn, actor.tenant_id, user)
            if not active:
                await session_store.delete_user_sessions(conn, actor.tenant_id, user_id)
        self._auth.forget_user(user_id)
        self._auth.audit.record(actor, "updateUserActive", f"user_id={user_id} active={active}")
        if not active:
            # Before the update goes out: nothing published from now on reaches the
            # user's sockets, on any node.
            await self._bus.publish(
                [internal_event(actor.tenant_id, SESSION_REVOKED, {"user_id": user_id})]
            )
        await self.publish_updated(actor.tenant_id, user)
        return user

    async def do_update_password(self, actor: Actor, user_id: str, current: str, new: str) -> None:
        self.check_can_edit(actor, user_id)
        self.check_password(new)
        async with self._db.read() as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        if actor.user_id == user_id and not await self._auth.lockout.check_password(
            actor.tenant_id, user, current
        ):
            self._auth.audit.record(actor, "updatePassword", f"failure - user_id={user_id}")
            raise wrong_password()
        user.password_hash = await hash_password(new, self._settings.password_hash_cost)
        user.last_password_update = user.update_at = now_ms()
        async with self._db.write() as conn:
            await user_store.update_user(conn, actor.tenant_id, user)
            # A new password (the user's own, or set by an admin) unlocks the account, as
            # Mattermost's password update does.
            await attempts_store.reset_failed_attempts(conn, actor.tenant_id, user.id)
        if self._settings.terminate_sessions_on_password_change:
            # As Mattermost: the user's other sessions end, the one changing it stays;
            # an admin's reset ends them all.
            keep = actor.session_id if actor.user_id == user_id else ""
            await self._auth.revoke_user_sessions(actor.tenant_id, user_id, keep)
        self._auth.audit.record(actor, "updatePassword", f"success - user_id={user_id}")
        await self.publish_updated(actor.tenant_id, user)

    async def _hidden_from(self, tenant_id: str, user_id: str) -> frozenset[str]:
        """The guests news of this user must not reach."""
        if self.visibility is None:
            return frozenset()
        return await self.visibility.guests_not_seeing(tenant_id, user_id)

    async def _publish_new(self, tenant_id: str, user_id: str) -> None:
        omit = await self._hidden_from(tenant_id, user_id)
        await self._bus.publish(
            [Event(tenant_id, NEW_USER, {"user_id": user_id}, Broadcast(omit_users=omit))]
        )

    async def profile_changed(self, tenant_id: str, user_id: str) -> None:
        """Announce a change made to a user's profile elsewhere (a bot's description)."""
        async with self._db.read() as conn:
            user = await user_store.get_user(conn, tenant_id, user_id)
        if user is not None:
            await self.publish_updated(tenant_id, user)

    def profile(self, actor: Actor, user: User) -> dict[str, Any]:
        """A user as the actor may see them: themself whole, anyone else sanitised."""
        if user.id == actor.user_id:
            return user.to_dict()
        return user.profile_dict(self.privacy, actor.is_system_admin)

    def profiles(self, actor: Actor, users: Sequence[User]) -> builtins.list[dict[str, Any]]:
        return [self.profile(actor, u) for u in users]

    async def _system_admins(self, tenant_id: str) -> frozenset[str]:
        cached = self._admins.get(tenant_id)
        if cached is not None and time.monotonic() - cached[0] < ADMIN_IDS_TTL_SECONDS:
            return cached[1]
        async with self._db.read() as conn:
            admins = frozenset(await user_store.system_admin_ids(conn, tenant_id))
        self._admins[tenant_id] = (time.monotonic(), admins)
        return admins

    async def publish_updated(self, tenant_id: str, user: User) -> None:
        """Announce a changed profile as Mattermost does: the user's own sockets get it
        whole, system admins the admin's view, everyone else the sanitised one."""
        admins = await self._system_admins(tenant_id) - {user.id}
        own = frozenset({user.id})
        hidden = await self._hidden_from(tenant_id, user.id)
        events = [
            Event(tenant_id, USER_UPDATED, {"user": user.to_dict()}, Broadcast(recipients=own)),
            Event(
                tenant_id,
                USER_UPDATED,
                {"user": user.profile_dict(self.privacy, as_admin=False)},
                Broadcast(omit_users=admins | own | hidden),
            ),
        ]
        if admins:
            admin_view = user.profile_dict(self.privacy, as_admin=True)
            events.append(
                Event(tenant_id, USER_UPDATED, {"user": admin_view}, Broadcast(recipients=admins))
            )
        await self._bus.publish(events)
