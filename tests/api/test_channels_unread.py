"""Read state: viewing channels, marking them read, unread counts per channel and team."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.chat import channel_with, make_channel, make_team, team_with
from tests.support.client import LoggedIn, expect

UserFactory = Callable[..., LoggedIn]


def test_view_sets_last_viewed_at(make_user: UserFactory) -> None:
    owner, a = make_user(), make_user()
    team = team_with(owner, a)
    channel = channel_with(owner, team["id"], a)
    cid = channel["id"]
    before = expect(a.api.get(f"/channels/{cid}/members/me"), 200)["last_viewed_at"]
    body = expect(a.api.post("/channels/members/me/view", {"channel_id": cid}), 200)
    assert body["status"] == "OK"
    assert set(body["last_viewed_at_times"]) == {cid}
    viewed_at = body["last_viewed_at_times"][cid]
    assert viewed_at > before
    member = expect(a.api.get(f"/channels/{cid}/members/me"), 200)
    assert member["last_viewed_at"] == viewed_at and member["mention_count"] == 0


def test_view_also_marks_the_previous_channel(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    first, second = make_channel(owner, team["id"]), make_channel(owner, team["id"])
    body = {"channel_id": second["id"], "prev_channel_id": first["id"]}
    times = expect(owner.api.post(f"/channels/members/{owner.id}/view", body), 200)
    assert set(times["last_viewed_at_times"]) == {first["id"], second["id"]}


def test_view_edge_cases(make_user: UserFactory) -> None:
    owner, a, outsider = make_user(), make_user(), make_user()
    team = team_with(owner, a)
    channel = make_channel(owner, team["id"])
    # Leaving focus: no channel, nothing viewed.
    empty = expect(a.api.post("/channels/members/me/view", {"channel_id": ""}), 200)
    assert empty == {"status": "OK", "last_viewed_at_times": {}}
    # A channel the user is not in is skipped, not an error.
    r = expect(outsider.api.post("/channels/members/me/view", {"channel_id": channel["id"]}), 200)
    assert r["last_viewed_at_times"] == {}
    r = a.api.post(f"/channels/members/{owner.id}/view", {"channel_id": channel["id"]})
    assert r.status_code == 403
    r = a.api.post("/channels/members/me/view", {"channel_id": "bad"})
    assert expect(r, 400)["id"] == "api.context.invalid_param.app_error"
    assert a.api.post("/channels/members/me/view", {"prev_channel_id": 7}).status_code == 400
    assert a.api.post("/channels/members/me/view", ["x"]).status_code == 400
    assert a.api.post("/channels/members/bad/view", {"channel_id": ""}).status_code == 400


def test_mark_read_many(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    c1, c2 = make_channel(owner, team["id"]), make_channel(owner, team["id"])
    body = expect(owner.api.post("/channels/members/me/mark_read", [c1["id"], c2["id"]]), 200)
    assert set(body["last_viewed_at_times"]) == {c1["id"], c2["id"]}
    assert owner.api.post("/channels/members/me/mark_read", ["bad"]).status_code == 400
    assert owner.api.post("/channels/members/me/mark_read", {"a": 1}).status_code == 400


def test_channel_unread_shape_and_access(admin: LoggedIn, make_user: UserFactory) -> None:
    owner, a, teammate = make_user(), make_user(), make_user()
    team = team_with(owner, a, teammate)
    channel = channel_with(owner, team["id"], a)
    cid = channel["id"]
    unread = expect(a.api.get(f"/users/me/channels/{cid}/unread"), 200)
    assert unread["team_id"] == team["id"] and unread["channel_id"] == cid
    for key in (
        "msg_count",
        "msg_count_root",
        "mention_count",
        "mention_count_root",
        "urgent_mention_count",
    ):
        assert unread[key] == 0, key
    assert a.api.get(f"/users/{owner.id}/channels/{cid}/unread").status_code == 403
    assert expect(admin.api.get(f"/users/{a.id}/channels/{cid}/unread"), 200)["channel_id"] == cid
    r = teammate.api.get(f"/users/me/channels/{cid}/unread")
    assert expect(r, 404)["id"] == "app.channel.get_member.missing.app_error"
    assert a.api.get(f"/users/me/channels/{'q' * 26}/unread").status_code == 404
    assert a.api.get("/users/me/channels/bad/unread").status_code == 400


def _post(user: LoggedIn, channel_id: str, message: str, **fields: Any) -> dict[str, Any]:
    r = user.api.post("/posts", {"channel_id": channel_id, "message": message, **fields})
    return dict(expect(r, 201))


def test_unread_counts_follow_posts_and_views(make_user: UserFactory) -> None:
    owner, a, b = make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    channel = channel_with(owner, team["id"], a, b)
    cid = channel["id"]
    root = _post(b, cid, "one")
    _post(b, cid, "two")
    _post(b, cid, "a reply", root_id=root["id"])
    unread = expect(a.api.get(f"/users/me/channels/{cid}/unread"), 200)
    assert unread["msg_count"] == 3 and unread["msg_count_root"] == 2
    teams = {t["team_id"]: t for t in expect(a.api.get("/users/me/teams/unread"), 200)}
    assert teams[team["id"]]["msg_count"] == 3
    assert teams[team["id"]]["msg_count_root"] == 2
    one = expect(a.api.get(f"/users/me/teams/{team['id']}/unread"), 200)
    assert one["msg_count"] == 3
    expect(a.api.post("/channels/members/me/view", {"channel_id": cid}), 200)
    unread = expect(a.api.get(f"/users/me/channels/{cid}/unread"), 200)
    assert unread["msg_count"] == 0 and unread["mention_count"] == 0
    member = expect(a.api.get(f"/channels/{cid}/members/me"), 200)
    assert member["msg_count"] == 3 and member["msg_count_root"] == 2
    assert expect(a.api.get(f"/users/me/teams/{team['id']}/unread"), 200)["msg_count"] == 0
    # Muted to mentions only: new messages no longer make the team unread.
    body = {"mark_unread": "mention"}
    expect(a.api.put(f"/channels/{cid}/members/me/notify_props", body), 200)
    _post(b, cid, "three")
    assert expect(a.api.get(f"/users/me/channels/{cid}/unread"), 200)["msg_count"] == 1
    assert expect(a.api.get(f"/users/me/teams/{team['id']}/unread"), 200)["msg_count"] == 0


def test_new_member_finds_the_history_unread(make_user: UserFactory) -> None:
    owner, late = make_user(), make_user()
    team = team_with(owner, late)
    channel = make_channel(owner, team["id"])
    _post(owner, channel["id"], "before you came")
    member = expect(late.api.post(f"/channels/{channel['id']}/members", {"user_id": late.id}), 201)
    assert member["msg_count"] == 0 and member["last_viewed_at"] == 0
    unread = expect(late.api.get(f"/users/me/channels/{channel['id']}/unread"), 200)
    assert unread["msg_count"] >= 1
