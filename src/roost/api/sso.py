"""Single sign-on's pages, at Mattermost's addresses (outside ``/api/v4``):

- ``GET /oauth/{service}/login``, ``/mobile_login``, ``/signup``: off to the provider;
- ``GET /signup/{service}/complete`` (the redirect URI providers know),
  ``/login/{service}/complete`` and ``/oauth/{service}/complete``: back from it, signed
  in: the web gets the session cookies and its page, the mobile app its
  ``<scheme>://callback?MMAUTHTOKEN=...&MMCSRF=...&srv=...``;
- ``/operator/v1/tenants/{tenant}/sso/{service}``: a tenant's own provider.
"""

from __future__ import annotations

import html
import time
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from roost.api.auth import AUTH_COOKIE, CSRF_COOKIE, USER_COOKIE
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.api.operator import OPERATOR_PREFIX, check_operator
from roost.api.sessions import session_props
from roost.app.accounts.sso.errors import switch_transfer_disabled
from roost.app.accounts.sso.ldap import (
    AUDIT_EMAIL_TO_LDAP,
    AUDIT_LDAP_TO_EMAIL,
    EMAIL_TO_LDAP,
)
from roost.app.accounts.sso.ldap import SERVICE as LDAP
from roost.app.accounts.sso.ldap_migrate import MATCH_FIELDS, MIGRATE_FROM
from roost.app.accounts.sso.oidc import provider_ms
from roost.app.accounts.sso.redirects import (
    check_mobile_redirect,
    check_web_redirect,
    site_target,
)
from roost.app.accounts.sso.service import LOGIN, MOBILE, SIGNUP, Completed
from roost.app.kernel import errors
from roost.model.user import Session
from roost.tenancy.scope import enter_tenant

# Mattermost's cookie binding a sign-in to the browser that started it.
OAUTH_COOKIE = "MMOAUTH"
SERVICE_MAX = 32


def _service(req: Req) -> str:
    return req.path_str("service", SERVICE_MAX).lower()


def _secure(site_url: str) -> bool:
    return site_url.startswith("https://")


async def _start(req: Req, action: str) -> Response:
    sso = req.services.sso
    site_url = sso.site_url(req.tenant_id)
    raw_redirect = req.query_str("redirect_to", max_len=1024)
    if action == MOBILE:
        redirect_to = check_mobile_redirect(raw_redirect, sso.mobile_schemes)
    else:
        redirect_to = check_web_redirect(raw_redirect, site_url)
    url, cookie = await sso.do_start(req.tenant_id, _service(req), action, redirect_to)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        OAUTH_COOKIE,
        cookie,
        max_age=sso.settings.sso_state_ttl_seconds,
        path="/",
        httponly=True,
        secure=_secure(site_url),
        samesite="lax",
    )
    return response


async def login_with_oauth(req: Req) -> Response:
    return await _start(req, LOGIN)


async def mobile_login_with_oauth(req: Req) -> Response:
    return await _start(req, MOBILE)


async def signup_with_oauth(req: Req) -> Response:
    return await _start(req, SIGNUP)


