"""Post events over the WebSocket: who gets posted, post_edited, post_deleted, reactions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.chat import make_dm
from tests.support.client import LoggedIn, expect
from tests.support.files import upload_one
from tests.support.posting import make_room, post
from tests.support.ws import Frame, listening

UserFactory = Callable[..., LoggedIn]


def _post_of(frame: Frame) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(frame["data"]["post"])
    return data


def _about(post_id: str) -> Callable[[Frame], bool]:
    return lambda f: _post_of(f)["id"] == post_id


def test_posted_reaches_members_and_sender_only(server: str, make_user: UserFactory) -> None:
    room = make_room(make_user)
    with listening(server, room.alice, room.bob, room.outsider) as (alice, bob, outsider):
        p = post(room.bob, room.channel_id, f"hello @{room.alice.username}", pending_post_id="pp1")
        frame = alice.wait_for("posted", _about(p["id"]))
        data = frame["data"]
        sent = _post_of(frame)
        assert sent["message"] == p["message"] and sent["user_id"] == room.bob.id
        assert sent["pending_post_id"] == "pp1"
        assert data["channel_type"] == "O" and data["channel_name"]
        assert data["channel_display_name"] and data["team_id"] == room.team_id
        assert data["sender_name"] == f"@{room.bob.username}"
        assert data["set_online"] is True
        assert json.loads(data["mentions"]) == [room.alice.id]
        assert frame["broadcast"]["channel_id"] == room.channel_id
        # The sender gets their own post too, and the non-member gets nothing.
        assert _post_of(bob.wait_for("posted", _about(p["id"])))["id"] == p["id"]
        outsider.assert_no_event("posted")


def test_posted_without_mentions_and_set_online_false(server: str, make_user: UserFactory) -> None:
    room = make_room(make_user)
    with listening(server, room.alice) as (alice,):
        info = upload_one(room.bob, room.channel_id)
        r = room.bob.api.post(
            "/posts",
            {"channel_id": room.channel_id, "message": "quiet", "file_ids": [info["id"]]},
            params={"set_online": "false"},
        )
        p = expect(r, 201)
        data = alice.wait_for("posted", _about(p["id"]))["data"]
        assert "mentions" not in data and data["set_online"] is False
        assert data["otherFile"] == "true"


def test_posted_in_direct_channel(server: str, make_user: UserFactory) -> None:
    a, b, c = make_user(), make_user(), make_user()
    dm = make_dm(a, b)
    with listening(server, a, b, c) as (wa, wb, wc):
        p = post(a, dm["id"], "just us")
        data = wb.wait_for("posted", _about(p["id"]))["data"]
        assert data["channel_type"] == "D" and data["team_id"] == ""
        assert data["channel_display_name"] == f"@{a.username}"
        assert json.loads(data["mentions"]) == [b.id]
        wa.wait_for("posted", _about(p["id"]))
        wc.assert_no_event("posted")


def test_edit_delete_and_reaction_events(server: str, make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "original")
    with listening(server, room.bob, room.outsider) as (bob, outsider):
        expect(room.alice.api.put(f"/posts/{p['id']}/patch", {"message": "changed"}), 200)
        edited = _post_of(bob.wait_for("post_edited", _about(p["id"])))
        assert edited["message"] == "changed" and edited["edit_at"] > 0

        expect(room.alice.api.post(f"/posts/{p['id']}/pin"), 200)
        pinned = _post_of(bob.wait_for("post_edited", _about(p["id"])))
        assert pinned["is_pinned"] is True

        body = {"user_id": room.alice.id, "post_id": p["id"], "emoji_name": "tada"}
        expect(room.alice.api.post("/reactions", body), 200)
        added = bob.wait_for("reaction_added")
        reaction = json.loads(added["data"]["reaction"])
        assert reaction["emoji_name"] == "tada" and reaction["user_id"] == room.alice.id
        assert reaction["post_id"] == p["id"]
        assert added["broadcast"]["channel_id"] == room.channel_id

        expect(room.alice.api.delete(f"/users/me/posts/{p['id']}/reactions/tada"), 200)
        removed = json.loads(bob.wait_for("reaction_removed")["data"]["reaction"])
        assert removed["emoji_name"] == "tada" and removed["post_id"] == p["id"]

        expect(room.alice.api.delete(f"/posts/{p['id']}"), 200)
        deleted = bob.wait_for("post_deleted", _about(p["id"]))
        assert _post_of(deleted)["delete_at"] > 0
        assert deleted["data"]["delete_by"] == room.alice.id

        for name in ("post_edited", "reaction_added", "reaction_removed", "post_deleted"):
            outsider.assert_no_event(name, within=0.2)


def test_ephemeral_goes_to_one_user(server: str, make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    with listening(server, room.alice, room.bob) as (alice, bob):
        body = {
            "user_id": room.alice.id,
            "post": {"channel_id": room.channel_id, "message": "psst"},
        }
        created = expect(admin.api.post("/posts/ephemeral", body), 201)
        frame = alice.wait_for("ephemeral_message")
        sent = _post_of(frame)
        assert sent["id"] == created["id"] and sent["type"] == "system_ephemeral"
        assert sent["message"] == "psst" and frame["broadcast"]["user_id"] == room.alice.id
        bob.assert_no_event("ephemeral_message")
