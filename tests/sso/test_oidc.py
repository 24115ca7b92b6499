"""Signing in through a real OpenID Connect provider: the buttons the apps read, the
web and mobile flows, first sign-in creating the account, Mattermost's rules for an
email that already has an account, and the attacks (replayed, forged or foreign
callbacks, bad redirects, a provider that is down)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sso.conftest import SECRET, SsoDeployment
from tests.sso.oidc_provider import provider_callback, sign_in
from tests.support.client import PASSWORD, Api, create_user, expect


@pytest.fixture
def browser(sso: SsoDeployment) -> Iterator[httpx.Client]:
    """A browser of its own (cookies), which follows redirects by hand."""
    with httpx.Client(base_url=sso.base, timeout=15) as client:
        yield client


def _me(base: str, token: str) -> dict[str, object]:
    api = Api(base, token)
    try:
        me: dict[str, object] = expect(api.get("/users/me"), 200)
    finally:
        api.close()
    return me


def test_the_apps_see_the_sign_in_buttons(sso: SsoDeployment) -> None:
    config = httpx.get(f"{sso.base}/api/v4/config/client?format=old", timeout=10).json()
    assert config["EnableSignUpWithOpenId"] == "true"
    assert config["OpenIdButtonText"] == "Company login"
    assert config["OpenIdButtonColor"] == "#145DBF"
    assert config["EnableSignUpWithGitLab"] == "true"
    assert config["GitLabButtonText"] == "GitLab"
    assert config["EnableSignUpWithGoogle"] == "true"
    # Enabled, but its secret and the rest never reach the clients.
    assert config["EnableSignUpWithOffice365"] == "true"
    assert SECRET not in str(config)


def test_a_first_sign_in_creates_the_account_and_the_next_finds_it(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    page = sign_in(browser, "/oauth/openid/login?redirect_to=/welcome", "alice")
    # Back on the page the sign-in started from, with the web client's cookies.
    assert urlsplit(str(page.url)).path == "/welcome"
    token = browser.cookies.get("MMAUTHTOKEN")
    assert token and browser.cookies.get("MMCSRF") and browser.cookies.get("MMUSERID")
    me = _me(sso.base, token)
    assert me["username"] == "alice"
    assert me["email"] == "alice@example.com"
    assert (me["first_name"], me["last_name"], me["nickname"]) == ("Alice", "Liddell", "ally")
    assert me["auth_service"] == "openid"

    with httpx.Client(base_url=sso.base, timeout=15) as again:
        sign_in(again, "/oauth/openid/login", "alice")
        second = again.cookies.get("MMAUTHTOKEN")
    assert second and second != token
    assert _me(sso.base, second)["id"] == me["id"]


def test_an_sso_user_can_never_use_a_password(sso: SsoDeployment, browser: httpx.Client) -> None:
    sign_in(browser, "/oauth/openid/login", "alice")
    for login_id in ("alice", "alice@example.com"):
        refused = httpx.post(
            f"{sso.base}/api/v4/users/login",
            json={"login_id": login_id, "password": "anything-at-all"},
            timeout=10,
        )
        assert refused.status_code == 400
        assert refused.json()["id"] == "api.user.login.use_auth_service.app_error"
        assert "Token" not in refused.headers


def test_gitlab_and_google_presets_sign_in_through_their_provider(sso: SsoDeployment) -> None:
    for service, login, username in (("gitlab", "bob", "bob"), ("google", "erin", "erin")):
        with httpx.Client(base_url=sso.base, timeout=15) as browser:
            sign_in(browser, f"/oauth/{service}/login", login)
            token = browser.cookies.get("MMAUTHTOKEN")
        assert token, service
        me = _me(sso.base, token)
        assert me["auth_service"] == service
        assert me["username"] == username
    # The same person through another service is another account's email: refused.
    with httpx.Client(base_url=sso.base, timeout=15) as browser:
        refused = sign_in(browser, "/oauth/openid/login", "bob")
    assert refused.status_code == 400
    assert refused.json()["id"] == "api.user.create_oauth_user.already_attached.app_error"
    assert "Please sign in using GitLab" in refused.json()["message"]


def test_an_email_with_a_password_account_is_never_taken_over(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    owner = create_user(sso.base, username="carol", email="carol@example.com")
    page = sign_in(browser, "/oauth/openid/login", "carol")
    assert page.status_code == 400
    assert page.json()["id"] == "api.user.create_oauth_user.already_attached.app_error"
    assert browser.cookies.get("MMAUTHTOKEN") is None
    # The account is as it was: still a password account.
    me = expect(owner.api.get("/users/me"), 200)
    assert me["auth_service"] == ""
    again = httpx.post(
        f"{sso.base}/api/v4/users/login",
        json={"login_id": "carol", "password": PASSWORD},
        timeout=10,
    )
    assert again.status_code == 200


def test_a_provider_without_an_email_is_refused(sso: SsoDeployment, browser: httpx.Client) -> None:
    page = sign_in(browser, "/oauth/openid/login", "noemail")
    assert page.status_code == 400
    assert page.json()["id"] == "api.user.login_by_oauth.parse.app_error"


def test_the_mobile_app_gets_its_session_through_its_scheme(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    page = sign_in(browser, "/oauth/openid/mobile_login?redirect_to=mmauth://callback", "frank")
    assert page.status_code == 200
    found = re.search(r"href='(mmauth://callback\?[^']+)'", page.text)
    assert found, page.text
    query = parse_qs(urlsplit(found.group(1).replace("&amp;", "&")).query)
    assert query["srv"] == [sso.base]
    me = _me(sso.base, query["MMAUTHTOKEN"][0])
    assert me["username"] == "frank"
    assert query["MMCSRF"][0]


@pytest.mark.parametrize(
    ("path", "error_id"),
    [
        ("/oauth/openid/mobile_login?redirect_to=evil://callback", "api.invalid_custom_url_scheme"),
        (
            "/oauth/openid/mobile_login?redirect_to=mmauth://evil.com",
            "api.invalid_custom_url_scheme",
        ),
        ("/oauth/openid/login?redirect_to=https://evil.example/x", "api.invalid_redirect_url"),
        ("/oauth/openid/login?redirect_to=//evil.example/x", "api.invalid_redirect_url"),
        ("/oauth/google2/login", "api.user.authorize_oauth_user.unsupported.app_error"),
    ],
)
def test_bad_starts_are_refused(
    sso: SsoDeployment, browser: httpx.Client, path: str, error_id: str
) -> None:
    response = browser.get(path)
    assert response.json()["id"] == error_id
    assert response.status_code in (400, 501)
    assert "MMOAUTH" not in response.cookies


def test_a_callback_is_used_once(sso: SsoDeployment, browser: httpx.Client) -> None:
    callback = provider_callback(browser, "/oauth/openid/login", "alice")
    first = browser.get(callback)
    assert first.status_code == 302
    token = first.cookies.get("MMAUTHTOKEN")
    assert token
    replayed = browser.get(callback)
    assert replayed.status_code == 400
    assert replayed.json()["id"] == "api.user.authorize_oauth_user.invalid_state.app_error"
    assert "MMAUTHTOKEN" not in replayed.cookies


def test_a_forged_state_or_another_browser_gets_nobody_signed_in(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    callback = provider_callback(browser, "/oauth/openid/login", "alice")
    forged = callback.copy_set_param("state", "x" * 43)
    answer = browser.get(forged)
    assert answer.status_code == 400
    assert answer.json()["id"] == "api.user.authorize_oauth_user.invalid_state.app_error"
    # The real callback, opened in a browser that did not start the sign-in (login CSRF).
    with httpx.Client(timeout=15) as other:
        stolen = other.get(callback)
    assert stolen.status_code == 400
    assert stolen.json()["id"] == "api.user.authorize_oauth_user.invalid_state.app_error"
    assert "MMAUTHTOKEN" not in stolen.cookies
    # The state was spent by that attempt: the right browser cannot use it either.
    assert browser.get(callback).status_code == 400


def test_a_callback_for_another_service_is_refused(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    callback = provider_callback(browser, "/oauth/openid/login", "alice")
    moved = callback.copy_with(path="/signup/gitlab/complete")
    answer = browser.get(moved)
    assert answer.status_code == 400
    assert answer.json()["id"] == "api.user.authorize_oauth_user.invalid_state.app_error"


def test_a_provider_that_is_down_is_a_clear_error(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    answer = browser.get("/oauth/office365/login")
    assert answer.status_code == 502
    body = answer.json()
    assert body["id"] == "api.user.authorize_oauth_user.token_failed.app_error"
    assert body["status_code"] == 502


def test_refusals_and_sign_ins_are_in_the_audit_log(
    sso: SsoDeployment, browser: httpx.Client
) -> None:
    callback = provider_callback(browser, "/oauth/openid/login", "alice")
    browser.get(callback)
    browser.get(callback)  # replayed: refused
    audits = expect(sso.admin.api.get("/audits?per_page=200"), 200)
    actions = [(a["action"], a["extra_info"]) for a in audits]
    assert any(a == "completeOAuth" and e.startswith("success") for a, e in actions)
    assert any(a == "completeOAuth" and "invalid_state" in e for a, e in actions)
