"""Posts: creating (rules, limits, counters, mentions), reading, editing, pinning, deleting."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.chat import make_dm
from tests.support.client import Api, LoggedIn, expect
from tests.support.files import upload_one
from tests.support.posting import channel, make_room, member, post

UserFactory = Callable[..., LoggedIn]
MAX_POST = 16383


def test_create_post_shape_and_echo(make_user: UserFactory) -> None:
    room = make_room(make_user)
    r = room.alice.api.post(
        "/posts",
        {
            "channel_id": room.channel_id,
            "message": "hello #world and #roost-dev, see #a",
            "pending_post_id": f"{room.alice.id}:12345",
            "props": {"custom": {"k": 1}},
            "metadata": {"ignored": True},
        },
    )
    created = expect(r, 201)
    assert len(created["id"]) == 26
    assert created["user_id"] == room.alice.id and created["channel_id"] == room.channel_id
    assert created["root_id"] == "" and created["original_id"] == "" and created["type"] == ""
    assert created["pending_post_id"] == f"{room.alice.id}:12345"
    assert created["hashtags"] == "#world #roost-dev"
    assert created["props"] == {"custom": {"k": 1}}
    assert created["create_at"] > 0 and created["update_at"] >= created["create_at"]
    assert created["edit_at"] == 0 and created["delete_at"] == 0
    assert created["is_pinned"] is False and created["has_reactions"] is False
    assert created["file_ids"] == [] and created["metadata"] == {}
    got = expect(room.bob.api.get(f"/posts/{created['id']}"), 200)
    assert got["message"] == created["message"] and got["pending_post_id"] == ""


def test_message_length_limit(make_user: UserFactory) -> None:
    room = make_room(make_user)
    ok = post(room.alice, room.channel_id, "x" * MAX_POST)
    assert len(ok["message"]) == MAX_POST
    # Characters, not bytes: 16,383 multi-byte characters are fine too.
    post(room.alice, room.channel_id, "é" * MAX_POST)
    r = room.alice.api.post(
        "/posts", {"channel_id": room.channel_id, "message": "x" * (MAX_POST + 1)}
    )
    assert expect(r, 400)["id"] == "model.post.is_valid.message_length.app_error"


@pytest.mark.parametrize(
    "body",
    [
        {"message": ""},
        {"message": "   \n "},
        {"message": "hi", "channel_id": "not-an-id"},
        {"message": "hi", "channel_id": ""},
        {"message": "hi", "root_id": "bad"},
        {"message": "hi", "file_ids": ["bad"]},
        {"message": "hi", "file_ids": [f"{i:026d}" for i in range(11)]},
        {"message": "hi", "type": "system_join_channel"},
        {"message": "hi", "type": "weird"},
        {"message": 5},
        {"message": "hi", "props": "not-a-dict"},
        {"message": "hi", "pending_post_id": "p" * 200},
    ],
)
def test_create_post_bad_bodies(make_user: UserFactory, body: dict[str, object]) -> None:
    room = make_room(make_user)
    r = room.alice.api.post("/posts", {"channel_id": room.channel_id, **body})
    err = expect(r, 400)
    assert err["id"] and err["request_id"] and err["status_code"] == 400


def test_create_post_not_json(make_user: UserFactory) -> None:
    room = make_room(make_user)
    r = room.alice.api.post(
        "/posts", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert room.alice.api.post("/posts", ["a list"]).status_code == 400


def test_empty_message_allowed_with_files_or_attachments(make_user: UserFactory) -> None:
    room = make_room(make_user)
    info = upload_one(room.alice, room.channel_id)
    p = post(room.alice, room.channel_id, "", file_ids=[info["id"]])
    assert p["file_ids"] == [info["id"]]
    p = post(room.alice, room.channel_id, "", props={"attachments": [{"text": "hi"}]})
    assert p["props"]["attachments"][0]["text"] == "hi"


def test_permissions_to_post(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    stranger = make_user()
    for user in (room.outsider, stranger):
        r = user.api.post("/posts", {"channel_id": room.channel_id, "message": "hi"})
        assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    # An unknown channel is as forbidden as one you are not in.
    r = room.alice.api.post("/posts", {"channel_id": "a" * 26, "message": "hi"})
    assert r.status_code == 403
    assert room.alice.api.post("/posts", {"message": "hi"}).status_code == 400
    # A system admin may post anywhere.
    post(admin, room.channel_id, "from the admin")


def test_posting_needs_a_session(anon: Api) -> None:
    r = anon.post("/posts", {"channel_id": "a" * 26, "message": "hi"})
    assert expect(r, 401)["id"] == "api.context.session_expired.app_error"


def test_archived_channel_rejects_posts(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "before")
    expect(room.owner.api.delete(f"/channels/{room.channel_id}"), 200)
    r = room.alice.api.post("/posts", {"channel_id": room.channel_id, "message": "after"})
    assert expect(r, 400)["id"] == "api.post.create_post.can_not_post_to_deleted.error"
    r = room.alice.api.put(f"/posts/{p['id']}/patch", {"message": "edited"})
    assert expect(r, 400)["id"] == "api.post.patch_post.can_not_update_post_in_deleted.error"
    r = room.alice.api.delete(f"/posts/{p['id']}")
    assert expect(r, 400)["id"] == "api.post.delete_post.can_not_delete_post_in_deleted.error"


def test_replies_and_root_rules(make_user: UserFactory) -> None:
    room = make_room(make_user)
    root = post(room.alice, room.channel_id, "root")
    reply = post(room.bob, room.channel_id, "reply", root_id=root["id"])
    assert reply["root_id"] == root["id"] and reply["reply_count"] == 1
    post(room.alice, room.channel_id, "reply 2", root_id=root["id"])
    got = expect(room.alice.api.get(f"/posts/{root['id']}"), 200)
    assert got["reply_count"] == 2 and got["last_reply_at"] >= reply["create_at"]
    assert got["update_at"] >= reply["create_at"]
    # A reply carries its thread's count, as Mattermost's does.
    assert expect(room.alice.api.get(f"/posts/{reply['id']}"), 200)["reply_count"] == 2

    body = {"channel_id": room.channel_id, "message": "nested", "root_id": reply["id"]}
    assert expect(room.bob.api.post("/posts", body), 400)["id"] == (
        "api.post.create_post.root_id.app_error"
    )
    body["root_id"] = "b" * 26
    assert expect(room.bob.api.post("/posts", body), 400)["id"] == (
        "api.post.create_post.root_id.app_error"
    )
    other = make_room(make_user)
    elsewhere = post(other.alice, other.channel_id, "elsewhere")
    body["root_id"] = elsewhere["id"]
    assert expect(room.bob.api.post("/posts", body), 400)["id"] == (
        "api.post.create_post.channel_root_id.app_error"
    )
    expect(room.alice.api.delete(f"/posts/{root['id']}"), 200)
    body["root_id"] = root["id"]
    assert expect(room.bob.api.post("/posts", body), 400)["id"] == (
        "api.post.create_post.root_id.app_error"
    )


def test_counters_move_with_posts(make_user: UserFactory) -> None:
    room = make_room(make_user)
    before = channel(room.alice, room.channel_id)
    root = post(room.alice, room.channel_id, "one")
    post(room.bob, room.channel_id, "two", root_id=root["id"])
    after = channel(room.alice, room.channel_id)
    assert after["total_msg_count"] == before["total_msg_count"] + 2
    assert after["total_msg_count_root"] == before["total_msg_count_root"] + 1
    assert after["last_post_at"] >= root["create_at"]
    assert after["last_root_post_at"] == root["create_at"]
    # The poster has read the channel up to their own post; others have not.
    bob = member(room.bob, room.channel_id, room.bob.id)
    assert bob["msg_count"] == after["total_msg_count"]
    assert bob["msg_count_root"] == after["total_msg_count_root"]
    assert bob["last_viewed_at"] >= root["create_at"]
    alice = member(room.alice, room.channel_id, room.alice.id)
    assert alice["msg_count"] == after["total_msg_count"] - 1


def test_mentions_count_for_members(make_user: UserFactory) -> None:
    room = make_room(make_user)
    base_a = member(room.alice, room.channel_id, room.alice.id)
    base_b = member(room.bob, room.channel_id, room.bob.id)
    root = post(
        room.owner, room.channel_id, f"hey @{room.alice.username}, and `@{room.bob.username}`"
    )
    post(room.owner, room.channel_id, f"@{room.alice.username}. again", root_id=root["id"])
    # The outsider is not in the channel: mentioning them counts nothing.
    post(room.owner, room.channel_id, f"@{room.outsider.username} hi")
    a = member(room.alice, room.channel_id, room.alice.id)
    assert a["mention_count"] == base_a["mention_count"] + 2
    assert a["mention_count_root"] == base_a["mention_count_root"] + 1
    b = member(room.bob, room.channel_id, room.bob.id)
    assert b["mention_count"] == base_b["mention_count"]
    # Posting reads the channel, which clears your own mentions.
    post(room.alice, room.channel_id, "thanks")
    assert member(room.alice, room.channel_id, room.alice.id)["mention_count"] == 0


def test_channel_wide_mentions_respect_settings(make_user: UserFactory) -> None:
    room = make_room(make_user)
    expect(
        room.bob.api.put(
            f"/channels/{room.channel_id}/members/{room.bob.id}/notify_props",
            {
                "channel_id": room.channel_id,
                "user_id": room.bob.id,
                "ignore_channel_mentions": "on",
            },
        ),
        200,
    )
    post(room.owner, room.channel_id, "attention @channel please")
    post(room.owner, room.channel_id, "and @all.")
    assert member(room.alice, room.channel_id, room.alice.id)["mention_count"] == 2
    assert member(room.bob, room.channel_id, room.bob.id)["mention_count"] == 0
    assert member(room.owner, room.channel_id, room.owner.id)["mention_count"] == 0


def test_direct_messages_mention_the_other_person(make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    dm = make_dm(a, b)
    post(a, dm["id"], "psst")
    post(a, dm["id"], "psst again")
    assert member(b, dm["id"], b.id)["mention_count"] == 2
    assert member(a, dm["id"], a.id)["mention_count"] == 0


def test_pending_post_id_makes_retries_idempotent(make_user: UserFactory) -> None:
    room = make_room(make_user)
    body = {"channel_id": room.channel_id, "message": "once", "pending_post_id": "p-123"}
    first = expect(room.alice.api.post("/posts", body), 201)
    second = expect(room.alice.api.post("/posts", body), 201)
    assert second["id"] == first["id"] and second["pending_post_id"] == "p-123"
    # Another user's pending id is their own.
    third = expect(room.bob.api.post("/posts", body), 201)
    assert third["id"] != first["id"]


def test_server_props_are_not_forgeable(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "hi", props={"from_bot": "true", "from_webhook": "true"})
    assert p["props"] == {}


def test_get_post_and_posts_by_ids(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p1 = post(room.alice, room.channel_id, "one")
    p2 = post(room.alice, room.channel_id, "two")
    private = make_room(make_user, channel_type="P")
    hidden = post(private.alice, private.channel_id, "secret")
    got = expect(room.bob.api.post("/posts/ids", [p1["id"], p2["id"], hidden["id"]]), 200)
    assert [p["id"] for p in got] == [p2["id"], p1["id"]]
    assert room.bob.api.post("/posts/ids", []).status_code == 400
    assert room.bob.api.post("/posts/ids", ["bad"]).status_code == 400
    assert room.bob.api.post("/posts/ids", {"ids": []}).status_code == 400
    assert expect(room.bob.api.get(f"/posts/{hidden['id']}"), 403)["id"] == (
        "api.context.permissions.app_error"
    )
    assert expect(room.bob.api.get(f"/posts/{'c' * 26}"), 404)["id"] == "app.post.get.app_error"
    assert room.bob.api.get("/posts/bad").status_code == 400
    # Team members may read an open channel they have not joined; strangers may not.
    assert expect(room.outsider.api.get(f"/posts/{p1['id']}"), 200)["id"] == p1["id"]
    assert make_user().api.get(f"/posts/{p1['id']}").status_code == 403


def test_patch_and_update_post(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "first #one", props={"a": 1})
    patched = expect(room.alice.api.put(f"/posts/{p['id']}/patch", {"message": "second #two"}), 200)
    assert patched["message"] == "second #two" and patched["hashtags"] == "#two"
    assert patched["edit_at"] > 0 and patched["update_at"] >= patched["edit_at"]
    assert patched["props"] == {"a": 1}
    # Pinning through a patch is not an edit of the text.
    pinned = expect(room.alice.api.put(f"/posts/{p['id']}/patch", {"is_pinned": True}), 200)
    assert pinned["is_pinned"] is True and pinned["edit_at"] == patched["edit_at"]
    assert pinned["update_at"] > patched["update_at"]
    r = room.alice.api.put(f"/posts/{p['id']}/patch", {"props": {"b": 2}})
    assert expect(r, 200)["props"] == {"b": 2}

    # PUT replaces: the id must match the path.
    r = room.alice.api.put(f"/posts/{p['id']}", {"id": "d" * 26, "message": "x"})
    assert r.status_code == 400
    updated = expect(
        room.alice.api.put(f"/posts/{p['id']}", {"id": p["id"], "message": "third"}), 200
    )
    assert updated["message"] == "third" and updated["is_pinned"] is False
    got = expect(room.bob.api.get(f"/posts/{p['id']}"), 200)
    assert got["message"] == "third" and got["edit_at"] == updated["edit_at"]


def test_edit_limits_and_permissions(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    p = post(room.alice, room.channel_id, "mine")
    url = f"/posts/{p['id']}/patch"
    r = room.alice.api.put(url, {"message": "x" * (MAX_POST + 1)})
    assert expect(r, 400)["id"] == "model.post.is_valid.message_length.app_error"
    expect(room.alice.api.put(url, {"message": "x" * MAX_POST}), 200)
    assert room.alice.api.put(url, {"message": ""}).status_code == 400
    assert room.alice.api.put(url, {"is_pinned": "maybe"}).status_code == 400
    assert room.alice.api.put(url, {"file_ids": ["bad"]}).status_code == 400
    # Channel admins may not edit others' posts; team and system admins may.
    assert expect(room.bob.api.put(url, {"message": "bob"}), 403)["id"] == (
        "api.context.permissions.app_error"
    )
    assert (
        expect(room.owner.api.put(url, {"message": "team admin"}), 200)["message"] == "team admin"
    )
    assert expect(admin.api.put(url, {"message": "sysadmin"}), 200)["message"] == "sysadmin"
    # Editing a post that is not there is a permission error, as in Mattermost.
    assert room.alice.api.put(f"/posts/{'e' * 26}/patch", {"message": "x"}).status_code == 403
    assert room.alice.api.put("/posts/bad/patch", {"message": "x"}).status_code == 400


def test_delete_post_and_thread(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    root = post(room.alice, room.channel_id, "root")
    r1 = post(room.bob, room.channel_id, "r1", root_id=root["id"])
    r2 = post(room.bob, room.channel_id, "r2", root_id=root["id"])
    # Others may not delete; the channel admin may.
    assert room.alice.api.delete(f"/posts/{r1['id']}").status_code == 403
    expect(room.owner.api.delete(f"/posts/{r1['id']}"), 200)
    got = expect(room.alice.api.get(f"/posts/{root['id']}"), 200)
    assert got["reply_count"] == 1 and got["last_reply_at"] == r2["create_at"]
    assert room.alice.api.get(f"/posts/{r1['id']}").status_code == 404
    assert room.owner.api.delete(f"/posts/{r1['id']}").status_code == 404
    # Deleting a root deletes its replies.
    assert expect(room.alice.api.delete(f"/posts/{root['id']}"), 200) == {"status": "OK"}
    assert room.alice.api.get(f"/posts/{r2['id']}").status_code == 404
    assert room.alice.api.delete("/posts/bad").status_code == 400
    mine = post(room.bob, room.channel_id, "mine")
    expect(admin.api.delete(f"/posts/{mine['id']}"), 200)


def test_pin_and_unpin(make_user: UserFactory) -> None:
    room = make_room(make_user)
    p1 = post(room.alice, room.channel_id, "pin me")
    p2 = post(room.alice, room.channel_id, "me too")
    post(room.alice, room.channel_id, "not me")
    # Any member may pin anyone's post.
    assert expect(room.bob.api.post(f"/posts/{p1['id']}/pin"), 200) == {"status": "OK"}
    expect(room.bob.api.post(f"/posts/{p2['id']}/pin"), 200)
    expect(room.bob.api.post(f"/posts/{p2['id']}/pin"), 200)  # again: no change, no error
    got = expect(room.alice.api.get(f"/posts/{p1['id']}"), 200)
    assert got["is_pinned"] is True and got["edit_at"] == 0
    pins = expect(room.alice.api.get(f"/channels/{room.channel_id}/pinned"), 200)
    assert pins["order"] == [p2["id"], p1["id"]] and set(pins["posts"]) == {p1["id"], p2["id"]}
    expect(room.alice.api.post(f"/posts/{p2['id']}/unpin"), 200)
    pins = expect(room.alice.api.get(f"/channels/{room.channel_id}/pinned"), 200)
    assert pins["order"] == [p1["id"]]
    assert make_user().api.post(f"/posts/{p1['id']}/pin").status_code == 403
    assert room.alice.api.post(f"/posts/{'f' * 26}/pin").status_code == 403
    stranger = make_user()
    assert stranger.api.get(f"/channels/{room.channel_id}/pinned").status_code == 403
    assert room.alice.api.get(f"/channels/{'f' * 26}/pinned").status_code == 404


def test_ephemeral_posts(make_user: UserFactory, admin: LoggedIn) -> None:
    room = make_room(make_user)
    body = {"user_id": room.alice.id, "post": {"channel_id": room.channel_id, "message": "psst"}}
    created = expect(admin.api.post("/posts/ephemeral", body), 201)
    assert created["type"] == "system_ephemeral" and created["message"] == "psst"
    assert created["user_id"] == admin.id and len(created["id"]) == 26
    # Not stored.
    assert admin.api.get(f"/posts/{created['id']}").status_code == 404
    assert room.alice.api.post("/posts/ephemeral", body).status_code == 403
    for bad in (
        {"post": body["post"]},
        {"user_id": room.alice.id},
        {"user_id": "bad", "post": body["post"]},
        {"user_id": room.alice.id, "post": {"channel_id": "bad", "message": "x"}},
        {"user_id": room.alice.id, "post": "text"},
    ):
        assert admin.api.post("/posts/ephemeral", bad).status_code == 400, bad


def test_posting_sets_the_poster_online_unless_asked_not_to(make_user: UserFactory) -> None:
    room = make_room(make_user)
    status = expect(room.alice.api.get(f"/users/{room.alice.id}/status"), 200)
    assert status["status"] == "offline"
    r = room.alice.api.post(
        "/posts",
        {"channel_id": room.channel_id, "message": "quiet"},
        params={"set_online": "false"},
    )
    expect(r, 201)
    assert expect(room.alice.api.get(f"/users/{room.alice.id}/status"), 200)["status"] == "offline"
    post(room.alice, room.channel_id, "hello")
    assert expect(room.alice.api.get(f"/users/{room.alice.id}/status"), 200)["status"] == "online"
