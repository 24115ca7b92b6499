"""Multi-factor authentication with TOTP codes (RFC 6238), as Mattermost's.

``POST /users/{id}/mfa/generate`` stores a new secret and answers it once, with a QR code
of its ``otpauth://`` URI; ``PUT /users/{id}/mfa`` activates it with a first code, or
turns MFA off (the user, or an admin resetting it). A login of a user with MFA then
needs the current code in ``token``. Codes of the previous, current and next 30-second
step are accepted, each step once only: the last step accepted is stored per user and a
conditional UPDATE claims a new one, so a code cannot be replayed, even on another node.
The secret is read only where a code is checked and is never logged or sent again.
Failed codes are not counted towards the login lockout (Mattermost counts them; here
lockout is the lockout module's and MFA failures are left out of it).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import io
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pyotp
import qrcode

from roost.app.accounts.errors import (
    mfa_bad_activation_code,
    mfa_bad_code,
    mfa_disabled,
    mfa_required,
    mfa_token_malformed,
)
from roost.app.accounts.users import Users
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.config import AccountSettings
from roost.model.user import Session, User
from roost.store.accounts import mfa as mfa_store
from roost.store.accounts import users as user_store
from roost.store.db.database import Database

TOTP_PERIOD_SECONDS = 30
TOTP_DIGITS = 6
# Steps either side of the current one still accepted (clock drift, typing time).
TOTP_WINDOW_STEPS = 1
# Lengths of a code that is at least shaped like one (Mattermost's authenticator takes
# 6 or 8 digits); anything else is refused as malformed before any secret is read.
CODE_LENGTHS = (6, 8)
# Mattermost's secret: 20 random bytes, 32 base32 characters.
SECRET_LENGTH = 32


def _qr_png_base64(uri: str) -> str:
    image = qrcode.make(uri)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def _issuer(site_url: str) -> str:
    """Mattermost names the issuer after the site's host; Roost when there is none."""
    host = urlsplit(site_url).netloc
    if host.startswith("www."):
        host = host[4:]
    return host or "Roost"


def well_formed(code: str) -> bool:
    return len(code) in CODE_LENGTHS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, after_step: int, now: float) -> int | None:
    """The time step, later than ``after_step``, whose code ``code`` is; None if none
    within the window."""
    totp = pyotp.TOTP(secret, digits=len(code), interval=TOTP_PERIOD_SECONDS)
    current = int(now // TOTP_PERIOD_SECONDS)
    for step in range(current - TOTP_WINDOW_STEPS, current + TOTP_WINDOW_STEPS + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class Mfa:
    def __init__(
        self,
        db: Database,
        settings: AccountSettings,
        users: Users,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._settings = settings
        self._users = users
        self._site_url = site_url

    @property
    def enabled(self) -> bool:
        return self._settings.enable_multifactor_authentication

    def check_enforced(self, session: Session) -> None:
        """Mattermost's MfaRequired: with MFA enforced, a user without it may use only
        the routes that set it up (they ask with ``mfa_exempt``). Bots are exempt."""
        if (
            self.enabled
            and self._settings.enforce_multifactor_authentication
            and not session.mfa_active
            and not session.is_bot
        ):
            raise mfa_required()

    async def _target(self, actor: Actor, user_id: str) -> User:
        # Mattermost's SessionHasPermissionToUser: oneself, or an admin.
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        async with self._db.read(primary=True) as conn:
            user = await user_store.get_user(conn, actor.tenant_id, user_id)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        return user

    async def do_generate_secret(self, actor: Actor, user_id: str) -> dict[str, str]:
        """A new secret for the user (kept until activated or replaced) and its QR code."""
        user = await self._target(actor, user_id)
        if not self.enabled:
            raise mfa_disabled()
        secret = pyotp.random_base32(SECRET_LENGTH)
        uri = pyotp.TOTP(secret).provisioning_uri(
            name=user.email, issuer_name=_issuer(self._site_url(actor.tenant_id))
        )
        # Drawing the code is CPU work: off the event loop.
        qr_code = await asyncio.to_thread(_qr_png_base64, uri)
        async with self._db.write() as conn:
            await mfa_store.set_mfa(
                conn,
                actor.tenant_id,
                user.id,
                secret=secret,
                active=user.mfa_active,
                last_step=0,
                update_at=now_ms(),
            )
        if user.mfa_active:
            await self._changed(actor.tenant_id, user.id)
        return {"secret": secret, "qr_code": qr_code}

    async def do_update(self, actor: Actor, user_id: str, activate: bool, code: str) -> None:
        user = await self._target(actor, user_id)
        if activate:
            if not self.enabled:
                raise mfa_disabled()
            code = code.strip()
            async with self._db.write() as conn:
                state = await mfa_store.get_mfa(conn, actor.tenant_id, user.id)
                step = None
                if state is not None and state.secret and well_formed(code):
                    step = matching_step(state.secret, code, state.last_step, time.time())
                if state is None or step is None:
                    raise mfa_bad_activation_code()
                await mfa_store.set_mfa(
                    conn,
                    actor.tenant_id,
                    user.id,
                    secret=state.secret,
                    active=True,
                    last_step=step,
                    update_at=now_ms(),
                )
        else:
            # Turning it off (oneself, or an admin's reset) forgets the secret.
            async with self._db.write() as conn:
                await mfa_store.set_mfa(
                    conn,
                    actor.tenant_id,
                    user.id,
                    secret="",
                    active=False,
                    last_step=0,
                    update_at=now_ms(),
                )
        await self._changed(actor.tenant_id, user.id)

    async def _changed(self, tenant_id: str, user_id: str) -> None:
        # user_updated drops the user's cached sessions on every node, so enforcement
        # and logins see the new state at once.
        await self._users.profile_changed(tenant_id, user_id)

    async def check_login(self, tenant_id: str, user: User, token: str | None) -> None:
        """After the password: the user's current code, when they have MFA."""
        if not user.mfa_active or not self.enabled:
            return
        code = (token or "").strip()
        if not well_formed(code):
            raise mfa_token_malformed()
        async with self._db.write() as conn:
            state = await mfa_store.get_mfa(conn, tenant_id, user.id)
            if state is None or not state.secret:
                raise mfa_bad_code()
            step = matching_step(state.secret, code, state.last_step, time.time())
            if step is None or not await mfa_store.claim_step(conn, tenant_id, user.id, step):
                raise mfa_bad_code()

    async def mfa_required(self, tenant_id: str, login_id: str) -> bool:
        """``POST /users/mfa``: whether this login needs a code (false for unknown users)."""
        if not self.enabled:
            return False
        login_id = login_id.strip().lower()
        async with self._db.read(primary=True) as conn:
            if "@" in login_id:
                user = await user_store.get_by_email(conn, tenant_id, login_id)
            else:
                user = await user_store.get_by_username(conn, tenant_id, login_id)
        return bool(user is not None and user.mfa_active and not user.delete_at)
