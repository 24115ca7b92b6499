"""Reactions: adding (idempotent), listing, removing, bulk reads, and has_reactions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, page, post

UserFactory = Callable[..., LoggedIn]


def _react(user: LoggedIn, post_id: str, emoji: str) -> dict[str, Any]:
    body = {"user_id": user.id, "post_id": post_id, "emoji_name": emoji}
    reaction: dict[str, Any] = expect(user.api.post("/reactions", body), 200)
    return reaction


def test_add_list_and_remove(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "react to me")
    reaction = _react(room.bob, p["id"], "thumbsup")
    assert reaction["user_id"] == room.bob.id and reaction["post_id"] == p["id"]
    assert reaction["emoji_name"] == "thumbsup" and reaction["channel_id"] == room.channel_id
    assert reaction["create_at"] > 0 and reaction["delete_at"] == 0
    # Adding the same reaction again changes nothing.
    again = _react(room.bob, p["id"], "thumbsup")
    assert again["create_at"] == reaction["create_at"]
    _react(room.alice, p["id"], "+1")
    _react(room.alice, p["id"], "white_check_mark")

    listed = expect(room.alice.api.get(f"/posts/{p['id']}/reactions"), 200)
    assert [(r["user_id"], r["emoji_name"]) for r in listed] == [
        (room.bob.id, "thumbsup"),
        (room.alice.id, "+1"),
        (room.alice.id, "white_check_mark"),
    ]
    # mattermostdriver asks for /posts/{id}//reactions.
    doubled = room.alice.api.get(f"/posts/{p['id']}//reactions")
    assert expect(doubled, 200) == listed

    got = expect(room.alice.api.get(f"/posts/{p['id']}"), 200)
    assert got["has_reactions"] is True and len(got["metadata"]["reactions"]) == 3
    listed_page = page(room.alice, room.channel_id)
    assert len(listed_page["posts"][p["id"]]["metadata"]["reactions"]) == 3

    url = f"/users/{room.alice.id}/posts/{p['id']}/reactions"
    assert expect(room.alice.api.delete(f"{url}/+1"), 200) == {"status": "OK"}
    expect(room.alice.api.delete(f"/users/me/posts/{p['id']}/reactions/white_check_mark"), 200)
    expect(room.alice.api.delete(f"{url}/white_check_mark"), 200)  # already gone: still OK
    listed = expect(room.alice.api.get(f"/posts/{p['id']}/reactions"), 200)
    assert [r["emoji_name"] for r in listed] == ["thumbsup"]
    expect(room.bob.api.delete(f"/users/{room.bob.id}/posts/{p['id']}/reactions/thumbsup"), 200)
    got = expect(room.alice.api.get(f"/posts/{p['id']}"), 200)
    assert got["has_reactions"] is False and got["metadata"] == {}
    # A removed reaction can come back.
    _react(room.bob, p["id"], "thumbsup")
    assert len(expect(room.alice.api.get(f"/posts/{p['id']}/reactions"), 200)) == 1


@pytest.mark.parametrize("emoji", ["", "x" * 65, "has space", "smile!", "ü"])
def test_bad_emoji_names(make_user: UserFactory, emoji: str) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "x")
    body = {"user_id": room.alice.id, "post_id": p["id"], "emoji_name": emoji}
    assert expect(room.alice.api.post("/reactions", body), 400)["id"] == (
        "model.reaction.is_valid.emoji_name.app_error"
    )


def test_emoji_name_limits(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "x")
    assert _react(room.alice, p["id"], "e" * 64)["emoji_name"] == "e" * 64
    _react(room.alice, p["id"], "a-b_c+d")


def test_reaction_permissions_and_bad_input(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "x")
    # Only for yourself.
    body = {"user_id": room.alice.id, "post_id": p["id"], "emoji_name": "smile"}
    assert expect(room.bob.api.post("/reactions", body), 403)["id"] == (
        "api.reaction.save_reaction.user_id.app_error"
    )
    # Outsiders (even team members who could read the open channel) may not react.
    body = {"user_id": room.outsider.id, "post_id": p["id"], "emoji_name": "smile"}
    assert room.outsider.api.post("/reactions", body).status_code == 403
    body = {"user_id": room.alice.id, "post_id": "f" * 26, "emoji_name": "smile"}
    assert room.alice.api.post("/reactions", body).status_code == 403
    for bad in (
        {"user_id": "bad", "post_id": p["id"], "emoji_name": "smile"},
        {"user_id": room.alice.id, "post_id": "bad", "emoji_name": "smile"},
        {"user_id": room.alice.id, "post_id": p["id"], "emoji_name": 3},
    ):
        assert room.alice.api.post("/reactions", bad).status_code == 400, bad
    assert room.alice.api.post("/reactions", [1, 2]).status_code == 400

    _react(room.bob, p["id"], "smile")
    bobs = f"/users/{room.bob.id}/posts/{p['id']}/reactions/smile"
    assert room.alice.api.delete(bobs).status_code == 403
    assert room.alice.api.delete(f"/users/me/posts/{p['id']}/reactions/bad!").status_code == 400
    assert room.alice.api.delete(f"/users/bad/posts/{p['id']}/reactions/smile").status_code == 400
    expect(admin.api.delete(bobs), 200)
    assert room.alice.api.get(f"/posts/{'f' * 26}/reactions").status_code == 403
    assert make_user().api.get(f"/posts/{p['id']}/reactions").status_code == 403


def test_bulk_reactions(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p1, p2 = post(room.alice, room.channel_id, "1"), post(room.alice, room.channel_id, "2")
    _react(room.bob, p1["id"], "smile")
    got = expect(room.alice.api.post("/posts/ids/reactions", [p1["id"], p2["id"]]), 200)
    assert set(got) == {p1["id"], p2["id"]}
    assert [r["emoji_name"] for r in got[p1["id"]]] == ["smile"] and got[p2["id"]] == []
    private = make_room(make_user, channel_type="P")
    hidden = post(private.alice, private.channel_id, "secret")
    assert room.alice.api.post("/posts/ids/reactions", [p1["id"], hidden["id"]]).status_code == 403
    assert room.alice.api.post("/posts/ids/reactions", ["bad"]).status_code == 400


def test_archived_channel_blocks_reactions(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "x")
    _react(room.alice, p["id"], "smile")
    expect(room.owner.api.delete(f"/channels/{room.channel_id}"), 200)
    body = {"user_id": room.bob.id, "post_id": p["id"], "emoji_name": "smile"}
    assert room.bob.api.post("/reactions", body).status_code == 403
    url = f"/users/me/posts/{p['id']}/reactions/smile"
    assert room.alice.api.delete(url).status_code == 403


def test_too_many_distinct_emoji(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "popular")
    for i in range(50):
        _react(room.alice, p["id"], f"e{i}")
    body = {"user_id": room.bob.id, "post_id": p["id"], "emoji_name": "one_too_many"}
    assert expect(room.bob.api.post("/reactions", body), 400)["id"] == (
        "app.reaction.save.save.too_many_reactions"
    )
    # An emoji already on the post is still fine.
    _react(room.bob, p["id"], "e7")
