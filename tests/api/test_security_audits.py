"""Security events in the audit log that span the work of several parts (issue 19): a
locked account's refused login, and sessions revoked through the sessions API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.client import PASSWORD, Api, LoggedIn, expect

LOCKED = "api.user.check_user_login_attempts.too_many.app_error"
# The server's default ROOST_MAXIMUM_LOGIN_ATTEMPTS, as Mattermost's MaximumLoginAttempts.
MAXIMUM_LOGIN_ATTEMPTS = 10


def _records(reader: LoggedIn, user_id: str, action: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = expect(
        reader.api.get(f"/users/{user_id}/audits", params={"per_page": 200}), 200
    )
    return [r for r in found if r["action"] == action]


def test_a_locked_accounts_login_is_recorded(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    anon = Api(server)
    wrong = {"login_id": user.username, "password": "wrong-" + PASSWORD}
    for _ in range(MAXIMUM_LOGIN_ATTEMPTS):
        assert anon.post("/users/login", wrong).status_code == 401
    right = anon.post("/users/login", {"login_id": user.username, "password": PASSWORD})
    assert expect(right, 401)["id"] == LOCKED
    logins = _records(admin, user.id, "login")
    assert logins[0]["extra_info"] == "failure - account locked"
    failures = [r for r in logins if r["extra_info"] == f"failure - login_id={user.username}"]
    assert len(failures) == MAXIMUM_LOGIN_ATTEMPTS
    # The admin setting a password unlocks it.
    expect(admin.api.put(f"/users/{user.id}/password", {"new_password": PASSWORD}), 200)
    expect(anon.post("/users/login", {"login_id": user.username, "password": PASSWORD}), 200)


def test_revoked_sessions_are_recorded(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    second = Api(server)
    expect(second.post("/users/login", {"login_id": user.username, "password": PASSWORD}), 200)
    sessions = expect(user.api.get(f"/users/{user.id}/sessions"), 200)
    assert len(sessions) == 2
    # Whichever of the two: the revoking request is authenticated before it ends.
    other = sessions[0]
    expect(user.api.post(f"/users/{user.id}/sessions/revoke", {"session_id": other["id"]}), 200)
    expect(admin.api.post(f"/users/{user.id}/sessions/revoke/all"), 200)
    one = _records(admin, user.id, "revokeSession")
    assert one and one[0]["user_id"] == user.id and other["id"] in one[0]["extra_info"]
    everything = _records(admin, admin.id, "revokeAllSessionsForUser")
    assert everything and f"user_id={user.id}" in everything[0]["extra_info"]
