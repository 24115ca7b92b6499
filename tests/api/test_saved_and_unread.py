"""Saved (flagged) posts and marking a post unread, over HTTP and WebSocket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.support.chat import channel_with, make_dm, team_with
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post
from tests.support.ws import listening

UserFactory = Callable[..., LoggedIn]
UNREAD_KEYS = {
    "team_id",
    "channel_id",
    "user_id",
    "msg_count",
    "mention_count",
    "mention_count_root",
    "urgent_mention_count",
    "msg_count_root",
    "last_viewed_at",
}


def _flag(user: LoggedIn, *post_ids: str, value: str = "true") -> None:
    prefs = [
        {"user_id": user.id, "category": "flagged_post", "name": p, "value": value}
        for p in post_ids
    ]
    expect(user.api.put(f"/users/{user.id}/preferences", prefs), 200)


def _flagged(user: LoggedIn, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = expect(user.api.get("/users/me/posts/flagged", params=params), 200)
    return found


def _error(response: httpx.Response, status: int) -> str:
    return str(expect(response, status)["id"])


def test_saved_posts(make_user: UserFactory) -> None:
    room = make_room(make_user)
    alice = room.alice
    first = post(room.bob, room.channel_id, "first")
    second = post(room.bob, room.channel_id, "second")
    reply = post(alice, room.channel_id, "a reply", root_id=first["id"])
    dm = make_dm(alice, room.bob)
    in_dm = post(room.bob, dm["id"], "direct")
    other_team = team_with(room.owner, alice)
    elsewhere_channel = channel_with(room.owner, other_team["id"], alice)
    elsewhere = post(room.owner, elsewhere_channel["id"], "elsewhere")
    unflagged = post(room.bob, room.channel_id, "not saved")
    _flag(alice, first["id"], second["id"], reply["id"], in_dm["id"], elsewhere["id"])
    _flag(alice, unflagged["id"], value="false")

    everything = _flagged(alice)
    newest_first = [elsewhere["id"], in_dm["id"], reply["id"], second["id"], first["id"]]
    assert everything["order"] == newest_first
    assert set(everything["posts"]) == set(newest_first)
    assert everything["posts"][second["id"]]["message"] == "second"
    assert everything["next_post_id"] == "" and everything["prev_post_id"] == ""

    one_channel = _flagged(alice, channel_id=room.channel_id)
    assert one_channel["order"] == [reply["id"], second["id"], first["id"]]
    # A team's channels and the direct and group ones.
    team = _flagged(alice, team_id=room.team_id)
    assert team["order"] == [in_dm["id"], reply["id"], second["id"], first["id"]]

    paged = _flagged(alice, per_page=2, page=1)
    assert paged["order"] == newest_first[2:4]

    # Deleted posts, and posts of a channel the user left, are not shown.
    expect(room.bob.api.delete(f"/posts/{second['id']}"), 200)
    expect(alice.api.delete(f"/teams/{other_team['id']}/members/{alice.id}"), 200)
    assert _flagged(alice)["order"] == [in_dm["id"], reply["id"], first["id"]]


def test_saved_posts_of_open_and_private_channels(make_user: UserFactory) -> None:
    owner, alice = make_user(), make_user()
    team = team_with(owner, alice)
    private = channel_with(owner, team["id"], alice, type="P")
    public = channel_with(owner, team["id"], alice, type="O")
    secret = post(owner, private["id"], "private")
    open_post = post(owner, public["id"], "public")
    _flag(alice, secret["id"], open_post["id"])
    assert _flagged(alice)["order"] == [open_post["id"], secret["id"]]
    # Leaving: the private post is out of reach, the open channel's is still readable.
    expect(alice.api.delete(f"/channels/{private['id']}/members/{alice.id}"), 200)
    expect(alice.api.delete(f"/channels/{public['id']}/members/{alice.id}"), 200)
    assert _flagged(alice)["order"] == [open_post["id"]]


def test_saved_posts_are_their_owners(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    p = post(room.bob, room.channel_id, "x")
    _flag(room.alice, p["id"])
    r = room.bob.api.get(f"/users/{room.alice.id}/posts/flagged")
    assert _error(r, 403) == "api.context.permissions.app_error"
    found = expect(admin.api.get(f"/users/{room.alice.id}/posts/flagged"), 200)
    assert found["order"] == [p["id"]]
    bad = room.alice.api.get("/users/me/posts/flagged", params={"team_id": "nope"})
    assert _error(bad, 400) == "api.context.invalid_param.app_error"


def _member(user: LoggedIn, channel_id: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(user.api.get(f"/channels/{channel_id}/members/me"), 200)
    return found


def _unread(user: LoggedIn, channel_id: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(user.api.get(f"/users/me/channels/{channel_id}/unread"), 200)
    return found


def test_mark_unread_from_a_post(server: str, make_user: UserFactory) -> None:
    room = make_room(make_user)
    alice, bob, cid = room.alice, room.bob, room.channel_id
    post(bob, cid, "before")
    marked = post(bob, cid, f"hey @{alice.username}")
    reply = post(bob, cid, "a reply", root_id=marked["id"])
    post(alice, cid, "my own")
    post(bob, cid, "last")
    expect(alice.api.post("/channels/members/me/view", {"channel_id": cid}), 200)
    read = _member(alice, cid)
    assert read["msg_count"] == 5 and read["mention_count"] == 0

    with listening(server, alice, bob) as (own, other):
        url = f"/users/me/posts/{marked['id']}/set_unread"
        body = {"collapsed_threads_supported": True}
        answer = expect(alice.api.post(url, body), 200)
        event = own.wait_for("post_unread")
        other.assert_no_event("post_unread")
    assert set(answer) == UNREAD_KEYS
    assert answer["user_id"] == alice.id and answer["team_id"] == room.team_id
    assert answer["channel_id"] == cid
    assert answer["last_viewed_at"] == marked["create_at"] - 1
    # Four posts from the marked one on (one a reply), one of them a mention.
    assert answer["msg_count"] == 1 and answer["msg_count_root"] == 1
    assert answer["mention_count"] == 1 and answer["mention_count_root"] == 1
    assert answer["urgent_mention_count"] == 0
    assert event["broadcast"]["user_id"] == alice.id
    assert event["broadcast"]["channel_id"] == cid
    assert event["broadcast"]["team_id"] == room.team_id
    data = event["data"]
    assert data["post_id"] == marked["id"]
    for key in UNREAD_KEYS - {"user_id"}:
        assert data[key] == answer[key], key

    member = _member(alice, cid)
    assert member["last_viewed_at"] == marked["create_at"] - 1
    assert member["msg_count"] == 1 and member["mention_count"] == 1
    unread = _unread(alice, cid)
    assert unread["msg_count"] == 4 and unread["msg_count_root"] == 3
    assert unread["mention_count"] == 1

    # Without collapsed threads, marking a reply leaves the root counts as they were.
    expect(alice.api.post("/channels/members/me/view", {"channel_id": cid}), 200)
    url = f"/users/{alice.id}/posts/{reply['id']}/set_unread"
    answer = expect(alice.api.post(url, {"collapsed_threads_supported": False}), 200)
    assert answer["msg_count"] == 2 and answer["mention_count"] == 0
    assert answer["msg_count_root"] == 4
    assert _unread(alice, cid)["msg_count_root"] == 0


def test_mark_unread_in_a_direct_channel(make_user: UserFactory) -> None:
    alice, bob = make_user(), make_user()
    dm = make_dm(alice, bob)
    first = post(bob, dm["id"], "one")
    post(bob, dm["id"], "two")
    post(alice, dm["id"], "mine")
    expect(alice.api.post("/channels/members/me/view", {"channel_id": dm["id"]}), 200)
    answer = expect(alice.api.post(f"/users/me/posts/{first['id']}/set_unread", {}), 200)
    # In a direct channel every post of the other person counts as a mention.
    assert answer["mention_count"] == 2 and answer["team_id"] == ""
    assert _unread(alice, dm["id"])["msg_count"] == 3


def test_mark_unread_refusals(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    p = post(room.bob, room.channel_id, "x")
    before = _member(room.alice, room.channel_id)
    r = room.bob.api.post(f"/users/{room.alice.id}/posts/{p['id']}/set_unread", {})
    assert _error(r, 403) == "api.context.permissions.app_error"
    r = room.outsider.api.post(f"/users/me/posts/{p['id']}/set_unread", {})
    assert _error(r, 403) == "api.context.permissions.app_error"
    r = room.alice.api.post(f"/users/me/posts/{'q' * 26}/set_unread", {})
    assert _error(r, 404) == "app.post.get.app_error"
    r = room.alice.api.post("/users/me/posts/bad/set_unread", {})
    assert _error(r, 400) == "api.context.invalid_url_param.app_error"
    assert _member(room.alice, room.channel_id) == before
    # A system admin may mark for someone (the session user rule's edit_other_users).
    url = f"/users/{room.alice.id}/posts/{p['id']}/set_unread"
    assert expect(admin.api.post(url, {}), 200)["user_id"] == room.alice.id
