"""Login, logout, token lookup order, cookies and CSRF."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique


def test_first_user_is_system_admin(admin: LoggedIn) -> None:
    assert "system_admin" in admin.raw["roles"].split()


def test_later_users_are_plain_users(make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    assert user.raw["roles"] == "system_user"
    assert "password" not in user.raw and "password_hash" not in user.raw


def test_login_returns_200_token_and_sanitized_user(
    anon: Api, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    r = anon.post("/users/login", {"login_id": user.username, "password": PASSWORD, "token": None})
    body = expect(r, 200)
    assert len(r.headers["Token"]) == 26
    assert body["id"] == user.id
    assert "password" not in body
    assert "set-cookie" not in r.headers


def test_login_by_email_and_with_client4_fields(
    anon: Api, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    body = {"login_id": user.email.upper(), "password": PASSWORD, "token": "", "deviceId": ""}
    assert expect(anon.post("/users/login", body), 200)["id"] == user.id


def test_bad_credentials_are_401(anon: Api, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    r = anon.post("/users/login", {"login_id": user.username, "password": "wrong-password"})
    body = expect(r, 401)
    assert body["id"] == "api.user.login.invalid_credentials_email_username"
    r = anon.post("/users/login", {"login_id": "nobody-here", "password": "wrong-password"})
    assert r.status_code == 401


def test_xhr_login_sets_cookies_and_cookie_auth_needs_csrf(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    with httpx.Client(base_url=f"{server}/api/v4") as browser:
        r = browser.post(
            "/users/login",
            json={"login_id": user.username, "password": PASSWORD},
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        assert r.status_code == 200
        cookies = {c.name: c for c in browser.cookies.jar}
        assert {"MMAUTHTOKEN", "MMUSERID", "MMCSRF"} <= set(cookies)
        assert cookies["MMUSERID"].value == user.id
        assert "httponly" in r.headers.get_list("set-cookie")[0].lower()
        # GETs pass on the cookie alone.
        assert browser.get("/users/me").json()["id"] == user.id
        # A write with the cookie but neither CSRF header nor XHR marker is refused.
        patch = {"nickname": "cookie"}
        assert browser.put("/users/me/patch", json=patch).status_code == 401
        csrf = cookies["MMCSRF"].value
        assert csrf is not None
        ok = browser.put("/users/me/patch", json=patch, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200
        ok = browser.put(
            "/users/me/patch", json=patch, headers={"X-Requested-With": "XMLHttpRequest"}
        )
        assert ok.status_code == 200


def test_token_lookup_forms(server: str, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    url = f"{server}/api/v4/users/me"
    for headers in (
        {"Authorization": f"Bearer {user.token}"},
        {"Authorization": f"BEARER {user.token}"},
        {"Authorization": f"Token {user.token}"},
    ):
        assert httpx.get(url, headers=headers).json()["id"] == user.id
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer nottoken"}).status_code == 401


def test_tokens_in_the_query_string_are_refused(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    """Mattermost takes only OAuth tokens from ``?access_token=`` (issue 19.8); Roost
    issues none, so session and personal access tokens are refused there."""
    user = make_user()
    url = f"{server}/api/v4/users/me"
    refused = httpx.get(url, params={"access_token": user.token})
    assert refused.status_code == 401
    assert refused.json()["id"] == "api.context.token_provided.app_error"
    # An unknown token there is simply not a session.
    unknown = httpx.get(url, params={"access_token": "x" * 26})
    assert unknown.json()["id"] == "api.context.session_expired.app_error"
    # A header still wins over the query string.
    both = httpx.get(
        url, params={"access_token": "x"}, headers={"Authorization": f"Bearer {user.token}"}
    )
    assert both.json()["id"] == user.id


def test_personal_access_tokens_in_the_query_string_are_refused(
    server: str, admin: LoggedIn
) -> None:
    name = unique("qbot")
    bot = expect(admin.api.post("/bots", {"username": name}), 201)
    token = expect(admin.api.post(f"/users/{bot['user_id']}/tokens", {"description": "q"}), 200)
    url = f"{server}/api/v4/users/me"
    header = httpx.get(url, headers={"Authorization": f"Bearer {token['token']}"})
    assert header.json()["id"] == bot["user_id"]
    refused = httpx.get(url, params={"access_token": token["token"]})
    assert refused.status_code == 401
    assert refused.json()["id"] == "api.context.token_provided.app_error"


def test_logout_revokes_session(server: str, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    assert expect(user.api.post("/users/logout"), 200) == {"status": "OK"}
    r = user.api.get("/users/me")
    body = expect(r, 401)
    assert body["id"] == "api.context.session_expired.app_error"
