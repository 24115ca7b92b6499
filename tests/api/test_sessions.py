"""Mattermost's sessions API (list, revoke one, a user's, everyone's), sessions ended by
a password change, last activity kept without a write per request, the idle timeout and
lengths per kind, and self-deactivation behind EnableUserDeactivation."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import BACKENDS
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect
from tests.support.databases import database, is_postgres
from tests.support.server import running_server
from tests.support.ws import WsClient

UserFactory = Callable[..., LoggedIn]
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SESSION_ENDED = 1008
IDLE_MINUTES = 0.05  # three seconds
SHORT_ENV = {
    "ROOST_SESSION_IDLE_TIMEOUT_MINUTES": str(IDLE_MINUTES),
    "ROOST_SESSION_LENGTH_MOBILE_HOURS": "0.01",  # 36 seconds
    "ROOST_ENABLE_USER_DEACTIVATION": "true",
}


def login(base: str, user: LoggedIn, **extra: Any) -> tuple[str, dict[str, Any]]:
    headers = extra.pop("headers", {})
    body = {"login_id": user.username, "password": PASSWORD, **extra}
    r = Api(base).post("/users/login", body, headers=headers)
    return str(r.headers["Token"]), expect(r, 200)


def sessions_of(api: Api, user_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = expect(api.get(f"/users/{user_id}/sessions"), 200)
    return found


def session_id_of(api: Api) -> str:
    """The id of the session ``api`` calls with: the one used most recently."""
    me = expect(api.get("/users/me"), 200)
    return str(sessions_of(api, me["id"])[0]["id"])


def stored_activity(url: str, session_id: str) -> int:
    """sessions.last_activity_at as the database holds it (owner connection)."""
    if is_postgres(url):

        async def go() -> int:
            conn = await asyncpg.connect(str(make_url(url).set(drivername="postgresql")))
            try:
                value = await conn.fetchval(
                    "SELECT last_activity_at FROM sessions WHERE id = $1", session_id
                )
            finally:
                await conn.close()
            return int(value)

        return asyncio.run(go())
    path = make_url(url).database
    assert path
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT last_activity_at FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
    return int(row[0])


# The sessions API on the shared server.


def test_list_shows_sessions_without_tokens(server: str, make_user: UserFactory) -> None:
    user = make_user()
    token, _ = login(server, user, headers={"User-Agent": FIREFOX})
    found = sessions_of(user.api, user.id)
    assert len(found) == 2
    for session in found:
        assert session["token"] == ""
        assert session["user_id"] == user.id
        assert {"id", "create_at", "expires_at", "last_activity_at", "device_id", "props"} <= set(
            session
        )
        assert user.token not in str(session) and token not in str(session)
    browsers = {s["props"]["browser"] for s in found}
    assert "Firefox" in browsers
    firefox = next(s for s in found if s["props"]["browser"] == "Firefox")
    assert firefox["props"]["os"] == "Linux"
    assert firefox["props"]["platform"] == "Web"


def test_only_oneself_or_an_admin_sees_and_revokes(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    user, other = make_user(), make_user()
    r = other.api.get(f"/users/{user.id}/sessions")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    r = other.api.post(f"/users/{user.id}/sessions/revoke/all")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    r = other.api.post("/users/sessions/revoke/all")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    assert len(sessions_of(admin.api, user.id)) == 1
    expect(user.api.get("/users/me"), 200)


def test_revoke_one_session_closes_its_socket_only(server: str, make_user: UserFactory) -> None:
    user, other = make_user(), make_user()
    second, _ = login(server, user)
    second_api = Api(server, second)
    second_id = session_id_of(second_api)
    with WsClient(server, second) as ws, WsClient(server, user.token) as kept:
        ws.wait_for("hello")
        kept.wait_for("hello")
        r = user.api.post(f"/users/{user.id}/sessions/revoke", {"session_id": second_id})
        assert expect(r, 200) == {"status": "OK"}
        ws.frames_until_closed(5.0)
        assert ws.close_code == SESSION_ENDED
        assert kept.wait_reply(kept.send("ping"))["status"] == "OK"
    assert second_api.get("/users/me").status_code == 401
    expect(user.api.get("/users/me"), 200)
    # Someone else's session under one's own id, an unknown one, a bad one.
    theirs = session_id_of(other.api)
    r = user.api.post(f"/users/{user.id}/sessions/revoke", {"session_id": theirs})
    assert expect(r, 400)["id"] == "api.context.invalid_url_param.app_error"
    r = user.api.post(f"/users/{user.id}/sessions/revoke", {"session_id": second_id})
    assert expect(r, 400)["id"] == "app.session.get.app_error"
    r = user.api.post(f"/users/{user.id}/sessions/revoke", {"session_id": 5})
    assert expect(r, 400)["id"] == "api.context.invalid_param.app_error"
    expect(other.api.get("/users/me"), 200)


def test_revoke_all_of_a_users_sessions(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    user = make_user()
    second, _ = login(server, user)
    expect(admin.api.post(f"/users/{user.id}/sessions/revoke/all"), 200)
    assert user.api.get("/users/me").status_code == 401
    assert Api(server, second).get("/users/me").status_code == 401
    expect(admin.api.get("/users/me"), 200)
    # A user may end all of their own, this one too.
    third, _ = login(server, user)
    expect(Api(server, third).post(f"/users/{user.id}/sessions/revoke/all"), 200)
    assert Api(server, third).get("/users/me").status_code == 401


def test_password_change_ends_the_other_sessions(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    user = make_user()
    second, _ = login(server, user)
    with WsClient(server, second) as ws:
        ws.wait_for("hello")
        new = "An0ther-secret!"
        body = {"current_password": PASSWORD, "new_password": new}
        expect(user.api.put(f"/users/{user.id}/password", body), 200)
        ws.frames_until_closed(5.0)
        assert ws.close_code == SESSION_ENDED
    assert Api(server, second).get("/users/me").status_code == 401
    # The session that changed it stays.
    expect(user.api.get("/users/me"), 200)
    # An admin's reset ends them all.
    expect(admin.api.put(f"/users/{user.id}/password", {"new_password": PASSWORD}), 200)
    assert user.api.get("/users/me").status_code == 401
    expect(admin.api.get("/users/me"), 200)


def test_last_activity_moves_and_the_list_shows_it(server: str, make_user: UserFactory) -> None:
    user = make_user()
    before = sessions_of(user.api, user.id)[0]["last_activity_at"]
    time.sleep(0.05)
    expect(user.api.get("/users/me"), 200)
    after = sessions_of(user.api, user.id)[0]["last_activity_at"]
    assert after > before


def test_users_cannot_deactivate_themselves_by_default(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    user = make_user()
    not_enabled = "api.user.update_active.not_enable.app_error"
    assert expect(user.api.delete(f"/users/{user.id}"), 401)["id"] == not_enabled
    r = user.api.put(f"/users/{user.id}/active", {"active": False})
    assert expect(r, 401)["id"] == not_enabled
    expect(user.api.get("/users/me"), 200)
    config = expect(Api(server).get("/config/client", params={"format": "old"}), 200)
    assert config["EnableUserDeactivation"] == "false"
    # An admin still may.
    expect(admin.api.delete(f"/users/{user.id}"), 200)


# A server with short timeouts, and one per test module whose database the tests read.


class Short:
    def __init__(self, base: str, url: str) -> None:
        self.base = base
        self.url = url
        self.admin = create_user(base)


@pytest.fixture(scope="module", params=BACKENDS)
def short(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Short]:
    backend = str(request.param)
    data_dir: Path = tmp_path_factory.mktemp(f"sessions-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, SHORT_ENV) as base:
        yield Short(base, url)


@pytest.fixture(scope="module", params=BACKENDS)
def plain(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Short]:
    backend = str(request.param)
    data_dir: Path = tmp_path_factory.mktemp(f"activity-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir) as base:
        yield Short(base, url)


def test_requests_do_not_write_last_activity(plain: Short) -> None:
    user = create_user(plain.base)
    session_id = session_id_of(user.api)
    stored = stored_activity(plain.url, session_id)
    time.sleep(0.05)
    for _ in range(20):
        expect(user.api.get("/users/me"), 200)
    # The API knows of the activity; the database was not written (the next flush, in
    # five minutes, writes it once).
    listed = next(s for s in sessions_of(user.api, user.id) if s["id"] == session_id)
    assert listed["last_activity_at"] > stored
    assert stored_activity(plain.url, session_id) == stored


def test_activity_is_flushed_in_batches(short: Short) -> None:
    user = create_user(short.base)
    session_id = session_id_of(user.api)
    stored = stored_activity(short.url, session_id)
    time.sleep(0.05)
    expect(user.api.get("/users/me"), 200)
    # The flush interval is a tenth of the idle timeout here (0.3 s).
    deadline = time.monotonic() + 5
    while stored_activity(short.url, session_id) <= stored:
        assert time.monotonic() < deadline, "activity never reached the database"
        time.sleep(0.1)


def test_idle_web_sessions_end_but_mobile_ones_stay(short: Short) -> None:
    user = create_user(short.base)
    mobile_token, _ = login(short.base, user, device_id="android_rn-v2:idle-test")
    mobile = Api(short.base, mobile_token)
    busy_token, _ = login(short.base, user)
    busy = Api(short.base, busy_token)
    # Used every second: stays; unused for more than three seconds: ends.
    for _ in range(5):
        time.sleep(1)
        expect(busy.get("/users/me"), 200)
    r = user.api.get("/users/me")
    assert expect(r, 401)["id"] == "api.context.session_expired.app_error"
    expect(mobile.get("/users/me"), 200)
    ids = {s["id"] for s in sessions_of(busy, user.id)}
    assert len(ids) == 2  # the idle one was removed


def test_session_lengths_per_kind(short: Short) -> None:
    user = create_user(short.base)
    mobile_token, _ = login(short.base, user, device_id="android_rn-v2:length-test")
    found = sessions_of(Api(short.base, mobile_token), user.id)
    by_device = {bool(s["device_id"]): s for s in found}
    mobile, web = by_device[True], by_device[False]
    assert abs((mobile["expires_at"] - mobile["create_at"]) - 36_000) < 1000
    assert abs((web["expires_at"] - web["create_at"]) - 720 * 3_600_000) < 1000


def test_revoke_everyones_sessions(short: Short) -> None:
    # A fresh session: the admin's first one went idle during the tests before.
    admin = Api(short.base, login(short.base, short.admin)[0])
    users = [create_user(short.base) for _ in range(3)]
    r = users[0].api.post("/users/sessions/revoke/all")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    with WsClient(short.base, users[1].token) as ws:
        ws.wait_for("hello")
        expect(admin.post("/users/sessions/revoke/all"), 200)
        ws.frames_until_closed(5.0)
        assert ws.close_code == SESSION_ENDED
    for user in users:
        assert user.api.get("/users/me").status_code == 401
    # The admin's own session too, as in Mattermost.
    assert admin.get("/users/me").status_code == 401


def test_self_deactivation_when_enabled(short: Short) -> None:
    user = create_user(short.base)
    config = expect(Api(short.base).get("/config/client", params={"format": "old"}), 200)
    assert config["EnableUserDeactivation"] == "true"
    expect(user.api.delete(f"/users/{user.id}"), 200)
    assert user.api.get("/users/me").status_code == 401


def test_an_idle_session_held_only_by_a_socket_ends_and_its_socket_closes(short: Short) -> None:
    user = create_user(short.base)
    mobile_token, _ = login(short.base, user, device_id="android_rn-v2:socket-idle")
    with WsClient(short.base, user.token) as web, WsClient(short.base, mobile_token) as app:
        web.wait_for("hello")
        app.wait_for("hello")
        # No request at all: the sweep (every 0.3 s here) ends the web session once idle
        # past three seconds and one round, and its socket closes.
        web.frames_until_closed(10.0)
        assert web.close_code == SESSION_ENDED
        # The mobile app's session has no idle timeout: its socket stays.
        assert app.wait_reply(app.send("ping"))["status"] == "OK"
    assert user.api.get("/users/me").status_code == 401
    expect(Api(short.base, mobile_token).get("/users/me"), 200)
