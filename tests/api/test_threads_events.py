"""Collapsed reply threads over the WebSocket: thread_updated to each follower with their
own counts, posted with followers and mentions, read and follow changes to the user."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.api.test_threads import base, make_room
from tests.support.client import LoggedIn, expect
from tests.support.posting import post
from tests.support.ws import listening

UserFactory = Callable[..., LoggedIn]


def test_reply_sends_thread_updated_to_each_follower(server: str, make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    post(r.bob, r.channel_id, "first", root_id=root["id"])
    with listening(server, r.alice, r.bob, r.carol, r.dave) as (ws_a, ws_b, ws_c, ws_d):
        reply = post(
            r.bob, r.channel_id, f"@{r.carol.username} and @{r.alice.username}", root_id=root["id"]
        )
        for ws in (ws_a, ws_b, ws_c, ws_d):
            posted = ws.wait_for("posted")
            assert json.loads(posted["data"]["post"])["id"] == reply["id"]
            assert sorted(json.loads(posted["data"]["followers"])) == sorted(
                [r.alice.id, r.bob.id, r.carol.id]
            )
            assert sorted(json.loads(posted["data"]["mentions"])) == sorted(
                [r.alice.id, r.carol.id]
            )

        alice = ws_a.wait_for("thread_updated")
        assert alice["broadcast"]["user_id"] == r.alice.id
        assert alice["broadcast"]["team_id"] == r.team_id
        thread = json.loads(alice["data"]["thread"])
        assert thread["id"] == root["id"] and thread["reply_count"] == 2
        assert thread["unread_replies"] == 2 and thread["unread_mentions"] == 1
        assert thread["post"]["id"] == root["id"] and thread["is_following"] is True
        assert alice["data"]["previous_unread_replies"] == 1
        assert alice["data"]["previous_unread_mentions"] == 0

        carol = ws_c.wait_for("thread_updated")
        carol_thread = json.loads(carol["data"]["thread"])
        # Carol starts following now: two unread replies, one mention, nothing before.
        assert (carol_thread["unread_replies"], carol_thread["unread_mentions"]) == (2, 1)
        assert carol["data"]["previous_unread_replies"] == 0

        bob = json.loads(ws_b.wait_for("thread_updated")["data"]["thread"])
        assert bob["unread_replies"] == 0 and bob["last_viewed_at"] == reply["create_at"]
        ws_d.assert_no_event("thread_updated")


def test_read_and_follow_changes_go_to_the_user(server: str, make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    first = post(r.bob, r.channel_id, "first", root_id=root["id"])
    post(r.bob, r.channel_id, f"@{r.alice.username} second", root_id=root["id"])
    url = base(r.alice, r.team_id)
    with listening(server, r.alice, r.bob) as (ws_a, ws_b):
        expect(r.alice.api.put(f"{url}/{root['id']}/read/{first['create_at']}"), 200)
        changed = ws_a.wait_for("thread_read_changed")
        assert changed["data"] == {
            "thread_id": root["id"],
            "timestamp": first["create_at"],
            "unread_mentions": 1,
            "unread_replies": 1,
            "previous_unread_replies": 2,
            "previous_unread_mentions": 1,
            "channel_id": r.channel_id,
        }
        expect(r.alice.api.put(f"{url}/read"), 200)
        everything = ws_a.wait_for("thread_read_changed")
        assert set(everything["data"]) == {"timestamp"}

        expect(r.alice.api.delete(f"{url}/{root['id']}/following"), 200)
        follow = ws_a.wait_for("thread_follow_changed")
        assert follow["data"] == {"thread_id": root["id"], "state": False, "reply_count": 2}
        expect(r.alice.api.put(f"{url}/{root['id']}/following"), 200)
        assert ws_a.wait_for("thread_follow_changed")["data"]["state"] is True
        ws_b.assert_no_event("thread_read_changed")
        ws_b.assert_no_event("thread_follow_changed")


def test_unfollowed_user_gets_no_thread_updates(server: str, make_user: UserFactory) -> None:
    r = make_room(make_user)
    root = post(r.alice, r.channel_id, "root")
    post(r.bob, r.channel_id, "first", root_id=root["id"])
    expect(r.alice.api.delete(f"{base(r.alice, r.team_id)}/{root['id']}/following"), 200)
    with listening(server, r.alice) as (ws_a,):
        post(r.bob, r.channel_id, "second", root_id=root["id"])
        ws_a.wait_for("posted")
        ws_a.assert_no_event("thread_updated")
