"""Mobile push through the push proxy's contract: who gets a push for a post (mentions,
direct and group messages, followed threads, @channel, account and channel levels,
mute, status, do-not-disturb), what the proxy receives, and the proxy's faults."""

from __future__ import annotations

import time
from typing import Any

from tests.notify.conftest import (
    NotifyServer,
    attach_device,
    channel_notify,
    patch_notify,
    set_status,
    settled,
)
from tests.support.chat import make_dm, make_group
from tests.support.client import expect
from tests.support.posting import make_room, post


def test_mention_pushes_the_mentioned_offline_user(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice_device, bob_device, owner_device = (
        attach_device(room.alice, "android_rn"),
        attach_device(room.bob),
        attach_device(room.owner, "apple_rn"),
    )
    set_status(room.alice, "offline")
    p = post(room.owner, room.channel_id, f"hello @{room.alice.username} look")
    [msg] = notify.proxy.wait(alice_device)
    assert msg["type"] == "message"
    assert msg["platform"] == "android_rn"
    assert msg["device_id"] == alice_device
    assert msg["post_id"] == p["id"]
    assert msg["channel_id"] == room.channel_id
    assert msg["team_id"] == room.team_id
    assert msg["sender_id"] == room.owner.id
    assert msg["sender_name"] == room.owner.username
    # full contents: "sender: message", the @ of mentions dropped
    assert msg["message"] == f"{room.owner.username}: hello {room.alice.username} look"
    assert msg["badge"] >= 1
    assert msg["ack_id"] and msg["server_id"] and msg["version"] == "v2"
    # bob was not mentioned (push level "mention"), the author is never told
    notify.proxy.quiet(bob_device, 0.5)
    notify.proxy.quiet(owner_device, 0.0)


def test_direct_message_pushes_the_other_user(notify: NotifyServer) -> None:
    a, b = notify.user(), notify.user()
    device = attach_device(b)
    set_status(b, "away")
    dm = make_dm(a, b)
    post(a, dm["id"], "are you there?")
    [msg] = notify.proxy.wait(device)
    assert msg["message"] == "are you there?"  # a direct message's text alone
    assert msg["channel_type"] == "D"
    assert msg["channel_name"] == f"@{a.username}"


def test_group_message_pushes_every_member(notify: NotifyServer) -> None:
    a, b, c = notify.user(), notify.user(), notify.user()
    devices = [attach_device(b), attach_device(c)]
    for u in (b, c):
        set_status(u, "offline")
    group = make_group(a, b, c)
    post(a, group["id"], "group hello")
    for device in devices:
        [msg] = notify.proxy.wait(device)
        assert msg["channel_type"] == "G"


def test_levels_mute_and_channel_mentions(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice, bob, outsider = room.alice, room.bob, room.outsider
    alice_device, bob_device, outsider_device = (
        attach_device(alice),
        attach_device(bob),
        attach_device(outsider),
    )
    for u in (alice, bob):
        set_status(u, "offline")
    patch_notify(alice, push="all")  # every post
    channel_notify(bob, room.channel_id, mark_unread="mention")  # muted
    post(room.owner, room.channel_id, "plain message")
    [msg] = notify.proxy.wait(alice_device)
    assert msg["message"].endswith("plain message")
    post(room.owner, room.channel_id, f"@{bob.username} you are muted")
    settled(notify)
    notify.proxy.quiet(bob_device, 0.3)
    # @channel reaches members who take channel mentions; never the outsider
    channel_notify(bob, room.channel_id, mark_unread="all")
    post(room.owner, room.channel_id, "@channel meeting")
    [msg] = notify.proxy.wait(bob_device)
    assert msg["message"].endswith("channel meeting")
    channel_notify(bob, room.channel_id, ignore_channel_mentions="on")
    post(room.owner, room.channel_id, "@all again")
    settled(notify)
    notify.proxy.quiet(bob_device, 0.3)
    # the channel's own level wins over the account's
    channel_notify(alice, room.channel_id, push="none")
    post(room.owner, room.channel_id, f"@{alice.username} not on this channel")
    notify.proxy.quiet(alice_device, 0.5)
    assert notify.proxy.messages(outsider_device) == []


def test_status_push_status_and_do_not_disturb(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    device = attach_device(alice)
    mention = f"@{alice.username} ping"
    set_status(alice, "online")  # push_status "away" (the default): online gets none
    post(room.owner, room.channel_id, mention)
    settled(notify)
    notify.proxy.quiet(device, 0.3)
    patch_notify(alice, push_status="online")
    post(room.owner, room.channel_id, mention + " 2")
    notify.proxy.wait(device, 1)
    set_status(alice, "dnd", dnd_end_time=int(time.time()) + 3600)
    post(room.owner, room.channel_id, mention + " 3")
    settled(notify)
    notify.proxy.quiet(device, 0.3)
    # do-not-disturb whose end time has passed no longer holds pushes back
    set_status(alice, "dnd", dnd_end_time=int(time.time()) - 5)
    post(room.owner, room.channel_id, mention + " 4")
    got = notify.proxy.wait(device, 2)
    assert got[1]["message"].endswith("ping 4")


def test_followed_thread_reply_pushes_followers(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice, bob = room.alice, room.bob
    device = attach_device(alice)
    set_status(alice, "offline")
    root = post(room.owner, room.channel_id, "a thread")
    post(alice, room.channel_id, "I take part", root_id=root["id"])  # alice now follows
    set_status(alice, "offline")
    post(bob, room.channel_id, "a reply", root_id=root["id"])
    [msg] = notify.proxy.wait(device)
    assert msg["root_id"] == root["id"]
    assert msg["message"] == f"{bob.username}: a reply"
    patch_notify(alice, push_threads="mention")
    post(bob, room.channel_id, "another reply", root_id=root["id"])
    notify.proxy.quiet(device, 0.8)


def test_reading_a_channel_clears_every_device(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    phone, tablet = attach_device(alice), attach_device(notify.user())  # another user's
    set_status(alice, "offline")
    post(room.owner, room.channel_id, f"@{alice.username} read me")
    notify.proxy.wait(phone, 1, kind="message")
    expect(
        alice.api.post(f"/channels/members/{alice.id}/view", {"channel_id": room.channel_id}),
        200,
    )
    [clear] = notify.proxy.wait(phone, 1, kind="clear")
    assert clear["channel_id"] == room.channel_id
    assert clear["badge"] == 0
    assert notify.proxy.messages(tablet) == []


def test_proxy_remove_drops_the_device(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    device = attach_device(alice)
    set_status(alice, "offline")
    notify.proxy.answer(device, (200, {"status": "REMOVE", "error": "unregistered"}))
    post(room.owner, room.channel_id, f"@{alice.username} first")
    notify.proxy.wait(device, 1)  # answered REMOVE
    sessions = expect(alice.api.get(f"/users/{alice.id}/sessions"), 200)
    deadline = time.monotonic() + 10
    while any(s["device_id"] for s in sessions) and time.monotonic() < deadline:
        time.sleep(0.1)
        sessions = expect(alice.api.get(f"/users/{alice.id}/sessions"), 200)
    assert all(s["device_id"] == "" for s in sessions)
    post(room.owner, room.channel_id, f"@{alice.username} second")
    notify.proxy.quiet(device, 0.8)
    assert len(notify.proxy.messages(device)) == 1


def test_proxy_errors_are_retried_without_duplicates(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    device = attach_device(alice)
    set_status(alice, "offline")
    notify.proxy.answer(device, (500, {"status": "FAIL"}), (503, {}))
    p = post(room.owner, room.channel_id, f"@{alice.username} despite errors")
    [msg] = notify.proxy.wait(device, 1)
    assert msg["post_id"] == p["id"]
    notify.proxy.quiet(device, 1.0)  # delivered once


def test_proxy_refusal_is_final_and_listed_to_admins(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    device = attach_device(alice)
    set_status(alice, "offline")
    notify.proxy.answer(device, (400, {"status": "FAIL", "error": "bad token"}))
    post(room.owner, room.channel_id, f"@{alice.username} refused")
    failed = [wait_failed(notify, alice.id)]
    assert failed[0]["kind"] == "push"
    assert "400" in failed[0]["last_error"]
    assert "payload" not in failed[0]
    assert notify.proxy.messages(device) == []
    expect(alice.api.get("/notifications/outbox"), 403)


def test_malformed_device_id_is_skipped(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    expect(alice.api.put("/users/sessions/device", {"device_id": "no-platform-here"}), 200)
    good = attach_device(room.bob)
    set_status(room.bob, "offline")
    set_status(alice, "offline")
    post(room.owner, room.channel_id, f"@{alice.username} @{room.bob.username} both")
    notify.proxy.wait(good, 1)
    failed = wait_failed(notify, alice.id)
    assert failed["kind"] == "push" and "device id" in failed["last_error"]


def wait_failed(notify: NotifyServer, user_id: str) -> dict[str, Any]:
    """The failed notification for the user, as the admin's outbox view lists it."""
    deadline = time.monotonic() + 10
    while True:
        status = expect(notify.admin.api.get("/notifications/outbox"), 200)
        failed = [f for f in status["failed"] if f["user_id"] == user_id]
        if failed:
            return dict(failed[0])
        assert time.monotonic() < deadline, "no failed notification listed"
        time.sleep(0.1)


def test_ack_returns_the_contents_of_an_id_loaded_push(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    p = post(room.owner, room.channel_id, f"@{room.alice.username} secret text")
    ack = {"id": "ack1", "platform": "android_rn", "type": "message", "post_id": p["id"]}
    got = expect(room.alice.api.post("/notifications/ack", {**ack, "is_id_loaded": True}), 200)
    assert got["message"] == f"{room.owner.username}: {room.alice.username} secret text"
    assert got["post_id"] == p["id"] and got["channel_id"] == room.channel_id
    assert got["ack_id"] == "ack1"
    # a plain acknowledgement is only noted
    assert expect(room.alice.api.post("/notifications/ack", ack), 200) == {"status": "OK"}
    # someone who cannot read the channel learns nothing
    private = make_room(notify.user, channel_type="P")
    hidden = post(private.owner, private.channel_id, "private words")
    r = room.outsider.api.post(
        "/notifications/ack", {**ack, "post_id": hidden["id"], "is_id_loaded": True}
    )
    assert r.status_code == 403
    assert "private words" not in r.text
    bad = expect(room.alice.api.post("/notifications/ack", {"post_id": p["id"]}), 400)
    assert bad["id"] == "api.push_notifications_ack.message.parse.app_error"
