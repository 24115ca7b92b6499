"""The lockout after ``ROOST_MAXIMUM_LOGIN_ATTEMPTS`` wrong passwords (issue 19.2), its
resets, and the paths that clear it (timing of unknown users: test_login_timing.py)."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable

import httpx

from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique

LOCKED = "api.user.check_user_login_attempts.too_many.app_error"
INVALID = "api.user.login.invalid_credentials_email_username"
WRONG_PASSWORD = "api.user.check_user_password.invalid.app_error"
MAXIMUM = 10  # the default, Mattermost's


def _login(anon: Api, login_id: str, password: str) -> httpx.Response:
    return anon.post("/users/login", {"login_id": login_id, "password": password})


def _refused(response: httpx.Response, error_id: str) -> None:
    body = expect(response, 401)
    assert body["id"] == error_id, body
    assert body["status_code"] == 401


def _lock(anon: Api, user: LoggedIn) -> None:
    for _ in range(MAXIMUM):
        _refused(_login(anon, user.username, "wrong-password"), INVALID)


def test_thirty_wrong_then_right_is_refused(anon: Api, make_user: Callable[..., LoggedIn]) -> None:
    """The issue's reproduction: 30 wrong passwords, then the right one."""
    user = make_user()
    for attempt in range(30):
        response = _login(anon, user.username, "wrong-password")
        _refused(response, INVALID if attempt < MAXIMUM else LOCKED)
    _refused(_login(anon, user.username, PASSWORD), LOCKED)
    _refused(_login(anon, user.email, PASSWORD), LOCKED)
    # Sessions opened before the lockout go on working: it guards the password only.
    expect(user.api.get("/users/me"), 200)


def test_fewer_failures_then_a_good_login_start_over(
    anon: Api, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    for _ in range(MAXIMUM - 1):
        _refused(_login(anon, user.username, "wrong-password"), INVALID)
    expect(_login(anon, user.username, PASSWORD), 200)
    # The good login cleared the count: another nine failures do not lock.
    for _ in range(MAXIMUM - 1):
        _refused(_login(anon, user.username, "wrong-password"), INVALID)
    expect(_login(anon, user.username, PASSWORD), 200)


def test_admin_setting_the_password_unlocks(
    anon: Api, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    _lock(anon, user)
    _refused(_login(anon, user.username, PASSWORD), LOCKED)
    new = "An0ther-secret!"
    expect(admin.api.put(f"/users/{user.id}/password", {"new_password": new}), 200)
    expect(_login(anon, user.username, new), 200)


def test_wrong_current_password_counts(anon: Api, make_user: Callable[..., LoggedIn]) -> None:
    """A wrong current password counts as an attempt (Mattermost's DoubleCheckPassword);
    a change with the right one starts the count over."""
    user = make_user()
    for _ in range(MAXIMUM - 1):
        _refused(_login(anon, user.username, "wrong-password"), INVALID)
    wrong = {"current_password": "not-it-at-all", "new_password": "Brand-new-1!"}
    body = expect(user.api.put(f"/users/{user.id}/password", wrong), 400)
    assert body["id"] == WRONG_PASSWORD
    # That was the tenth: the account is locked, for the password change as well.
    _refused(_login(anon, user.username, PASSWORD), LOCKED)
    right = {"current_password": PASSWORD, "new_password": "Brand-new-1!"}
    _refused(user.api.put(f"/users/{user.id}/password", right), LOCKED)


def test_own_password_change_clears_failures(anon: Api, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    for _ in range(MAXIMUM - 1):
        _refused(_login(anon, user.username, "wrong-password"), INVALID)
    right = {"current_password": PASSWORD, "new_password": "Brand-new-1!"}
    expect(user.api.put(f"/users/{user.id}/password", right), 200)
    for _ in range(MAXIMUM - 1):
        _refused(_login(anon, user.username, "wrong-password"), INVALID)
    expect(_login(anon, user.username, "Brand-new-1!"), 200)


def test_concurrent_guesses_cannot_exceed_the_maximum(
    anon: Api, make_user: Callable[..., LoggedIn]
) -> None:
    """Each attempt is counted before its password is checked, in one UPDATE, so 40
    guesses sent at once get at most MAXIMUM password checks."""
    user = make_user()
    base = anon.base

    def guess(_: int) -> str:
        with httpx.Client(base_url=base + "/api/v4", timeout=30.0) as client:
            body = {"login_id": user.username, "password": "wrong-password"}
            return str(client.post("/users/login", json=body).json()["id"])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(guess, range(40)))
    assert answers.count(INVALID) == MAXIMUM, answers
    assert answers.count(LOCKED) == 40 - MAXIMUM
    _refused(_login(anon, user.username, PASSWORD), LOCKED)


def test_bots_cannot_log_in_with_a_password(anon: Api, admin: LoggedIn) -> None:
    bot = expect(admin.api.post("/bots", {"username": unique("bot")}), 201)
    _refused(_login(anon, bot["username"], PASSWORD), INVALID)
