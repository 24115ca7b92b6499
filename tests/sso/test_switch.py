"""Switching an account between a password and a provider (POST /users/login/switch),
under Mattermost's rules: the password proves the account, the provider must vouch for
the same email, and each switch ends the account's sessions."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from tests.sso.conftest import SsoDeployment
from tests.sso.oidc_provider import sign_in
from tests.support.client import PASSWORD, Api, create_user, expect


def _login(base: str, login_id: str, password: str) -> httpx.Response:
    body = {"login_id": login_id, "password": password}
    return httpx.post(f"{base}/api/v4/users/login", json=body, timeout=15)


def test_a_password_account_switches_to_its_provider(sso: SsoDeployment) -> None:
    dave = create_user(sso.base, username="dave", email="dave@example.com")
    with httpx.Client(base_url=sso.base, timeout=15) as browser:
        body = {
            "current_service": "email",
            "new_service": "openid",
            "email": "dave@example.com",
            "password": PASSWORD,
        }
        answer = expect(browser.post("/api/v4/users/login/switch", json=body), 200)
        link = answer["follow_link"]
        assert link.startswith(sso.provider.issuer)
        page = sign_in(browser, link, "dave")
        assert urlsplit(str(page.url)).path == "/login"
        assert "extra=signin_change" in str(page.url)
    # Now an OpenID account: the password is refused, the old session is gone, and the
    # provider signs the same account in.
    refused = _login(sso.base, "dave", PASSWORD)
    assert refused.json()["id"] == "api.user.login.use_auth_service.app_error"
    assert dave.api.get("/users/me").status_code == 401
    with httpx.Client(base_url=sso.base, timeout=15) as browser:
        sign_in(browser, "/oauth/openid/login", "dave")
        token = browser.cookies.get("MMAUTHTOKEN")
    assert token
    api = Api(sso.base, token)
    me = expect(api.get("/users/me"), 200)
    api.close()
    assert (me["id"], me["auth_service"]) == (dave.id, "openid")


def test_a_switch_needs_the_password(sso: SsoDeployment) -> None:
    create_user(sso.base, username="holly", email="holly@example.com")
    body = {
        "current_service": "email",
        "new_service": "openid",
        "email": "holly@example.com",
        "password": "not-the-password",
    }
    answer = httpx.post(f"{sso.base}/api/v4/users/login/switch", json=body, timeout=15)
    assert answer.status_code == 401
    assert "follow_link" not in answer.text


def test_an_sso_account_switches_to_a_password(sso: SsoDeployment) -> None:
    with httpx.Client(base_url=sso.base, timeout=15) as browser:
        sign_in(browser, "/oauth/openid/login", "ivan")
        token = browser.cookies.get("MMAUTHTOKEN")
    assert token
    ivan = Api(sso.base, token)
    # Nobody else may switch it.
    other = create_user(sso.base)
    body = {
        "current_service": "openid",
        "new_service": "email",
        "email": "ivan@example.com",
        "new_password": "a-new-password-1",
    }
    assert other.api.post("/users/login/switch", body).status_code == 403
    too_short = {**body, "new_password": "x"}
    assert ivan.post("/users/login/switch", too_short).status_code == 400
    answer = expect(ivan.post("/users/login/switch", body), 200)
    assert answer["follow_link"] == "/login?extra=signin_change"
    assert ivan.get("/users/me").status_code == 401
    ivan.close()
    signed_in = _login(sso.base, "ivan", "a-new-password-1")
    assert signed_in.status_code == 200
    assert signed_in.json()["auth_service"] == ""
