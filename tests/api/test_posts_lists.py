"""Lists of posts: channel pages and cursors, since, Etags, threads, the unread window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, make_room, page, post

UserFactory = Callable[..., LoggedIn]


def _posts(user: LoggedIn, channel_id: str, n: int, prefix: str = "m") -> list[dict[str, Any]]:
    return [post(user, channel_id, f"{prefix}{i}") for i in range(n)]


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [p["id"] for p in items]


def _opening(room: Room) -> list[str]:
    """The room's posts before the test's own, oldest first: the system posts of its
    making (its creator's join, the others' adds), as Mattermost writes them."""
    opening = page(room.alice, room.channel_id)["order"][::-1]
    listed = page(room.alice, room.channel_id)["posts"]
    assert opening and all(listed[i]["type"].startswith("system_") for i in opening)
    return list(opening)


def test_newest_page_shape_and_paging(make_user: UserFactory) -> None:
    room = make_room(make_user)
    opening = _opening(room)
    # Nine posts in all: three full pages of three.
    made = opening + _ids(_posts(room.alice, room.channel_id, 9 - len(opening)))
    newest_first = made[::-1]
    listed = page(room.bob, room.channel_id)
    assert set(listed) == {
        "order",
        "posts",
        "next_post_id",
        "prev_post_id",
        "has_next",
        "first_inaccessible_post_time",
    }
    assert listed["order"] == newest_first
    assert set(listed["posts"]) == set(newest_first)
    assert listed["next_post_id"] == "" and listed["prev_post_id"] == ""
    assert listed["has_next"] is False and listed["first_inaccessible_post_time"] == 0

    first = page(room.bob, room.channel_id, page=0, per_page=3)
    assert first["order"] == newest_first[:3]
    assert first["next_post_id"] == "" and first["prev_post_id"] == newest_first[3]
    assert first["has_next"] is True
    second = page(room.bob, room.channel_id, page=1, per_page=3)
    assert second["order"] == newest_first[3:6]
    assert second["next_post_id"] == newest_first[2] and second["prev_post_id"] == newest_first[6]
    last = page(room.bob, room.channel_id, page=2, per_page=3)
    assert last["order"] == newest_first[6:]
    assert last["prev_post_id"] == "" and last["has_next"] is False
    empty = page(room.bob, room.channel_id, page=9, per_page=3)
    assert empty["order"] == [] and empty["posts"] == {}


def test_walk_back_with_before_and_forward_with_after(make_user: UserFactory) -> None:
    room = make_room(make_user)
    made = _opening(room) + _ids(_posts(room.alice, room.channel_id, 11))
    newest_first = made[::-1]

    seen: list[str] = []
    listed = page(room.bob, room.channel_id, per_page=4)
    seen += listed["order"]
    while listed["prev_post_id"]:
        cursor = listed["order"][-1]
        listed = page(room.bob, room.channel_id, before=cursor, per_page=4)
        assert listed["next_post_id"] == cursor
        seen += listed["order"]
    assert seen == newest_first
    assert listed["has_next"] is False

    # Forward from the oldest: each page is newest first, and points back to its anchor.
    seen = [made[0]]
    cursor = made[0]
    while True:
        listed = page(room.bob, room.channel_id, after=cursor, per_page=4)
        assert listed["prev_post_id"] == cursor
        seen += listed["order"][::-1]
        if not listed["next_post_id"]:
            break
        assert listed["has_next"] is True
        assert listed["next_post_id"] == made[made.index(listed["order"][0]) + 1]
        cursor = listed["order"][0]
    assert seen == made
    # Later pages of an anchored query.
    p1 = page(room.bob, room.channel_id, before=made[-1], per_page=3, page=1)
    assert p1["order"] == newest_first[4:7]
    assert p1["next_post_id"] == newest_first[3] and p1["prev_post_id"] == newest_first[7]


def test_same_millisecond_posts_page_without_gaps(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    opening = set(_opening(room))
    at = 1_700_000_000_000
    made = [post(admin, room.channel_id, f"tie{i}", create_at=at) for i in range(6)]
    assert {p["create_at"] for p in made} == {at}
    seen: list[str] = []
    listed = page(room.bob, room.channel_id, per_page=2)
    seen += listed["order"]
    while listed["prev_post_id"]:
        listed = page(room.bob, room.channel_id, before=listed["order"][-1], per_page=2)
        seen += listed["order"]
    seen = [i for i in seen if i not in opening]
    assert sorted(seen) == sorted(_ids(made)) and len(seen) == 6


def test_bad_list_parameters(make_user: UserFactory) -> None:
    room = make_room(make_user)
    url = f"/channels/{room.channel_id}/posts"
    for params in (
        {"before": "bad"},
        {"after": "x" * 26 + "y"},
        {"since": "yesterday"},
        {"page": "-1"},
        {"per_page": "many"},
    ):
        err = expect(room.alice.api.get(url, params=params), 400)
        assert err["id"] == "api.context.invalid_param.app_error", params
    assert room.alice.api.get("/channels/bad/posts").status_code == 400
    assert room.alice.api.get(f"/channels/{'a' * 26}/posts").status_code == 404
    # An anchor that is not in the channel gives an empty page, not an error.
    listed = page(room.alice, room.channel_id, before="a" * 26)
    assert listed["order"] == []


def test_per_page_is_capped_at_200(make_user: UserFactory) -> None:
    room = make_room(make_user)
    _posts(room.alice, room.channel_id, 205)
    listed = page(room.alice, room.channel_id, per_page=1000)
    assert len(listed["order"]) == 200 and listed["prev_post_id"]
    assert len(page(room.alice, room.channel_id)["order"]) == 60


def test_read_permissions(make_user: UserFactory) -> None:
    room = make_room(make_user)
    post(room.alice, room.channel_id, "open")
    # Team members may read an open channel without joining it.
    assert page(room.outsider, room.channel_id)["order"]
    assert make_user().api.get(f"/channels/{room.channel_id}/posts").status_code == 403
    private = make_room(make_user, channel_type="P")
    post(private.alice, private.channel_id, "closed")
    r = private.outsider.api.get(f"/channels/{private.channel_id}/posts")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"


def test_deleted_posts_leave_pages_but_show_in_since(make_user: UserFactory) -> None:
    room = make_room(make_user)
    opening = _opening(room)
    keep, gone = (
        post(room.alice, room.channel_id, "keep"),
        post(room.alice, room.channel_id, "gone"),
    )
    mark = page(room.alice, room.channel_id)["posts"][gone["id"]]["update_at"]
    expect(room.alice.api.delete(f"/posts/{gone['id']}"), 200)
    assert page(room.alice, room.channel_id)["order"] == [keep["id"], *opening[::-1]]
    since = page(room.alice, room.channel_id, since=mark)
    assert since["order"] == [gone["id"]]
    assert since["posts"][gone["id"]]["delete_at"] > 0
    assert since["next_post_id"] == "" and since["prev_post_id"] == ""


def test_since_returns_new_and_edited_posts(make_user: UserFactory) -> None:
    room = make_room(make_user)
    old = post(room.alice, room.channel_id, "old")
    root = post(room.alice, room.channel_id, "root")
    mark = root["update_at"]
    new = post(room.bob, room.channel_id, "new")
    edited = expect(
        room.alice.api.put(f"/posts/{old['id']}/patch", {"message": "old, edited"}), 200
    )
    listed = page(room.alice, room.channel_id, since=mark)
    # Newest first by creation, though the old post changed last.
    assert listed["order"] == [new["id"], edited["id"]]
    assert listed["posts"][old["id"]]["message"] == "old, edited"
    # A reply changes its root (its count), so both come back.
    reply = post(room.bob, room.channel_id, "reply", root_id=root["id"])
    listed = page(room.alice, room.channel_id, since=reply["create_at"] - 1)
    assert reply["id"] in listed["order"] and root["id"] in listed["order"]
    assert listed["posts"][root["id"]]["reply_count"] == 1
    assert page(room.alice, room.channel_id, since=reply["update_at"] + 10_000)["order"] == []


def test_etag_and_if_none_match(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "one")
    url = f"/channels/{room.channel_id}/posts"
    first = room.bob.api.get(url)
    etag = first.headers["etag"]
    assert etag
    again = room.bob.api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag

    seen = {etag}

    def changed() -> str:
        r = room.bob.api.get(url, headers={"If-None-Match": etag})
        assert r.status_code == 200, r.status_code
        new = r.headers["etag"]
        assert new not in seen
        seen.add(new)
        return new

    post(room.alice, room.channel_id, "two")
    etag = changed()
    expect(room.alice.api.put(f"/posts/{p['id']}/patch", {"message": "edited"}), 200)
    etag = changed()
    body = {"user_id": room.bob.id, "post_id": p["id"], "emoji_name": "smile"}
    expect(room.bob.api.post("/reactions", body), 200)
    etag = changed()
    expect(room.alice.api.post(f"/posts/{p['id']}/pin"), 200)
    etag = changed()
    expect(room.alice.api.delete(f"/posts/{p['id']}"), 200)
    etag = changed()
    # Access is checked before the Etag: a stranger gets 403, not 304.
    stranger = make_user()
    private = make_room(make_user, channel_type="P")
    r = stranger.api.get(f"/channels/{private.channel_id}/posts", headers={"If-None-Match": etag})
    assert r.status_code == 403
    # Collapsed-threads lists have their own Etag.
    collapsed = room.bob.api.get(url, params={"collapsedThreads": "true"})
    assert collapsed.headers["etag"] != etag


def test_threads_in_channel_pages(make_user: UserFactory) -> None:
    room = make_room(make_user)
    root = post(room.alice, room.channel_id, "root")
    fillers = _ids(_posts(room.alice, room.channel_id, 3, "f"))
    reply = post(room.bob, room.channel_id, "reply", root_id=root["id"])

    listed = page(room.alice, room.channel_id, per_page=2)
    assert listed["order"] == [reply["id"], fillers[-1]]
    # The reply's root comes along in posts, though it is not on the page.
    assert root["id"] in listed["posts"] and root["id"] not in listed["order"]
    assert listed["posts"][root["id"]]["reply_count"] == 1
    assert listed["posts"][reply["id"]]["reply_count"] == 1

    skipped = page(room.alice, room.channel_id, per_page=2, skipFetchThreads="true")
    assert set(skipped["posts"]) == {reply["id"], fillers[-1]}

    collapsed = page(room.alice, room.channel_id, collapsedThreads="true")
    assert collapsed["order"][:4] == [*fillers[::-1], root["id"]]
    assert reply["id"] not in collapsed["posts"]
    c_first = page(room.alice, room.channel_id, collapsedThreads="true", per_page=1)
    assert c_first["prev_post_id"] == fillers[-2]


def test_thread_endpoint(make_user: UserFactory) -> None:
    room = make_room(make_user)
    root = post(room.alice, room.channel_id, "root")
    replies = [post(room.bob, room.channel_id, f"r{i}", root_id=root["id"]) for i in range(5)]
    post(room.alice, room.channel_id, "unrelated")

    thread = expect(room.alice.api.get(f"/posts/{root['id']}/thread"), 200)
    assert thread["order"][0] == root["id"]
    assert set(thread["order"]) == {root["id"], *_ids(replies)}
    assert set(thread["posts"]) == set(thread["order"])
    assert thread["has_next"] is False
    # From a reply: the requested post first, then the rest of its thread.
    from_reply = expect(room.alice.api.get(f"/posts/{replies[2]['id']}/thread"), 200)
    assert from_reply["order"][0] == replies[2]["id"]
    assert set(from_reply["order"]) == {root["id"], *_ids(replies)}

    # Collapsed threads, paged downwards from a point.
    url = f"/posts/{root['id']}/thread"
    params: dict[str, Any] = {"collapsedThreads": "true", "perPage": 2, "direction": "down"}
    first = expect(room.alice.api.get(url, params=params), 200)
    assert first["order"] == [root["id"], *_ids(replies[:2])] and first["has_next"] is True
    last = replies[1]
    params.update(fromPost=last["id"], fromCreateAt=last["create_at"])
    second = expect(room.alice.api.get(url, params=params), 200)
    assert second["order"] == [root["id"], *_ids(replies[2:4])]
    params.update(direction="up", fromPost=replies[4]["id"], fromCreateAt=replies[4]["create_at"])
    up = expect(room.alice.api.get(url, params=params), 200)
    assert up["order"] == [root["id"], replies[3]["id"], replies[2]["id"]]

    for bad in (
        {"perPage": "201"},
        {"perPage": "x"},
        {"direction": "sideways"},
        {"fromPost": replies[0]["id"]},
        {"fromCreateAt": "soon"},
        {"fromPost": "bad", "fromCreateAt": "1"},
    ):
        assert room.alice.api.get(url, params=bad).status_code == 400, bad
    assert room.alice.api.get(f"/posts/{'a' * 26}/thread").status_code == 404
    assert make_user().api.get(url).status_code == 403
    expect(room.alice.api.delete(f"/posts/{root['id']}"), 200)
    assert room.alice.api.get(url).status_code == 404


def test_unread_window(make_user: UserFactory) -> None:
    room = make_room(make_user)
    read = _ids(_posts(room.alice, room.channel_id, 4, "read"))
    view = {"channel_id": room.channel_id, "prev_channel_id": ""}
    expect(room.bob.api.post(f"/channels/members/{room.bob.id}/view", view), 200)
    unread = _ids(_posts(room.alice, room.channel_id, 5, "unread"))
    url = f"/users/{room.bob.id}/channels/{room.channel_id}/posts/unread"

    listed = expect(room.bob.api.get(url, params={"limit_before": 2, "limit_after": 3}), 200)
    # The first unread post, two before it and two after it.
    assert listed["order"] == [unread[2], unread[1], unread[0], read[3], read[2]]
    assert listed["next_post_id"] == unread[3] and listed["prev_post_id"] == read[1]
    assert listed["has_next"] is True
    me = expect(
        room.bob.api.get(
            f"/users/me/channels/{room.channel_id}/posts/unread",
            params={"limit_before": 2, "limit_after": 3},
        ),
        200,
    )
    assert me["order"] == listed["order"]

    # Nothing unread: the newest page of limit_before posts.
    expect(room.bob.api.post(f"/channels/members/{room.bob.id}/view", view), 200)
    listed = expect(room.bob.api.get(url, params={"limit_before": 3}), 200)
    assert listed["order"] == unread[::-1][:3]

    assert room.bob.api.get(url, params={"limit_after": 0}).status_code == 400
    assert room.alice.api.get(url).status_code == 403
    assert (
        make_user().api.get(f"/users/me/channels/{room.channel_id}/posts/unread").status_code == 403
    )
