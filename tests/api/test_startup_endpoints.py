"""The small endpoints the Mattermost apps call at start-up and on everyday screens:
what each answers, who may ask, and bad input."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.chat import channel_with, make_dm, make_group, team_with
from tests.support.client import PASSWORD, Api, LoggedIn, expect
from tests.support.posting import make_room, post
from tests.support.ws import WsClient

UserFactory = Callable[..., LoggedIn]
NOWHERE = "z" * 26
INVALID_PARAM = "api.context.invalid_param.app_error"
INVALID_BODY = "api.context.invalid_body_param.app_error"
INVALID_URL = "api.context.invalid_url_param.app_error"
FORBIDDEN = "api.context.permissions.app_error"


def error_id(response: httpx.Response, status: int) -> str:
    body: dict[str, Any] = expect(response, status)
    return str(body["id"])


# /limits/server


def test_server_limits_for_admins_and_others(admin: LoggedIn, make_user: UserFactory) -> None:
    limits = expect(admin.api.get("/limits/server"), 200)
    assert set(limits) == {
        "activeUserCount",
        "maxUsersLimit",
        "maxUsersHardLimit",
        "lastAccessiblePostTime",
        "postHistoryLimit",
    }
    assert limits["activeUserCount"] >= 1
    assert limits["maxUsersLimit"] == limits["maxUsersHardLimit"] == 0  # no tenant limit
    assert limits["postHistoryLimit"] == limits["lastAccessiblePostTime"] == 0
    # Others learn nothing of the user count (as in Mattermost).
    plain = expect(make_user().api.get("/limits/server"), 200)
    assert plain["activeUserCount"] == 0 and plain["postHistoryLimit"] == 0


def test_start_up_reads_need_a_session(anon: Api) -> None:
    for path in ("/limits/server", "/system/timezones", "/users/known", "/agents"):
        assert anon.get(path).status_code == 401, path


# /system/timezones and /channels/{id}/timezones


def test_supported_timezones_are_the_iana_names(make_user: UserFactory) -> None:
    names = expect(make_user().api.get("/system/timezones"), 200)
    assert names == sorted(zoneinfo.available_timezones())
    assert "Europe/Paris" in names and "America/New_York" in names


def _set_timezone(user: LoggedIn, **timezone: str) -> None:
    expect(user.api.put(f"/users/{user.id}/patch", {"timezone": timezone}), 200)


def test_channel_timezones_are_the_members_distinct_ones(make_user: UserFactory) -> None:
    room = make_room(make_user, "P")
    _set_timezone(room.owner, useAutomaticTimezone="true", automaticTimezone="Europe/Paris")
    _set_timezone(
        room.alice,
        useAutomaticTimezone="false",
        automaticTimezone="Asia/Tokyo",  # not in use: the manual one is
        manualTimezone="America/New_York",
    )
    _set_timezone(room.bob, useAutomaticTimezone="true", automaticTimezone="Europe/Paris")
    _set_timezone(room.outsider, useAutomaticTimezone="true", automaticTimezone="Asia/Tokyo")
    path = f"/channels/{room.channel_id}/timezones"
    assert expect(room.alice.api.get(path), 200) == ["America/New_York", "Europe/Paris"]
    # A private channel's members are its members' business.
    assert error_id(room.outsider.api.get(path), 403) == FORBIDDEN
    assert room.alice.api.get(f"/channels/{NOWHERE}/timezones").status_code == 404
    assert error_id(room.alice.api.get("/channels/not-an-id/timezones"), 400) == INVALID_URL


def test_members_without_a_timezone_are_left_out(make_user: UserFactory) -> None:
    room = make_room(make_user)
    assert expect(room.alice.api.get(f"/channels/{room.channel_id}/timezones"), 200) == []


# /users/known


def test_known_users_share_a_channel_with_me(make_user: UserFactory) -> None:
    owner, me, pen_pal, other_pal, stranger = (make_user() for _ in range(5))
    team = team_with(owner, me)
    channel_with(owner, team["id"], me)
    make_dm(me, pen_pal)
    make_dm(me, other_pal)
    known = expect(me.api.get("/users/known"), 200)
    assert sorted(known) == sorted([owner.id, pen_pal.id, other_pal.id])
    assert expect(pen_pal.api.get("/users/known"), 200) == [me.id]
    assert expect(stranger.api.get("/users/known"), 200) == []


# /users/group_channels


def by_name(*users: LoggedIn) -> list[str]:
    return [u.id for u in sorted(users, key=lambda u: u.username)]


def test_group_channel_members_by_channel(make_user: UserFactory) -> None:
    me, carol, dave, eve, outsider = (make_user() for _ in range(5))
    group = make_group(me, eve, carol)
    other = make_group(me, dave, carol)
    theirs = make_group(carol, dave, eve)  # not mine
    dm = make_dm(me, carol)
    body = [group["id"], other["id"], theirs["id"], dm["id"], NOWHERE]
    found = expect(me.api.post("/users/group_channels", body), 200)
    assert set(found) == {group["id"], other["id"]}
    # The other members, by username; the caller is left out.
    assert [u["id"] for u in found[group["id"]]] == by_name(carol, eve)
    assert [u["id"] for u in found[other["id"]]] == by_name(carol, dave)
    assert "password" not in found[group["id"]][0]
    assert expect(outsider.api.post("/users/group_channels", body), 200) == {}


def test_group_channels_bad_input(make_user: UserFactory) -> None:
    me = make_user()
    api = me.api
    assert error_id(api.post("/users/group_channels", []), 400) == INVALID_PARAM
    assert error_id(api.post("/users/group_channels", {"ids": []}), 400) == INVALID_BODY
    assert error_id(api.post("/users/group_channels", ["nope"]), 400) == INVALID_BODY
    too_many = [f"{i:026d}" for i in range(1001)]
    assert error_id(api.post("/users/group_channels", too_many), 400) == INVALID_BODY
    assert expect(api.post("/users/group_channels", too_many[:1000]), 200) == {}


# /users/{user_id}/teams/{team_id}/threads/mention_counts


def test_thread_mention_counts_per_channel(make_user: UserFactory) -> None:
    room = make_room(make_user)
    root = post(room.alice, room.channel_id, "a question")
    quiet = post(room.alice, room.channel_id, "another")
    path = f"/users/{room.alice.id}/teams/{room.team_id}/threads/mention_counts"
    assert expect(room.alice.api.get(path), 200) == {}
    post(room.bob, room.channel_id, f"@{room.alice.username} an answer", root_id=root["id"])
    post(room.bob, room.channel_id, f"and @{room.alice.username} again", root_id=root["id"])
    post(room.bob, room.channel_id, "no mention", root_id=quiet["id"])
    assert expect(room.alice.api.get(path), 200) == {room.channel_id: 2}
    me_path = f"/users/me/teams/{room.team_id}/threads/mention_counts"
    assert expect(room.bob.api.get(me_path), 200) == {room.channel_id: 0}
    # Reading the thread clears them.
    expect(room.alice.api.put(f"/users/me/teams/{room.team_id}/threads/read"), 200)
    assert expect(room.alice.api.get(path), 200) == {room.channel_id: 0}


def test_thread_mention_counts_permissions(make_user: UserFactory) -> None:
    room = make_room(make_user)
    stranger = make_user()
    path = f"/users/{room.alice.id}/teams/{room.team_id}/threads/mention_counts"
    assert error_id(room.bob.api.get(path), 403) == FORBIDDEN
    own = f"/users/{stranger.id}/teams/{room.team_id}/threads/mention_counts"
    assert error_id(stranger.api.get(own), 403) == FORBIDDEN  # not in the team
    bad = f"/users/{room.alice.id}/teams/nope/threads/mention_counts"
    assert error_id(room.alice.api.get(bad), 400) == INVALID_URL


# PUT /users/sessions/device


def _login(server: str, user: LoggedIn, device_id: str = "") -> Api:
    r = Api(server).post(
        "/users/login",
        {"login_id": user.username, "password": PASSWORD, "device_id": device_id},
    )
    expect(r, 200)
    return Api(server, r.headers["Token"])


def test_a_device_keeps_one_session(server: str, make_user: UserFactory) -> None:
    user = make_user()
    phone_before = _login(server, user)
    phone_now = _login(server, user)
    laptop = _login(server, user)
    device = {
        "device_id": "android_rn-v2:token-1",
        "device_notification_disabled": "false",
        "mobile_version": "2.40.0",
    }
    assert expect(phone_before.put("/users/sessions/device", device), 200) == {"status": "OK"}
    expect(phone_before.get("/users/me"), 200)
    # The same device names itself from a new session: the old one ends.
    expect(phone_now.put("/users/sessions/device", device), 200)
    assert phone_before.get("/users/me").status_code == 401
    expect(phone_now.get("/users/me"), 200)
    expect(laptop.get("/users/me"), 200)
    # Logging in again from that device ends its session too, as in Mattermost.
    phone_later = _login(server, user, device_id=device["device_id"])
    assert phone_now.get("/users/me").status_code == 401
    expect(phone_later.get("/users/me"), 200)
    expect(laptop.get("/users/me"), 200)
    # Another user's session on a device of the same name is theirs to keep.
    other = make_user()
    other_phone = _login(server, other)
    expect(other_phone.put("/users/sessions/device", device), 200)
    expect(phone_later.get("/users/me"), 200)


def test_device_bad_input(server: str, admin: LoggedIn, make_user: UserFactory) -> None:
    user = make_user()
    api = _login(server, user)
    for body in ({}, {"device_id": ""}, {"device_id": 7}, {"device_id": "x" * 513}):
        assert error_id(api.put("/users/sessions/device", body), 400) == INVALID_PARAM, body
    long_version = {"device_id": "apple_rn-v2:t", "mobile_version": "9" * 65}
    assert error_id(api.put("/users/sessions/device", long_version), 400) == INVALID_PARAM
    assert error_id(api.put("/users/sessions/device", ["x"]), 400) == INVALID_BODY
    assert Api(server).put("/users/sessions/device", {"device_id": "a:b"}).status_code == 401
    # A personal access token has no session to hold a device.
    token = expect(admin.api.post(f"/users/{user.id}/tokens", {"description": "d"}), 200)
    by_token = Api(server, token["token"])
    assert error_id(by_token.put("/users/sessions/device", {"device_id": "a:b"}), 403) == FORBIDDEN
    expect(api.get("/users/me"), 200)


# POST /users/{user_id}/typing


def test_typing_over_rest_reaches_the_channel(
    server: str, admin: LoggedIn, make_user: UserFactory
) -> None:
    room = make_room(make_user)
    with WsClient(server, room.bob.token) as ws:
        ws.wait_for("hello")
        body = {"channel_id": room.channel_id, "parent_id": ""}
        ok = expect(room.alice.api.post("/users/me/typing", body), 200)
        assert ok == {"status": "OK"}
        event = ws.wait_for("typing")
        assert event["data"] == {"parent_id": "", "user_id": room.alice.id}
        assert event["broadcast"]["channel_id"] == room.channel_id
        # A system admin may say another member is typing (Mattermost's rule)...
        expect(admin.api.post(f"/users/{room.alice.id}/typing", body), 200)
        assert ws.wait_for("typing")["data"]["user_id"] == room.alice.id
        # ...not for someone outside the channel.
        outsider = f"/users/{room.outsider.id}/typing"
        assert error_id(admin.api.post(outsider, body), 403) == FORBIDDEN
        ws.assert_no_event("typing")


def test_typing_rules_and_bad_input(make_user: UserFactory) -> None:
    room = make_room(make_user)
    body = {"channel_id": room.channel_id, "parent_id": ""}
    assert error_id(room.outsider.api.post("/users/me/typing", body), 403) == FORBIDDEN
    as_alice = f"/users/{room.alice.id}/typing"
    assert error_id(room.bob.api.post(as_alice, body), 403) == FORBIDDEN
    for bad in ({}, {"channel_id": "nope"}, {"channel_id": room.channel_id, "parent_id": 3}):
        assert error_id(room.alice.api.post("/users/me/typing", bad), 400) == INVALID_PARAM
    assert error_id(room.alice.api.post("/users/me/typing", [1]), 400) == INVALID_BODY
    long_parent = {"channel_id": room.channel_id, "parent_id": "p" * 100}
    assert room.alice.api.post("/users/me/typing", long_parent).status_code == 400
    assert room.alice.api.post("/users/me/typing", {"channel_id": NOWHERE}).status_code == 404


# /plugins/webapp, /agents, /system/ping


def test_no_plugin_has_a_web_app_part(anon: Api, admin: LoggedIn) -> None:
    assert expect(anon.get("/plugins/webapp"), 200) == []
    assert expect(admin.api.get("/plugins/webapp"), 200) == []


def test_no_agents(make_user: UserFactory) -> None:
    assert expect(make_user().api.get("/agents"), 200) == []


def test_ping_tells_the_mobile_app_push_is_off(anon: Api) -> None:
    plain = expect(anon.get("/system/ping", params={"time": "1"}), 200)
    assert "CanReceiveNotifications" not in plain
    asked = expect(anon.get("/system/ping", params={"device_id": "apple_rn-v2:t"}), 200)
    assert asked["CanReceiveNotifications"] == "false"
    assert asked["status"] == "OK"


def test_ping_server_status_in_body_and_headers(
    anon: Api, admin: LoggedIn, make_user: UserFactory
) -> None:
    r = anon.get("/system/ping", params={"get_server_status": "true"})
    body = expect(r, 200)
    assert body["database_status"] == body["filestore_status"] == "OK"
    assert r.headers["status"] == "OK"
    assert r.headers["database_status"] == r.headers["filestore_status"] == "OK"
    assert "root_status" not in body
    assert "root_status" not in expect(
        make_user().api.get("/system/ping", params={"get_server_status": "1"}), 200
    )
    as_admin = expect(admin.api.get("/system/ping", params={"get_server_status": "true"}), 200)
    assert isinstance(as_admin["root_status"], bool)
    # Without it, as before: no statuses.
    quiet = anon.get("/system/ping", params={"get_server_status": "false"})
    assert "database_status" not in expect(quiet, 200)
    assert "database_status" not in quiet.headers