def set_session_cookies(response: Response, session: Session, token: str, secure: bool) -> None:
    """The web client's session cookies, as a password login sets them."""
    max_age = max(0, (session.expires_at - session.create_at) // 1000)
    common = {"max_age": max_age, "path": "/", "secure": secure, "samesite": "lax"}
    response.set_cookie(AUTH_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(USER_COOKIE, session.user_id, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, session.csrf_token, **common)  # type: ignore[arg-type]


def _mobile_complete_page(target: str) -> HTMLResponse:
    """Mattermost's page that hands the session to the app (the in-app browser watches
    for the app's scheme)."""
    quoted = html.escape(target, quote=True)
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='0;url={quoted}'>"
        "<title>Signed in</title></head><body>"
        f"<p>Signed in. <a id='continue' href='{quoted}'>Return to the app</a>.</p>"
        "</body></html>"
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


def _server_timing(response: Response, started: float, waited: list[float]) -> Response:
    """Roost's own time and the provider's, apart (``Server-Timing``): what an admin
    needs to tell a slow provider from a slow server."""
    total = (time.perf_counter() - started) * 1000
    response.headers["Server-Timing"] = (
        f"roost;dur={max(0.0, total - waited[0]):.1f}, provider;dur={waited[0]:.1f}"
    )
    return response


async def complete_oauth(req: Req) -> Response:
    started, waited = time.perf_counter(), [0.0]
    provider_ms.set(waited)
    return _server_timing(await _complete_oauth(req), started, waited)


async def _complete_oauth(req: Req) -> Response:
    done: Completed = await req.services.sso.do_complete(
        req.tenant_id,
        _service(req),
        state=req.query_str("state", max_len=512),
        cookie=req.raw.cookies.get(OAUTH_COOKIE, ""),
        code=req.query_str("code", max_len=2048),
        error=req.query_str("error", max_len=256),
    )
    return await finish_sign_in(req, done)


async def finish_sign_in(req: Req, done: Completed) -> Response:
    """A provider vouched for the user: a session, and the answer the web client or
    the mobile app expects (Mattermost's)."""
    site_url = req.services.sso.site_url(req.tenant_id)
    secure = _secure(site_url)
    if done.action == "email_to_sso":
        response: Response = RedirectResponse(f"{site_url.rstrip('/')}/login?extra=signin_change")
        response.delete_cookie(OAUTH_COOKIE, path="/")
        return response
    props = session_props(req.raw.headers.get("user-agent", ""))
    session, token = await req.services.auth.do_login(req.tenant_id, done.user, "", props)
    if done.mobile and done.redirect_to:
        query = urlencode({AUTH_COOKIE: token, CSRF_COOKIE: session.csrf_token, "srv": site_url})
        response = _mobile_complete_page(f"{done.redirect_to}?{query}")
    elif done.mobile:
        # Older apps read the cookies of the page they opened.
        response = ok_response()
        set_session_cookies(response, session, token, secure)
    else:
        response = RedirectResponse(site_target(done.redirect_to, site_url), status_code=302)
        set_session_cookies(response, session, token, secure)
    response.delete_cookie(OAUTH_COOKIE, path="/")
    return response


class SwitchRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    current_service: str = ""
    new_service: str = ""
    email: str = ""
    password: str = ""
    new_password: str = ""
    mfa_code: str = ""
    # The directory login (email -> LDAP), as Mattermost's SwitchRequest.LdapLoginId.
    ldap_id: str = ""


SIGNIN_CHANGE = "/login?extra=signin_change"


async def _switch_email_to_ldap(req: Req, body: SwitchRequest) -> Response:
    """Mattermost's SwitchEmailToLdap: the Roost password and MFA, then the directory's
    login and password (``ldap_id``, ``new_password``); the account is LDAP's after."""
    services = req.services
    await services.ldap.switch_directory(req.tenant_id, EMAIL_TO_LDAP)
    source = req.raw.app.state.rate_limits.client_address(req.raw.scope)
    user = await services.auth.check_credentials(
        req.tenant_id, body.email, body.password, source=source
    )
    await services.mfa.check_login(req.tenant_id, user, body.mfa_code or None)
    await services.ldap.do_switch_email_to_ldap(
        req.tenant_id, user, body.ldap_id, body.new_password
    )
    return json_response({"follow_link": SIGNIN_CHANGE})


async def _switch_ldap_to_email(req: Req, body: SwitchRequest) -> Response:
    """Mattermost's SwitchLdapToEmail: the directory password (``password``) and MFA of
    the LDAP account of ``email``, then its new Roost password (``new_password``)."""
    ldap = req.services.ldap
    user = await ldap.check_switch_from_ldap(req.tenant_id, body.email, body.password)
    await req.services.mfa.check_login(req.tenant_id, user, body.mfa_code or None)
    await ldap.do_switch_ldap_to_email(req.tenant_id, user, body.new_password)
    return json_response({"follow_link": SIGNIN_CHANGE})


async def _audited_ldap_switch(req: Req, body: SwitchRequest, to_ldap: bool) -> Response:
    """A switch to or from LDAP; a refusal is in the audit log (its success is, by the
    app), as other sign-in events are."""
    try:
        if to_ldap:
            return await _switch_email_to_ldap(req, body)
        return await _switch_ldap_to_email(req, body)
    except errors.AppError as refused:
        action = AUDIT_EMAIL_TO_LDAP if to_ldap else AUDIT_LDAP_TO_EMAIL
        req.services.auth.audit.record_as(
            req.tenant_id,
            "",
            action,
            f"failure - email={body.email.strip().lower()[:128]} {refused.error_id}",
        )
        raise


async def switch_account_type(req: Req) -> Response:
    """``POST /api/v4/users/login/switch``: from a password to a provider (the answer's
    ``follow_link`` is the provider's page; the switch completes when it vouches for the
    same email), or from a provider back to a password (the signed-in user only); to
    and from LDAP at once, proved by both passwords (no session needed)."""
    body = await req.model(SwitchRequest)
    services = req.services
    current = body.current_service or "email"
    new = body.new_service or "email"
    if {current, new} == {"email", LDAP}:
        return await _audited_ldap_switch(req, body, to_ldap=new == LDAP)
    transfer = services.sso.settings.experimental_enable_authentication_transfer
    if current == "email" and new != "email":
        if not transfer:
            raise switch_transfer_disabled("email_to_oauth")
        source = req.raw.app.state.rate_limits.client_address(req.raw.scope)
        user = await services.auth.check_credentials(
            req.tenant_id, body.email, body.password, source=source
        )
        await services.mfa.check_login(req.tenant_id, user, body.mfa_code or None)
        url, cookie = await services.sso.do_switch_email_to_oauth(req.tenant_id, user, new)
        response = json_response({"follow_link": url})
        site_url = services.sso.site_url(req.tenant_id)
        response.set_cookie(
            OAUTH_COOKIE,
            cookie,
            max_age=services.sso.settings.sso_state_ttl_seconds,
            path="/",
            httponly=True,
            secure=_secure(site_url),
            samesite="lax",
        )
        return response
    if new == "email" and current != "email":
        if not transfer:
            raise switch_transfer_disabled("oauth_to_email")
        actor = await req.actor()
        await services.sso.do_switch_oauth_to_email(actor, body.email, body.new_password)
        return json_response({"follow_link": "/login?extra=signin_change"})
    raise errors.invalid_body_param("new_service")


async def migrate_auth_to_ldap(req: Req) -> Response:
    """``POST /api/v4/users/migrate_auth/ldap`` ``{from, force, match_field}`` (system
    admins): every account of ``from`` becomes the LDAP account of the directory entry
    with its email or username (Mattermost's MigrateAuthToLdap)."""
    actor = await req.actor()
    body = await req.json_object()
    from_service = body.get("from")
    if not isinstance(from_service, str) or from_service not in MIGRATE_FROM:
        raise errors.invalid_param("from")
    force = body.get("force")
    if not isinstance(force, bool):
        raise errors.invalid_param("force")
    match_field = body.get("match_field")
    if not isinstance(match_field, str) or match_field not in MATCH_FIELDS:
        raise errors.invalid_param("match_field")
    await req.services.ldap.do_migrate_auth(actor, from_service, match_field, force)
    return ok_response()


def api_routes() -> list[Route]:
    return [
        Route("/users/login/switch", endpoint(switch_account_type), methods=["POST"]),
        Route("/users/migrate_auth/ldap", endpoint(migrate_auth_to_ldap), methods=["POST"]),
    ]


# A tenant's own identity provider (the operator's API).


def _tenant_service(req: Req) -> tuple[str, str]:
    tenant_id = req.path_str("tenant", 63)
    req.services.tenants.get(tenant_id)  # 404 for an unknown tenant
    enter_tenant(tenant_id)
    return tenant_id, _service(req)


async def get_tenant_provider(req: Req) -> Response:
    check_operator(req)
    tenant_id, service = _tenant_service(req)
    return json_response(await req.services.sso.get_tenant_provider(tenant_id, service))


async def put_tenant_provider(req: Req) -> Response:
    """Mattermost's keys of the service's settings (``Enable``, ``Id``, ``Secret``,
    ``DiscoveryEndpoint``, ...); the answer shows the secret masked."""
    check_operator(req)
    tenant_id, service = _tenant_service(req)
    body = await req.json_object()
    saved = await req.services.sso.do_put_tenant_provider(tenant_id, service, body)
    req.services.audit.record_as(tenant_id, "", "setTenantSsoProvider", f"operator {service}")
    return json_response(saved)


async def delete_tenant_provider(req: Req) -> Response:
    check_operator(req)
    tenant_id, service = _tenant_service(req)
    await req.services.sso.do_delete_tenant_provider(tenant_id, service)
    req.services.audit.record_as(tenant_id, "", "deleteTenantSsoProvider", f"operator {service}")
    return ok_response()


def public_routes() -> list[Route]:
    """Outside /api/v4, where Mattermost serves them (providers know these addresses)."""
    complete = endpoint(complete_oauth)
    return [
        Route("/oauth/{service}/login", endpoint(login_with_oauth), methods=["GET"]),
        Route("/oauth/{service}/mobile_login", endpoint(mobile_login_with_oauth), methods=["GET"]),
        Route("/oauth/{service}/signup", endpoint(signup_with_oauth), methods=["GET"]),
        Route("/oauth/{service}/complete", complete, methods=["GET"]),
        Route("/signup/{service}/complete", complete, methods=["GET"]),
        Route("/login/{service}/complete", complete, methods=["GET"]),
    ]


def operator_routes() -> list[Route]:
    path = f"{OPERATOR_PREFIX}/tenants/{{tenant}}/sso/{{service}}"
    return [
        Route(path, endpoint(get_tenant_provider), methods=["GET"]),
        Route(path, endpoint(put_tenant_provider), methods=["PUT"]),
        Route(path, endpoint(delete_tenant_provider), methods=["DELETE"]),
    ]
