"""Guest accounts (``POST /users/{user_id}/demote`` and ``/promote``), as Mattermost's.

A guest's account holds ``system_guest`` instead of ``system_user``; wherever they are a
member they hold ``team_guest`` / ``channel_guest`` (``roost.app.accounts.permissions``
derives those from the account). So a guest reads and writes in the channels they were
added to, lists and joins no public channel, creates no channel or team, and manages
nothing; demoting also drops their team and channel admin flags. Demoting needs
``demote_to_guest`` and ``ROOST_GUEST_ACCOUNTS_ENABLE``; promoting ``promote_guest``.
"""

from __future__ import annotations

from roost.app.accounts.auth import Auth
from roost.app.accounts.permissions import Permissions
from roost.app.accounts.users import Users
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import (
    already_guest,
    bot_not_demotable,
    guests_disabled,
    not_a_guest,
)
from roost.clock import now_ms
from roost.model.user import User
from roost.store.accounts import users as user_store
from roost.store.db.database import Connection, Database
from roost.store.messaging import guests as guest_store

DEMOTE = "demote_to_guest"
PROMOTE = "promote_guest"
MANAGE_SYSTEM = "manage_system"
GUEST = "system_guest"
USER = "system_user"


class Guests:
    def __init__(
        self, db: Database, users: Users, auth: Auth, permissions: Permissions, enabled: bool
    ) -> None:
        self._db = db
        self._users = users
        self._auth = auth
        self._permissions = permissions
        self.enabled = enabled

    async def do_demote(self, actor: Actor, user_id: str) -> None:
        if not self.enabled:
            raise guests_disabled("demote_user_to_guest")
        await self._permissions.check(actor, DEMOTE)
        async with self._db.write() as conn:
            user = await self._user(conn, actor, user_id)
            if GUEST in user.roles.split():
                raise already_guest()
            if user.is_bot:
                raise bot_not_demotable()
            if "system_admin" in user.roles.split():
                await self._permissions.check(actor, MANAGE_SYSTEM)
            user.roles = GUEST
            user.update_at = now_ms()
            await user_store.update_user(conn, actor.tenant_id, user)
            await guest_store.drop_admin_flags(conn, actor.tenant_id, user.id)
        await self._changed(actor, user, "demoteUserToGuest")

    async def do_promote(self, actor: Actor, user_id: str) -> None:
        await self._permissions.check(actor, PROMOTE)
        async with self._db.write() as conn:
            user = await self._user(conn, actor, user_id)
            if GUEST not in user.roles.split():
                raise not_a_guest()
            user.roles = USER
            user.update_at = now_ms()
            await user_store.update_user(conn, actor.tenant_id, user)
        await self._changed(actor, user, "promoteGuestToUser")

    @staticmethod
    async def _user(conn: Connection, actor: Actor, user_id: str) -> User:
        user = await user_store.get_user(conn, actor.tenant_id, user_id)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        return user

    async def _changed(self, actor: Actor, user: User, what: str) -> None:
        # Their cached sessions carry the old roles: the next request reads the new ones.
        self._auth.forget_user(user.id)
        self._auth.audit.record(actor, what, f"user_id={user.id}")
        await self._users.publish_updated(actor.tenant_id, user)
