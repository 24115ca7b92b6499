"""Typing events: members only, and none in channels of MaxNotificationsPerChannel
members or more (the limit clients read from the client config)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chat import channel_with, make_channel, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server
from tests.support.ws import WsClient

LIMIT = 3


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("typing")
    env = {"ROOST_MAX_NOTIFICATIONS_PER_CHANNEL": str(LIMIT)}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def _typing(ws: WsClient, channel_id: str) -> dict[str, object]:
    reply = ws.wait_reply(ws.send("user_typing", {"channel_id": channel_id, "parent_id": ""}))
    return dict(reply)


def test_client_config_tells_clients_the_limit(small_limit_server: str) -> None:
    admin = create_user(small_limit_server)
    config = expect(admin.api.get("/config/client", params={"format": "old"}), 200)
    assert config["MaxNotificationsPerChannel"] == str(LIMIT)
    assert config["EnableUserTypingMessages"] == "true"
    assert int(config["TimeBetweenUserTypingUpdatesMilliseconds"]) > 0


def test_no_typing_events_in_channels_at_the_limit(small_limit_server: str) -> None:
    owner, a, b = (create_user(small_limit_server) for _ in range(3))
    team = team_with(owner, a, b)
    small = channel_with(owner, team["id"], a)  # 2 members: below the limit
    large = channel_with(owner, team["id"], a, b)  # 3 members: at the limit
    with (
        WsClient(small_limit_server, owner.token) as ws_owner,
        WsClient(small_limit_server, a.token) as ws_a,
    ):
        ws_owner.wait_for("hello")
        ws_a.wait_for("hello")
        assert _typing(ws_owner, small["id"])["status"] == "OK"
        assert ws_a.wait_for("typing")["broadcast"]["channel_id"] == small["id"]
        assert _typing(ws_owner, large["id"])["status"] == "OK"
        ws_a.assert_no_event("typing")


def test_typing_needs_membership_and_a_live_channel(small_limit_server: str) -> None:
    owner, a, outsider = (create_user(small_limit_server) for _ in range(3))
    team = team_with(owner, a, outsider)
    channel = channel_with(owner, team["id"], a)
    other: LoggedIn = outsider
    with (
        WsClient(small_limit_server, other.token) as ws_out,
        WsClient(small_limit_server, a.token) as ws_a,
    ):
        ws_out.wait_for("hello")
        ws_a.wait_for("hello")
        refused = _typing(ws_out, channel["id"])
        assert refused["status"] == "FAIL"
        assert _typing(ws_out, "z" * 26)["status"] == "FAIL"
        ws_a.assert_no_event("typing")
        archived = make_channel(owner, team["id"])
        expect(owner.api.post(f"/channels/{archived['id']}/members", {"user_id": a.id}), 201)
        expect(owner.api.delete(f"/channels/{archived['id']}"), 200)
        with WsClient(small_limit_server, owner.token) as ws_owner:
            ws_owner.wait_for("hello")
            _typing(ws_owner, archived["id"])
            ws_a.assert_no_event("typing")
