"""The WebSocket protocol itself: auth, hello, seq, actions, resume."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from websockets.sync.client import connect

from tests.support.client import LoggedIn, expect
from tests.support.ws import Frame, WsClient


def status_is(status: str) -> Callable[[Frame], bool]:
    return lambda frame: frame["data"]["status"] == status


def test_challenge_gets_hello_then_ok(server: str, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    with WsClient(server, user.token) as ws:
        first = ws.next_frame()
        assert first["event"] == "hello"
        assert first["seq"] == 0
        assert first["broadcast"]["user_id"] == user.id
        assert len(first["data"]["connection_id"]) == 26
        assert first["data"]["server_version"].startswith("11.9.0")
        reply = ws.next_frame()
        assert reply == {"status": "OK", "seq_reply": 1}


def test_bad_token_closes_socket(server: str) -> None:
    with WsClient(server, "x" * 26) as ws:
        assert ws.is_closed()


def test_header_authenticated_upgrade_says_hello_at_once(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    url = server.replace("http://", "ws://") + "/api/v4/websocket"
    with connect(url, additional_headers={"Authorization": f"Bearer {user.token}"}) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["event"] == "hello" and hello["seq"] == 0


def test_ping_statuses_and_unknown_actions(server: str, make_user: Callable[..., LoggedIn]) -> None:
    user, other = make_user(), make_user()
    with WsClient(server, user.token) as ws:
        ws.wait_for("hello")
        ws.wait_reply(1)
        pong = ws.wait_reply(ws.send("ping"))
        assert pong["status"] == "OK" and pong["data"]["text"] == "pong"
        assert isinstance(pong["data"]["server_time"], int)
        by_ids = ws.wait_reply(ws.send("get_statuses_by_ids", {"user_ids": [user.id, other.id]}))
        assert by_ids["data"] == {user.id: "online", other.id: "offline"}
        statuses = ws.wait_reply(ws.send("get_statuses"))
        assert statuses["data"][user.id] == "online"
        bad = ws.wait_reply(ws.send("no_such_action"))
        assert bad["status"] == "FAIL" and bad["error"]["id"]
        bad = ws.wait_reply(ws.send("get_statuses_by_ids", {"user_ids": ["nope"]}))
        assert bad["status"] == "FAIL"


def test_seq_increases_by_one_and_status_events(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    with WsClient(server, user.token) as ws:
        ws.wait_for("hello")
        for status in ("away", "dnd", "online"):
            expect(user.api.put("/users/me/status", {"user_id": user.id, "status": status}), 200)
            event = ws.wait_for("status_change", status_is(status))
            assert event["data"]["user_id"] == user.id
        seqs = [f["seq"] for f in ws.frames if "seq" in f and "event" in f]
        assert seqs == list(range(len(seqs)))


def test_online_while_connected_offline_after(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user, watcher = make_user(), make_user()
    with WsClient(server, user.token) as ws:
        ws.wait_reply(1)
        ws.wait_for("status_change", lambda f: f["data"]["status"] == "online")
        assert expect(watcher.api.get(f"/users/{user.id}/status"), 200)["status"] == "online"
    for _ in range(50):
        if expect(watcher.api.get(f"/users/{user.id}/status"), 200)["status"] == "offline":
            break
        time.sleep(0.1)
    assert expect(watcher.api.get(f"/users/{user.id}/status"), 200)["status"] == "offline"


def test_preferences_changed_goes_to_owner_only(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user, other = make_user(), make_user()
    with WsClient(server, user.token) as mine, WsClient(server, other.token) as theirs:
        mine.wait_reply(1)
        theirs.wait_reply(1)
        prefs = [{"user_id": user.id, "category": "theme", "name": "", "value": "dark"}]
        expect(user.api.put("/users/me/preferences", prefs), 200)
        event = mine.wait_for("preferences_changed")
        assert json.loads(event["data"]["preferences"]) == prefs
        theirs.assert_no_event("preferences_changed")


def test_resume_replays_missed_events_without_hello(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    ws = WsClient(server, user.token)
    hello = ws.wait_for("hello")
    ws.wait_reply(1)
    online = ws.wait_for("status_change", lambda f: f["data"]["status"] == "online")
    conn_id = hello["data"]["connection_id"]
    ws.close()
    for _ in range(50):
        if expect(user.api.get("/users/me/status"), 200)["status"] == "offline":
            break
        time.sleep(0.1)
    # While the socket is down, events keep happening.
    for status in ("away", "dnd"):
        expect(user.api.put("/users/me/status", {"user_id": user.id, "status": status}), 200)
    resume_from = online["seq"] + 1
    with WsClient(server, user.token, connection_id=conn_id, sequence_number=resume_from) as again:
        missed: list[Frame] = []
        while not missed or missed[-1]["data"]["status"] != "dnd":
            missed.append(again.wait_for("status_change"))
        assert [f["seq"] for f in missed] == list(range(resume_from, resume_from + len(missed)))
        assert [f["data"]["status"] for f in missed] == ["offline", "away", "dnd"]
        assert again.hello is None
        # The resumed connection keeps its numbering for new events.
        expect(user.api.put("/users/me/status", {"user_id": user.id, "status": "away"}), 200)
        assert again.wait_for("status_change")["seq"] == missed[-1]["seq"] + 1


def test_unknown_connection_id_gets_fresh_hello(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    with WsClient(server, user.token, connection_id="a" * 26, sequence_number=5) as ws:
        hello = ws.wait_for("hello")
        assert hello["seq"] == 0
        assert hello["data"]["connection_id"] != "a" * 26


def test_new_user_event_reaches_connected_users(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    with WsClient(server, user.token) as ws:
        ws.wait_reply(1)
        newcomer = make_user()
        ws.wait_for("new_user", lambda f: f["data"]["user_id"] == newcomer.id)
        expect(newcomer.api.put("/users/me/patch", {"nickname": "new"}), 200)
        updated = ws.wait_for("user_updated", lambda f: f["data"]["user"]["id"] == newcomer.id)
        assert updated["data"]["user"]["nickname"] == "new"
        assert "password" not in updated["data"]["user"]
