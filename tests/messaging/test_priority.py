"""Message priority (metadata.priority) and acknowledgements, with their events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import LoggedIn, expect
from tests.support.posting import post
from tests.support.ws import WsClient

User = Callable[..., LoggedIn]


def urgent(user: LoggedIn, channel_id: str, message: str, **priority: Any) -> Any:
    body = {
        "channel_id": channel_id,
        "message": message,
        "metadata": {"priority": {"priority": "urgent", "requested_ack": True, **priority}},
    }
    return user.api.post("/posts", body)


def test_priority_and_acknowledgements(msg_server: str, user_on: User) -> None:
    alice, bob, outsider = user_on(), user_on(), user_on()
    team = make_team(alice)
    join_team(alice, team["id"], bob)
    join_team(alice, team["id"], outsider)
    channel = make_channel(alice, team["id"], type="P")
    add_to_channel(alice, channel["id"], bob)
    with WsClient(msg_server, bob.token) as wb, WsClient(msg_server, alice.token) as wa:
        wb.wait_for("hello")
        wa.wait_for("hello")
        created = expect(urgent(alice, channel["id"], "read this now"), 201)
        expected = {"priority": "urgent", "requested_ack": True, "persistent_notifications": False}
        assert created["metadata"]["priority"] == expected
        posted = wb.wait_for("posted")
        assert json.loads(posted["data"]["post"])["metadata"]["priority"] == expected
        ack = expect(bob.api.post(f"/users/{bob.id}/posts/{created['id']}/ack"), 200)
        assert ack["user_id"] == bob.id and ack["post_id"] == created["id"]
        assert ack["acknowledged_at"] > 0
        added = wa.wait_for("post_acknowledgement_added")
        assert json.loads(added["data"]["acknowledgement"]) == ack
        # Twice is the same acknowledgement.
        assert expect(bob.api.post(f"/users/me/posts/{created['id']}/ack"), 200) == ack
        shown = expect(alice.api.get(f"/posts/{created['id']}"), 200)["metadata"]
        assert shown["priority"] == expected and shown["acknowledgements"] == [ack]
        listed = expect(alice.api.get(f"/channels/{channel['id']}/posts"), 200)
        assert listed["posts"][created["id"]]["metadata"]["acknowledgements"] == [ack]
        # Taken back.
        r = bob.api.delete(f"/users/{bob.id}/posts/{created['id']}/ack")
        assert expect(r, 200) == {"status": "OK"}
        removed = wa.wait_for("post_acknowledgement_removed")
        assert json.loads(removed["data"]["acknowledgement"])["user_id"] == bob.id
    shown = expect(alice.api.get(f"/posts/{created['id']}"), 200)["metadata"]
    assert "acknowledgements" not in shown and shown["priority"] == expected
    r = bob.api.delete(f"/users/{bob.id}/posts/{created['id']}/ack")
    assert r.status_code == 404 and r.json()["id"] == "app.acknowledgement.get.app_error"
    # Only for oneself, only for posts one may read.
    assert alice.api.post(f"/users/{bob.id}/posts/{created['id']}/ack").status_code == 403
    r = outsider.api.post(f"/users/{outsider.id}/posts/{created['id']}/ack")
    assert r.status_code in (403, 404)
    r = bob.api.post(f"/users/{bob.id}/posts/{'c' * 26}/ack")
    assert r.status_code == 404
    # A post with no priority shows none.
    plain = post(alice, channel["id"], "plain")
    assert "priority" not in expect(alice.api.get(f"/posts/{plain['id']}"), 200)["metadata"]


def test_bad_priorities_are_refused(msg_server: str, user_on: User) -> None:
    alice = user_on()
    team = make_team(alice)
    channel = make_channel(alice, team["id"])
    root = post(alice, channel["id"], "root")
    r = alice.api.post(
        "/posts",
        {
            "channel_id": channel["id"],
            "message": "reply",
            "root_id": root["id"],
            "metadata": {"priority": {"priority": "important"}},
        },
    )
    assert r.status_code == 400
    assert r.json()["id"] == (
        "api.post.post_priority.priority_post_only_allowed_for_root_post.request_error"
    )
    r = urgent(alice, channel["id"], "bad", priority="critical")
    assert r.status_code == 400
    r = urgent(alice, channel["id"], "loud", persistent_notifications=True)
    assert r.status_code == 403
    assert r.json()["id"] == (
        "api.post.post_priority.priority_post_not_allowed_for_user.request_error"
    )
    r = alice.api.post(
        "/posts", {"channel_id": channel["id"], "message": "x", "metadata": {"priority": "urgent"}}
    )
    assert r.status_code == 400
    # Important, without an acknowledgement request.
    body = {
        "channel_id": channel["id"],
        "message": "fyi",
        "metadata": {"priority": {"priority": "important"}},
    }
    created = expect(alice.api.post("/posts", body), 201)
    assert created["metadata"]["priority"]["priority"] == "important"
    assert created["metadata"]["priority"]["requested_ack"] is False
