"""Brute-force protection of passwords: the per-account lockout and constant-time
answers for accounts that do not exist.

The lockout follows Mattermost's ``ServiceSettings.MaximumLoginAttempts``: each check of
an account's password counts one attempt *before* bcrypt runs (``reserve_attempt``, a
single conditional ``UPDATE`` in the database, so it holds across nodes and concurrent
guesses), and an account whose counter reached the maximum is refused with
``api.user.check_user_login_attempts.too_many.app_error`` (401), right password or not.
A completed login (``Auth.do_login``) and every password change (by the user, an
admin, or a reset) set the counter back to 0.

For the login flow with a second factor: ``check_credentials`` has already counted the
attempt when it returns, and only ``do_login`` clears it, so a wrong MFA code after a
right password stays counted with nothing more to call. ``increment_failed_attempts``
and ``reset_failed_attempts`` are there for checks made outside that flow.

An unknown login id, a bot or an account without a password (SSO) is answered only after
checking the password against a dummy hash of the configured cost, so the time taken
does not tell them from a real account with a wrong password.
"""

from __future__ import annotations

import logging

from roost.app.accounts.errors import too_many_login_attempts
from roost.app.accounts.passwords import hash_password, verify_password
from roost.config import AccountSettings
from roost.ids import new_id
from roost.model.user import User
from roost.store.accounts import login_attempts as attempts_store
from roost.store.db.database import Database

log = logging.getLogger("roost.accounts")


class Lockout:
    def __init__(self, db: Database, settings: AccountSettings) -> None:
        self._db = db
        self._maximum = settings.maximum_login_attempts
        self._cost = settings.password_hash_cost
        # Made on first use (a hash of a random secret nobody knows), at the cost new
        # passwords get, so it takes as long to check as a real one.
        self._dummy_hash = ""

    @property
    def maximum(self) -> int:
        return self._maximum

    async def check_password(
        self, tenant_id: str, user: User | None, password: str, source: str = ""
    ) -> bool:
        """Whether ``password`` is the user's, counting the attempt; raises the lockout
        error when the account has no attempts left. A user who cannot log in with a
        password (None, a bot, SSO) gets False after as much work as a real check."""
        if user is None or user.is_bot or not user.password_hash or user.auth_service:
            await verify_password(password, await self._dummy(), source=source)
            return False
        await self.reserve(tenant_id, user.id)
        return await verify_password(password, user.password_hash, source=source)

    async def reserve(self, tenant_id: str, user_id: str) -> None:
        """Count one attempt, or refuse when the account is locked."""
        async with self._db.write() as conn:
            counted = await attempts_store.reserve_attempt(conn, tenant_id, user_id, self._maximum)
        if not counted:
            log.debug("login refused: account %s locked after failed attempts", user_id)
            raise too_many_login_attempts()

    async def increment_failed_attempts(self, tenant_id: str, user_id: str) -> None:
        """Count a failed check made outside ``check_password`` (e.g. a wrong code)."""
        async with self._db.write() as conn:
            await attempts_store.increment_failed_attempts(conn, tenant_id, user_id)

    async def reset_failed_attempts(self, tenant_id: str, user_id: str) -> None:
        async with self._db.write() as conn:
            await attempts_store.reset_failed_attempts(conn, tenant_id, user_id)

    async def failed_attempts(self, tenant_id: str, user_id: str) -> int:
        async with self._db.read(primary=True) as conn:
            return await attempts_store.failed_attempts(conn, tenant_id, user_id)

    async def _dummy(self) -> str:
        if not self._dummy_hash:
            self._dummy_hash = await hash_password(new_id(), self._cost)
        return self._dummy_hash
