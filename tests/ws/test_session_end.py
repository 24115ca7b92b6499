"""A WebSocket lives no longer than its session: logout, token revocation, deactivation,
tenant suspension and expiry close it, and nothing published afterwards reaches it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.chat import make_dm
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.posting import post
from tests.support.server import running_server
from tests.support.ws import Frame, WsClient

UserFactory = Callable[..., LoggedIn]
# The close code a socket gets when its session ends.
SESSION_ENDED = 1008


def open_socket(server: str, token: str) -> WsClient:
    ws = WsClient(server, token)
    ws.wait_for("hello")
    ws.wait_reply(1)
    return ws


def frames_until_closed(ws: WsClient, timeout: float = 5.0) -> list[Frame]:
    frames = ws.frames_until_closed(timeout)
    assert ws.close_code == SESSION_ENDED, ws.close_code
    return frames


def login(server: str, user: LoggedIn) -> str:
    r = Api(server).post("/users/login", {"login_id": user.username, "password": PASSWORD})
    expect(r, 200)
    return str(r.headers["Token"])


def posted_messages(frames: list[Frame]) -> list[str]:
    return [str(f["data"]["post"]) for f in frames if f.get("event") == "posted"]


def test_logout_closes_the_socket_and_nothing_more_arrives(
    server: str, make_user: UserFactory
) -> None:
    user, other = make_user(), make_user()
    dm = make_dm(other, user)
    with open_socket(server, user.token) as ws:
        post(other, dm["id"], "before logout")
        assert "before logout" in ws.wait_for("posted")["data"]["post"]
        expect(user.api.post("/users/logout"), 200)
        post(other, dm["id"], "after logout")
        frames = frames_until_closed(ws)
        assert not [m for m in posted_messages(frames) if "after logout" in m]
    assert user.api.get("/users/me").status_code == 401


def test_deactivation_closes_every_socket_of_the_user(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    user, other = make_user(), make_user()
    dm = make_dm(other, user)
    second = login(server, user)
    with (
        open_socket(server, user.token) as first_ws,
        open_socket(server, second) as second_ws,
        open_socket(server, other.token) as other_ws,
    ):
        expect(admin.api.put(f"/users/{user.id}/active", {"active": False}), 200)
        post(other, dm["id"], "sent after deactivation")
        for ws in (first_ws, second_ws):
            frames = frames_until_closed(ws)
            assert not [m for m in posted_messages(frames) if "after deactivation" in m]
        # Everyone else's sockets go on: the other user sees their own post.
        assert "after deactivation" in other_ws.wait_for("posted")["data"]["post"]


def test_ending_one_session_closes_only_its_socket(server: str, make_user: UserFactory) -> None:
    user, other = make_user(), make_user()
    dm = make_dm(other, user)
    second = login(server, user)
    with open_socket(server, user.token) as ended, open_socket(server, second) as kept:
        expect(user.api.post("/users/logout"), 200)
        frames_until_closed(ended)
        post(other, dm["id"], "to the session still open")
        assert "still open" in kept.wait_for("posted")["data"]["post"]
        pong = kept.wait_reply(kept.send("ping"))
        assert pong["status"] == "OK"


def test_revoking_an_access_token_closes_its_socket(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    user = make_user()
    token = expect(admin.api.post(f"/users/{user.id}/tokens", {"description": "ws"}), 200)
    with open_socket(server, token["token"]) as by_token, open_socket(server, user.token) as ws:
        expect(admin.api.post("/users/tokens/revoke", {"token_id": token["id"]}), 200)
        frames_until_closed(by_token)
        assert ws.wait_reply(ws.send("ping"))["status"] == "OK"


def test_naming_the_device_keeps_the_socket(server: str, make_user: UserFactory) -> None:
    """The session lives on with a new expiry: its socket stays open."""
    user, other = make_user(), make_user()
    dm = make_dm(other, user)
    with open_socket(server, user.token) as ws:
        device = {"device_id": f"android_rn-v2:{unique('device')}"}
        expect(user.api.put("/users/sessions/device", device), 200)
        post(other, dm["id"], "after naming the device")
        assert "naming the device" in ws.wait_for("posted")["data"]["post"]


def test_an_ended_connection_cannot_be_resumed(server: str, make_user: UserFactory) -> None:
    user = make_user()
    second = login(server, user)
    with open_socket(server, user.token) as ws:
        assert ws.hello is not None
        connection_id = ws.hello["data"]["connection_id"]
        expect(user.api.post("/users/logout"), 200)
        frames_until_closed(ws)
    # Another session of the same user gets a connection of its own.
    with WsClient(server, second, connection_id=connection_id, sequence_number=1) as again:
        hello = again.wait_for("hello")
        assert hello["data"]["connection_id"] != connection_id


def test_actions_before_authentication_are_refused(server: str, make_user: UserFactory) -> None:
    user = make_user()
    with WsClient(server, user.token, authenticate=False) as ws:
        refused = ws.wait_reply(ws.send("get_statuses"))
        assert refused["status"] == "FAIL"
        assert refused["error"]["id"] == "api.web_socket_router.not_authenticated.app_error"
        assert ws.hello is None
        ws.send("authentication_challenge", {"token": user.token})
        ws.wait_for("hello")


# Session expiry: a server whose sessions last a few seconds.

SHORT_SESSION_HOURS = 0.002  # 7.2 s: long enough to log in and connect on a busy machine


@pytest.fixture(scope="module")
def short_sessions(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-short-sessions-{backend}")
    env = {"ROOST_SESSION_LENGTH_HOURS": str(SHORT_SESSION_HOURS)}
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base, username="admin0")
        yield base


def test_a_socket_closes_when_its_session_expires(short_sessions: str) -> None:
    user = create_user(short_sessions)
    opened = time.monotonic()
    with open_socket(short_sessions, user.token) as ws:
        frames_until_closed(ws, timeout=20)
    lasted = time.monotonic() - opened
    assert 1.0 < lasted < 15.0, lasted
    assert user.api.get("/users/me").status_code == 401
