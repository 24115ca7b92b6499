"""Single sign-on through OAuth 2 / OpenID Connect: starting a sign-in, completing it,
and finding, creating or refusing the user, under Mattermost's rules:

- a user is found by the provider's id for them (``auth_service``, ``auth_data``); the
  provider's email and names then update the profile;
- a first sign-in creates the account when allowed, unless the email belongs to
  another account: that one is never taken over (``already_attached``), it switches
  with its password (``POST /users/login/switch``);
- every refusal and every sign-in is in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from roost.app.accounts.auth import Auth
from roost.app.accounts.errors import login_inactive
from roost.app.accounts.passwords import hash_password
from roost.app.accounts.sso import providers as known
from roost.app.accounts.sso import tenant_directory
from roost.app.accounts.sso.errors import (
    access_denied,
    already_attached,
    bad_id_token,
    invalid_state,
    missing_code,
    provider_not_found,
    service_unsupported,
    switch_not_available,
    switch_other_user,
    user_creation_disabled,
)
from roost.app.accounts.sso.identity import Identity, identity_from
from roost.app.accounts.sso.oidc import OidcClient
from roost.app.accounts.sso.providers import Provider
from roost.app.accounts.users import Users
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.clock import now_ms
from roost.config.sso import OAUTH_SERVICES, SsoSettings
from roost.ids import new_id
from roost.model.user import User
from roost.store.accounts import sso as sso_store
from roost.store.accounts import users as user_store
from roost.store.db.database import Connection, Database

# Mattermost's OAuth actions (model.OAuthAction*).
LOGIN, SIGNUP, MOBILE, EMAIL_TO_SSO = "login", "signup", "mobile", "email_to_sso"
OAUTH_STATE = "oauth"
# The audit log's action for a sign-in through a provider (Mattermost's event name).
AUDIT_COMPLETE = "completeOAuth"
# A tenant's own providers are read again after this (or at once after a change here).
TENANT_PROVIDERS_TTL_SECONDS = 30.0
MAX_USERNAME_TRIES = 20


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Completed:
    user: User
    action: str
    redirect_to: str
    mobile: bool


@dataclass(slots=True)
class _TenantProviders:
    read_at: float
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)


class Sso:
    def __init__(
        self,
        db: Database,
        settings: SsoSettings,
        users: Users,
        auth: Auth,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self.settings = settings
        self._users = users
        self._auth = auth
        self._site_url = site_url
        self.oidc = OidcClient(settings.sso_provider_timeout_seconds)
        self._tenants: dict[str, _TenantProviders] = {}
        self.mobile_schemes = tuple(
            s.strip() for s in settings.app_custom_url_schemes.split(",") if s.strip()
        )

    async def close(self) -> None:
        await self.oidc.close()

    # Providers: the deployment's defaults, or the tenant's own.

    async def _stored(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        cached = self._tenants.get(tenant_id)
        if cached is None or time.monotonic() - cached.read_at > TENANT_PROVIDERS_TTL_SECONDS:
            async with self._db.read() as conn:
                stored = await sso_store.list_providers(conn, tenant_id)
            cached = _TenantProviders(time.monotonic(), stored)
            self._tenants[tenant_id] = cached
        return cached.stored

    async def own_settings(self, tenant_id: str, service: str) -> dict[str, Any] | None:
        """The tenant's own stored settings of a service (its SAML or LDAP), or None."""
        return (await self._stored(tenant_id)).get(service)

    async def providers(self, tenant_id: str) -> dict[str, Provider]:
        """Every OAuth service as this tenant has it (enabled or not)."""
        stored = await self._stored(tenant_id)
        found: dict[str, Provider] = {}
        for service in OAUTH_SERVICES:
            base = known.default_provider(self.settings, service)
            own = stored.get(service)
            found[service] = base if own is None else known.with_tenant_settings(base, own)
        return found

    async def provider(self, tenant_id: str, service: str) -> Provider:
        if service not in OAUTH_SERVICES:
            raise service_unsupported(service)
        provider = (await self.providers(tenant_id))[service]
        if not provider.usable:
            raise service_unsupported(service)
        return provider

    def redirect_uri(self, tenant_id: str, service: str) -> str:
        """Where the provider sends the browser back: the address Mattermost registers
        with providers, on the tenant's own site."""
        return f"{self._site_url(tenant_id).rstrip('/')}/signup/{service}/complete"

    def site_url(self, tenant_id: str) -> str:
        return self._site_url(tenant_id)

    # The flow.

    async def do_start(
        self,
        tenant_id: str,
        service: str,
        action: str,
        redirect_to: str = "",
        email: str = "",
    ) -> tuple[str, str]:
        """The provider's authorization URL and the cookie binding the sign-in to this
        browser; the state, PKCE verifier and nonce are kept here until it returns."""
        provider = await self.provider(tenant_id, service)
        endpoints = await self.oidc.endpoints(provider)
        started = self.oidc.start(provider, endpoints, self.redirect_uri(tenant_id, service))
        cookie = new_id() + new_id()
        props = {
            "action": action,
            "redirect_to": redirect_to,
            "email": email,
            "nonce": started.nonce,
            "code_verifier": started.code_verifier,
        }
        now = now_ms()
        async with self._db.write() as conn:
            await sso_store.insert_state(
                conn,
                tenant_id,
                secret_hash(started.state),
                OAUTH_STATE,
                service,
                secret_hash(cookie),
                props,
                now,
                now + self.settings.sso_state_ttl_seconds * 1000,
            )
        return started.url, cookie

    async def do_complete(
        self,
        tenant_id: str,
        service: str,
        *,
        state: str,
        cookie: str,
        code: str,
        error: str = "",
    ) -> Completed:
        """The user the provider signed in, once everything matches; every refusal is
        in the audit log."""
        try:
            return await self._complete(tenant_id, service, state, cookie, code, error)
        except AppError as refused:
            self.audit_refusal(tenant_id, service, refused)
            raise

    def audit_refusal(self, tenant_id: str, service: str, refused: AppError) -> None:
        self._auth.audit.record_as(
            tenant_id,
            "",
            AUDIT_COMPLETE,
            f"failure - service={service} {refused.error_id} {refused.detailed}".strip(),
        )

    def audit_success(self, tenant_id: str, user_id: str, service: str, action: str) -> None:
        self._auth.audit.record_as(
            tenant_id, user_id, AUDIT_COMPLETE, f"success - service={service} action={action}"
        )

    async def _complete(
        self, tenant_id: str, service: str, state: str, cookie: str, code: str, error: str
    ) -> Completed:
        if not state or len(state) > 512:
            raise invalid_state("no state")
        async with self._db.write() as conn:
            taken = await sso_store.take_state(
                conn, tenant_id, secret_hash(state), OAUTH_STATE, now_ms()
            )
        if taken is None:
            raise invalid_state("unknown, used or expired state")
        stored_service, cookie_hash, props = taken
        if stored_service != service:
            raise invalid_state("state of another service")
        if not cookie or not hmac.compare_digest(cookie_hash, secret_hash(cookie)):
            raise invalid_state("state of another browser")
        provider = await self.provider(tenant_id, service)
        if error:
            raise access_denied(provider.label)
        if not code:
            raise missing_code(provider.label)
        identity = await self._identity(tenant_id, provider, code, props)
        action = str(props.get("action", LOGIN))
        if action == EMAIL_TO_SSO:
            user = await self._switch_to_sso(tenant_id, provider, identity, str(props["email"]))
        else:
            user = await self.login_or_create(tenant_id, provider, identity)
        self.audit_success(tenant_id, user.id, service, action)
        return Completed(user, action, str(props.get("redirect_to", "")), action == MOBILE)

    async def _identity(
        self, tenant_id: str, provider: Provider, code: str, props: dict[str, Any]
    ) -> Identity:
        endpoints = await self.oidc.endpoints(provider)
        redirect_uri = self.redirect_uri(tenant_id, provider.service)
        tokens = await self.oidc.exchange(
            provider, endpoints, code, redirect_uri, str(props.get("code_verifier", ""))
        )
        claims: dict[str, Any] = {}
        if provider.is_oidc:
            id_token = tokens.get("id_token")
            if not isinstance(id_token, str) or not id_token:
                raise bad_id_token("the provider sent no ID token")
            claims = await self.oidc.verify_id_token(
                provider, endpoints, id_token, str(props.get("nonce", ""))
            )
        if endpoints.userinfo:
            info = await self.oidc.user_info(provider, endpoints, str(tokens["access_token"]))
            if claims and str(info.get("sub", claims["sub"])) != str(claims["sub"]):
                # User info for someone other than the ID token's subject (OIDC core 5.3.2).
                raise bad_id_token("user info is for another subject")
            claims = {**info, **claims}
        return identity_from(provider.service, provider.label, claims)

    async def login_or_create(self, tenant_id: str, provider: Provider, identity: Identity) -> User:
        """The user a provider vouched for: found by its id, or created when allowed;
        an email another account holds is refused (Mattermost's ``already_attached``)."""
        service = provider.service
        # One read answers every question a sign-in asks (found? email taken? which
        # username is free?): each transaction counts on a busy database.
        async with self._db.read(primary=True) as conn:
            user = await sso_store.get_by_auth(conn, tenant_id, service, identity.auth_data)
            same_email = None
            username = identity.username
            if user is None:
                same_email = await user_store.get_by_email(conn, tenant_id, identity.email)
                if same_email is None:
                    username = await self._free_username(conn, tenant_id, identity.username)
        if user is not None:
            if user.is_bot:
                raise errors.forbidden("bots do not sign in")
            if user.delete_at:
                raise login_inactive()
            return await self._update_profile(tenant_id, user, identity)
        if same_email is not None:
            # Mattermost never hands an existing account to a provider on email alone.
            other = same_email.auth_service
            raise already_attached(provider.label, known.LABELS.get(other, other or "email"))
        if not self.settings.sso_enable_user_creation:
            raise user_creation_disabled()
        return await self._create(tenant_id, service, replace(identity, username=username))

    async def _free_username(self, conn: Connection, tenant_id: str, wanted: str) -> str:
        for n in range(MAX_USERNAME_TRIES):
            candidate = wanted if n == 0 else f"{wanted[:60]}{n}"
            if await user_store.get_by_username(conn, tenant_id, candidate) is None:
                return candidate
        return f"{wanted[:40]}-{new_id()[:12]}"

    async def _create(self, tenant_id: str, service: str, identity: Identity) -> User:
        now = now_ms()
        user = User(
            id=new_id(),
            username=identity.username,
            email=identity.email,
            create_at=now,
            update_at=now,
            first_name=identity.first_name,
            last_name=identity.last_name,
            nickname=identity.nickname,
            position=identity.position,
            auth_service=service,
            auth_data=identity.auth_data,
            email_verified=True,
        )
        return await self._users.do_create_external_user(tenant_id, user)

    async def _update_profile(self, tenant_id: str, user: User, identity: Identity) -> User:
        """The provider's current email and names (Mattermost's UpdateOAuthUserAttrs); an
        email another account holds stays as it was."""
        changes: dict[str, str] = {}
        for name in ("first_name", "last_name", "nickname", "position"):
            value = getattr(identity, name)
            if value and value != getattr(user, name):
                changes[name] = value
        if not changes and identity.email == user.email:
            return user
        async with self._db.write() as conn:
            fresh = await user_store.get_user(conn, tenant_id, user.id)
            if fresh is None:
                return user
            if identity.email != fresh.email:
                holder = await user_store.get_by_email(conn, tenant_id, identity.email)
                if holder is None:
                    changes["email"] = identity.email
            for name, value in changes.items():
                setattr(fresh, name, value)
            fresh.update_at = now_ms()
            await user_store.update_user(conn, tenant_id, fresh)
        await self._users.publish_updated(tenant_id, fresh)
        return fresh

    async def _switch_to_sso(
        self, tenant_id: str, provider: Provider, identity: Identity, email: str
    ) -> User:
        """The last step of a switch from password to a provider: the provider must
        vouch for the same email, and nobody else may already be that provider's user."""
        async with self._db.write() as conn:
            user = await user_store.get_by_email(conn, tenant_id, email)
            if user is None or user.delete_at:
                raise invalid_state("the account to switch is gone")
            if identity.email != user.email:
                raise already_attached(provider.label, "email")
            other = await sso_store.get_by_auth(
                conn, tenant_id, provider.service, identity.auth_data
            )
            if other is not None and other.id != user.id:
                raise already_attached(provider.label, provider.label)
            await sso_store.set_auth(
                conn, tenant_id, user.id, provider.service, identity.auth_data, "", now_ms()
            )
            user.auth_service, user.auth_data, user.password_hash = (
                provider.service,
                identity.auth_data,
                "",
            )
        await self._auth.revoke_user_sessions(tenant_id, user.id)
        await self._users.publish_updated(tenant_id, user)
        return user

    # Switching an account between a password and a provider (POST /users/login/switch).

    async def do_switch_email_to_oauth(
        self, tenant_id: str, user: User, service: str
    ) -> tuple[str, str]:
        """The provider's sign-in address for a password account whose password (and
        MFA) the caller checked; the account switches when the provider vouches for
        the same email (``_switch_to_sso``)."""
        if user.auth_service or user.is_bot:
            raise switch_not_available(f"from {user.auth_service or 'bot'}")
        return await self.do_start(tenant_id, service, EMAIL_TO_SSO, email=user.email)

    async def do_switch_oauth_to_email(self, actor: Actor, email: str, new_password: str) -> None:
        """The signed-in SSO user sets a password and leaves their provider; every
        session of theirs ends (Mattermost's SwitchOAuthToEmail)."""
        async with self._db.read(primary=True) as conn:
            user = await user_store.get_by_email(conn, actor.tenant_id, email.strip().lower())
        if user is None or user.id != actor.user_id:
            raise switch_other_user()
        if user.auth_service not in OAUTH_SERVICES:
            raise switch_not_available(f"from {user.auth_service or 'email'}")
        self._users.check_password(new_password)
        hashed = await hash_password(new_password, self._users.password_cost)
        async with self._db.write() as conn:
            await sso_store.set_auth(conn, actor.tenant_id, user.id, "", "", hashed, now_ms())
        self._auth.audit.record(actor, "switchOAuthToEmail", f"from={user.auth_service}")
        await self._auth.revoke_user_sessions(actor.tenant_id, user.id)
        user.auth_service, user.auth_data = "", ""
        await self._users.publish_updated(actor.tenant_id, user)

    # A tenant's own providers (the operator API).

    async def get_tenant_provider(self, tenant_id: str, service: str) -> dict[str, Any]:
        if service not in OAUTH_SERVICES + tenant_directory.DIRECTORY_SERVICES:
            raise service_unsupported(service)
        async with self._db.read(primary=True) as conn:
            stored = await sso_store.get_provider(conn, tenant_id, service)
        if stored is None:
            raise provider_not_found(service)
        if service in tenant_directory.DIRECTORY_SERVICES:
            return tenant_directory.to_json(service, stored)
        base = known.default_provider(self.settings, service)
        return known.with_tenant_settings(base, stored).to_tenant_json()

    async def do_put_tenant_provider(
        self, tenant_id: str, service: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        directory = service in tenant_directory.DIRECTORY_SERVICES
        clean = {} if directory else known.check_tenant_settings(service, body)
        async with self._db.write() as conn:
            stored = await sso_store.get_provider(conn, tenant_id, service) or {}
            if directory:
                clean = tenant_directory.check_settings(service, body, stored)
            elif clean.get("Secret") == known.SECRET_MASK:
                # The masked value the GET showed: keep the stored secret.
                clean["Secret"] = stored.get("Secret", "")
            await sso_store.put_provider(conn, tenant_id, service, clean, now_ms())
        self._tenants.pop(tenant_id, None)
        return await self.get_tenant_provider(tenant_id, service)

    async def do_delete_tenant_provider(self, tenant_id: str, service: str) -> None:
        if service not in OAUTH_SERVICES + tenant_directory.DIRECTORY_SERVICES:
            raise service_unsupported(service)
        async with self._db.write() as conn:
            deleted = await sso_store.delete_provider(conn, tenant_id, service)
        self._tenants.pop(tenant_id, None)
        if not deleted:
            raise provider_not_found(service)

    def check_admin(self, actor: Actor) -> None:
        if not actor.is_system_admin:
            raise errors.forbidden()
