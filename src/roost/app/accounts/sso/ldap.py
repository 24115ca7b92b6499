"""LDAP / Active Directory sign-in and sync (Mattermost's LdapSettings): a tenant's own
directory (``tenant_directory``, set through the operator API) or, for the default
tenant, the deployment's (``ROOST_LDAP_*``); a tenant with neither has none.

- Sign-in (``Auth.check_credentials`` asks here for a login no local password account
  answers, or for an LDAP user): the entry is found by the login attribute (or, for a
  known user, by the id attribute) as the service account, then the user's own simple
  bind checks the password. The first sign-in creates the account (``auth_service``
  ``ldap``, ``auth_data`` the id attribute); a local account with that username or
  email is never taken over.
- Sync (``POST /api/v4/ldap/sync``, and every ``ldap_sync_interval_minutes`` when
  ``ldap_enable_sync``): the directory is read a page at a time and each LDAP user is
  updated, deactivated when gone from it (their sessions end), or reactivated when back.
  The periodic sync visits every tenant with a directory, one after the other.
- Switching (``POST /users/login/switch``, Mattermost's emailToLdap / ldapToEmail): a
  password account whose password (and MFA) the caller proved becomes the LDAP account
  of the directory entry whose login and password it gives (unless another account is
  that entry's already): its password is removed and its sessions end. An LDAP account
  proved by its directory password (and MFA) gets a password and leaves the directory.
  Both off with ``experimental_enable_authentication_transfer`` (403).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from roost.app.accounts.auth import Auth
from roost.app.accounts.errors import login_inactive
from roost.app.accounts.passwords import hash_password
from roost.app.accounts.sso.errors import (
    already_attached,
    ldap_disabled,
    ldap_invalid_password,
    ldap_not_available,
    missing_account,
    not_ldap_account,
    switch_not_available,
    switch_transfer_disabled,
)
from roost.app.accounts.sso.identity import clean_username
from roost.app.accounts.sso.ldap_directory import (
    Directory,
    Entry,
    is_escaped_binary,
    legacy_hex,
)
from roost.app.accounts.sso.ldap_migrate import matched_pairs
from roost.app.accounts.sso.tenant_directory import LDAP, tenant_settings
from roost.app.accounts.users import Users
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.config.sso import SsoSettings
from roost.ids import new_id
from roost.model.user import User
from roost.store.accounts import sessions as session_store
from roost.store.accounts import sso as sso_store
from roost.store.accounts import users as user_store
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger(__name__)
SERVICE = "ldap"
LABEL = "LDAP"
# Users written per transaction by a sync (a bounded transaction, many rows each).
SYNC_BATCH = 500
# How often the periodic sync looks for directories due (each has its own interval).
SYNC_TICK_SECONDS = 60
OwnSettings = Callable[[str, str], Awaitable[dict[str, Any] | None]]
# Mattermost's names of the two switches (its error ids and audit actions say them).
EMAIL_TO_LDAP, LDAP_TO_EMAIL = "email_to_ldap", "ldap_to_email"
AUDIT_EMAIL_TO_LDAP, AUDIT_LDAP_TO_EMAIL = "switchEmailToLdap", "switchLdapToEmail"
AUDIT_MIGRATE = "migrateAuthToLdap"


async def _no_own_settings(tenant_id: str, service: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class SyncResult:
    checked: int
    updated: int
    deactivated: int
    reactivated: int

    def to_dict(self) -> dict[str, object]:
        return {
            "status": "OK",
            "checked": self.checked,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
        }


class Ldap:
    def __init__(
        self,
        db: Database,
        settings: SsoSettings,
        users: Users,
        auth: Auth,
        own_settings: OwnSettings = _no_own_settings,
    ) -> None:
        self._db = db
        self.settings = settings
        self._users = users
        self._auth = auth
        # A tenant's own stored LdapSettings (``Sso.own_settings``, cached there).
        self._own_settings = own_settings
        self._sync_lock = asyncio.Lock()
        # Linked groups' members follow the directory after each sync (the messaging
        # domain's LdapGroups.sync, plugged in by compose.py).
        self.group_sync: Callable[[str, Iterable[Entry]], Awaitable[None]] | None = None
        self._last_sync: dict[str, float] = {}

    async def settings_for(self, tenant_id: str) -> SsoSettings:
        """The tenant's LDAP settings: its own, the deployment's for the default tenant,
        or none (``ldap_enable`` off)."""
        own = await self._own_settings(tenant_id, LDAP)
        if own is not None:
            return tenant_settings(self.settings, LDAP, own)
        if tenant_id == DEFAULT_TENANT_ID:
            return self.settings
        return replace(self.settings, ldap_enable=False)

    async def directory_for(self, tenant_id: str) -> Directory | None:
        """The tenant's directory, or None when it has none (or it is off)."""
        s = await self.settings_for(tenant_id)
        return Directory(s) if s.ldap_enable and s.ldap_server else None

    async def serves(self, tenant_id: str) -> bool:
        return await self.directory_for(tenant_id) is not None

    async def _checked_directory(self, actor: Actor) -> Directory:
        if not actor.is_system_admin:
            raise errors.forbidden()
        directory = await self.directory_for(actor.tenant_id)
        if directory is None:
            raise ldap_disabled()
        return directory

    # Sign-in.

    async def authenticate(
        self, tenant_id: str, login_id: str, password: str, user: User | None
    ) -> User | None:
        """The Roost user whose directory password this is, or None."""
        directory = await self.directory_for(tenant_id)
        if directory is None:
            return None
        by_id = user.auth_data if user is not None and user.auth_service == SERVICE else ""
        entry = await asyncio.to_thread(directory.authenticate, login_id, password, by_id)
        if entry is None:
            return None
        return await self._user_for(tenant_id, entry)

    async def _user_for(self, tenant_id: str, entry: Entry) -> User:
        async with self._db.read(primary=True) as conn:
            user = await sso_store.get_by_auth(conn, tenant_id, SERVICE, entry.id)
            if user is None and is_escaped_binary(entry.id):
                # Made by an older release, which kept a binary id as plain hex.
                user = await sso_store.get_by_auth(conn, tenant_id, SERVICE, legacy_hex(entry.id))
            taken_name = taken_email = None
            if user is None:
                taken_name = await user_store.get_by_username(
                    conn, tenant_id, clean_username(entry.username)
                )
                taken_email = await user_store.get_by_email(conn, tenant_id, entry.email)
        if user is not None:
            if user.delete_at:
                raise login_inactive()
            changed = _apply(user, entry)
            if changed.auth_data != entry.id:
                changed = replace(changed, auth_data=entry.id)  # the stored form from now on
            if changed is not user:
                async with self._db.write() as conn:
                    await user_store.update_user(conn, tenant_id, changed)
                await self._users.publish_updated(tenant_id, changed)
            return changed
        holder = taken_email or taken_name
        if holder is not None:
            raise already_attached(LABEL, holder.auth_service or "email")
        now = now_ms()
        created = User(
            id=new_id(),
            username=clean_username(entry.username),
            email=entry.email,
            create_at=now,
            update_at=now,
            first_name=entry.first_name,
            last_name=entry.last_name,
            nickname=entry.nickname,
            position=entry.position,
            auth_service=SERVICE,
            auth_data=entry.id,
            email_verified=True,
        )
        return await self._users.do_create_external_user(tenant_id, created)

    # Switching between a password and the directory.

    async def switch_directory(self, tenant_id: str, direction: str) -> Directory:
        """The tenant's directory, when people may switch to or from it."""
        s = await self.settings_for(tenant_id)
        if not s.experimental_enable_authentication_transfer:
            raise switch_transfer_disabled(direction)
        if not (s.ldap_enable and s.ldap_server):
            raise ldap_disabled()
        return Directory(s)

    async def do_switch_email_to_ldap(
        self, tenant_id: str, user: User, ldap_id: str, ldap_password: str
    ) -> User:
        """``user`` (a password account whose password and MFA the caller checked)
        becomes the LDAP account of the entry ``ldap_id`` names, if ``ldap_password``
        is that entry's."""
        if user.auth_service or user.is_bot:
            raise switch_not_available(f"from {user.auth_service or 'bot'}")
        directory = await self.switch_directory(tenant_id, EMAIL_TO_LDAP)
        ldap_id = ldap_id.strip()
        entry = None
        if ldap_id and ldap_password:
            entry = await asyncio.to_thread(directory.authenticate, ldap_id, ldap_password)
        if entry is None:
            raise ldap_invalid_password()
        async with self._db.write() as conn:
            fresh = await user_store.get_user(conn, tenant_id, user.id)
            if fresh is None or fresh.delete_at:
                raise login_inactive()
            if fresh.auth_service:
                raise switch_not_available(f"from {fresh.auth_service}")
            holder = await sso_store.get_by_auth(conn, tenant_id, SERVICE, entry.id)
            if holder is not None:
                # That directory account signs in to another Roost account already.
                raise already_attached(LABEL, LABEL)
            await sso_store.set_auth(conn, tenant_id, fresh.id, SERVICE, entry.id, "", now_ms())
        fresh.auth_service, fresh.auth_data, fresh.password_hash = SERVICE, entry.id, ""
        self._auth.audit.record_as(
            tenant_id, fresh.id, AUDIT_EMAIL_TO_LDAP, f"success - ldap_id={ldap_id}"
        )
        await self._auth.revoke_user_sessions(tenant_id, fresh.id)
        await self._users.publish_updated(tenant_id, fresh)
        return fresh

    async def check_switch_from_ldap(self, tenant_id: str, email: str, ldap_password: str) -> User:
        """The LDAP account of ``email`` when ``ldap_password`` is its directory
        password (counted towards the lockout as a sign-in is)."""
        directory = await self.switch_directory(tenant_id, LDAP_TO_EMAIL)
        async with self._db.read(primary=True) as conn:
            user = await user_store.get_by_email(conn, tenant_id, email.strip().lower())
        if user is None:
            raise missing_account()
        if user.auth_service != SERVICE:
            raise not_ldap_account()
        if not user.auth_data:
            raise not_ldap_account()
        if user.delete_at:
            raise login_inactive()
        await self._auth.lockout.reserve(tenant_id, user.id)
        entry = None
        if ldap_password:
            entry = await asyncio.to_thread(
                directory.authenticate, "", ldap_password, user.auth_data
            )
        if entry is None:
            raise ldap_invalid_password()
        return user

    async def do_switch_ldap_to_email(self, tenant_id: str, user: User, new_password: str) -> None:
        """The LDAP account (proved by ``check_switch_from_ldap`` and MFA) signs in with
        ``new_password`` from now on; every session of theirs ends."""
        self._users.check_password(new_password)
        hashed = await hash_password(new_password, self._users.password_cost)
        async with self._db.write() as conn:
            await sso_store.set_auth(conn, tenant_id, user.id, "", "", hashed, now_ms())
        await self._auth.lockout.reset_failed_attempts(tenant_id, user.id)
        self._auth.audit.record_as(tenant_id, user.id, AUDIT_LDAP_TO_EMAIL, "success")
        await self._auth.revoke_user_sessions(tenant_id, user.id)
        user.auth_service, user.auth_data = "", ""
        await self._users.publish_updated(tenant_id, user)

    async def do_migrate_auth(
        self, actor: Actor, from_service: str, match_field: str, force: bool
    ) -> int:
        """The admin's migration of every account of ``from_service`` (``email``: the
        password accounts) to LDAP, each to the directory entry of its email or username
        (``ldap_migrate``); their passwords are removed. How many moved."""
        if not actor.is_system_admin:
            raise errors.forbidden()
        directory = await self.directory_for(actor.tenant_id)
        if directory is None:
            raise ldap_not_available()
        tenant_id = actor.tenant_id
        service = "" if from_service == "email" else from_service
        entries = await asyncio.to_thread(lambda: list(directory.every_user()))
        async with self._db.read(primary=True) as conn:
            accounts = await sso_store.list_by_service(conn, tenant_id, service)
            ldap_accounts = await sso_store.list_by_service(conn, tenant_id, SERVICE)
        linked = {u.auth_data for u in ldap_accounts if u.auth_data}
        users = [u for u in accounts if not u.is_bot]
        pairs = matched_pairs(users, entries, match_field, force, linked)
        now = now_ms()
        for start in range(0, len(pairs), SYNC_BATCH):
            async with self._db.write() as conn:
                for user, entry in pairs[start : start + SYNC_BATCH]:
                    await sso_store.set_auth(conn, tenant_id, user.id, SERVICE, entry.id, "", now)
        self._auth.audit.record(
            actor,
            AUDIT_MIGRATE,
            f"from={from_service} match_field={match_field} force={force} migrated={len(pairs)}",
        )
        for user, entry in pairs:
            moved = replace(user, auth_service=SERVICE, auth_data=entry.id, password_hash="")
            await self._users.publish_updated(tenant_id, moved)
        return len(pairs)

    # Sync.

    async def do_sync(self, actor: Actor) -> SyncResult:
        await self._checked_directory(actor)
        result = await self.sync(actor.tenant_id)
        self._auth.audit.record(actor, "ldapSyncNow", f"checked={result.checked}")
        return result

    async def do_test(self, actor: Actor) -> None:
        directory = await self._checked_directory(actor)
        await asyncio.to_thread(directory.test)

    async def sync(self, tenant_id: str) -> SyncResult:
        """One pass over the tenant's directory (one sync at a time per node, whichever
        the tenant)."""
        directory = await self.directory_for(tenant_id)
        if directory is None:
            raise ldap_disabled()
        async with self._sync_lock:
            self._last_sync[tenant_id] = time.monotonic()
            entries = await asyncio.to_thread(lambda: {e.id: e for e in directory.every_user()})
            async with self._db.read(primary=True) as conn:
                local = await sso_store.list_by_service(conn, tenant_id, SERVICE)
            now = now_ms()
            changed: list[User] = []
            gone: list[str] = []
            updated = deactivated = reactivated = 0
            # Accounts of older releases keep a binary id as plain hex: matched too.
            legacy = {legacy_hex(i): e for i, e in entries.items() if is_escaped_binary(i)}
            for user in local:
                entry = entries.get(user.auth_data) or legacy.get(user.auth_data)
                if entry is None:
                    if not user.delete_at:
                        changed.append(replace(user, delete_at=now, update_at=now))
                        gone.append(user.id)
                        deactivated += 1
                    continue
                fresh = _apply(user, entry)
                if fresh.auth_data != entry.id:
                    fresh = replace(fresh, auth_data=entry.id)
                if user.delete_at:
                    fresh = replace(fresh, delete_at=0, update_at=now)
                    reactivated += 1
                elif fresh is not user:
                    updated += 1
                if fresh is not user:
                    changed.append(replace(fresh, update_at=now))
            leaving = set(gone)
            ended: list[str] = []
            for start in range(0, len(changed), SYNC_BATCH):
                async with self._db.write() as conn:
                    for user in changed[start : start + SYNC_BATCH]:
                        await user_store.update_user(conn, tenant_id, user)
                        if user.id in leaving:
                            # A deactivated user's sessions end with the deactivation.
                            ended += await session_store.revoke_user_sessions(
                                conn, tenant_id, user.id, ""
                            )
            await self._auth.sessions_ended(tenant_id, ended)
            for user in changed:
                await self._users.publish_updated(tenant_id, user)
            if self.group_sync is not None:
                await self.group_sync(tenant_id, entries.values())
        return SyncResult(len(local), updated, deactivated, reactivated)

    async def run(self) -> None:
        """The periodic sync (a node's worker): each tenant whose directory syncs, once
        its interval has passed since its last sync on this node, one after the other."""
        started = time.monotonic()
        while True:
            await asyncio.sleep(
                min(SYNC_TICK_SECONDS, self.settings.ldap_sync_interval_minutes * 60)
            )
            try:
                tenant_ids = await self._tenant_ids()
            except Exception:  # the database away: the next tick tries again
                log.exception("ldap sync: the tenants could not be read")
                continue
            for tenant_id in tenant_ids:
                if not self._db.writable(tenant_id):
                    continue  # moving: synced where it lands
                with tenant_scope(tenant_id):
                    await self._sync_if_due(tenant_id, started)

    async def _tenant_ids(self) -> list[str]:
        with across_tenants():
            async with self._db.read() as conn:
                return await sso_store.tenant_ids(conn)

    async def _sync_if_due(self, tenant_id: str, started: float) -> None:
        try:
            s = await self.settings_for(tenant_id)
            if not (s.ldap_enable and s.ldap_server and s.ldap_enable_sync):
                return
            last = self._last_sync.get(tenant_id, started)
            if time.monotonic() - last < s.ldap_sync_interval_minutes * 60:
                return
            result = await self.sync(tenant_id)
            log.info("ldap sync of %s: %s", tenant_id, result)
        except errors.AppError as failed:
            self._last_sync[tenant_id] = time.monotonic()
            log.warning(
                "ldap sync of %s failed: %s %s", tenant_id, failed.error_id, failed.detailed
            )
        except Exception:  # one tenant's failure stops neither the others nor the loop
            self._last_sync[tenant_id] = time.monotonic()
            log.exception("ldap sync of %s failed", tenant_id)


def _apply(user: User, entry: Entry) -> User:
    """The user with the directory's values (the same object when nothing changed);
    attributes not mapped (empty) are left as they are."""
    values = {
        "username": clean_username(entry.username),
        "email": entry.email,
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "nickname": entry.nickname,
        "position": entry.position,
    }
    changes = {k: v for k, v in values.items() if v and v != getattr(user, k)}
    if not changes:
        return user
    fresh = replace(user)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return fresh
