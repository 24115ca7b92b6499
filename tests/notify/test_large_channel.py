"""@channel in a channel of more than 200 members: the post's job carries the few members
the mention misses rather than the many it reaches (``app/posts/posts.py``); who gets a
push must be exactly as in a small channel."""

from __future__ import annotations

import uuid

from tests.notify.conftest import NotifyServer, attach_device, channel_notify, set_status, settled
from tests.support.client import expect, unique
from tests.support.posting import make_room, post

EXTRA_MEMBERS = 230  # with the room's four: over 200 mentioned, most of the channel


def test_channel_mention_in_a_large_channel_reaches_exactly_whom_it_should(
    notify: NotifyServer,
) -> None:
    room = make_room(notify.user)
    owner = room.owner
    ids = []
    for _ in range(EXTRA_MEMBERS):
        name = unique("crowd")
        body = {"username": name, "email": f"{name}@example.com", "password": uuid.uuid4().hex}
        ids.append(expect(owner.api.post("/users", body), 201)["id"])
    expect(
        owner.api.post(
            f"/teams/{room.team_id}/members/batch",
            [{"team_id": room.team_id, "user_id": i} for i in ids],
        ),
        201,
    )
    for start in range(0, len(ids), 100):
        expect(
            owner.api.post(
                f"/channels/{room.channel_id}/members", {"user_ids": ids[start : start + 100]}
            ),
            201,
        )
    alice_device, bob_device, owner_device, outsider_device = (
        attach_device(room.alice),
        attach_device(room.bob),
        attach_device(owner),
        attach_device(room.outsider),
    )
    for user in (room.alice, room.bob, owner, room.outsider):
        set_status(user, "offline")
    channel_notify(room.bob, room.channel_id, ignore_channel_mentions="on")

    sent = post(owner, room.channel_id, "@channel the large meeting")
    [msg] = notify.proxy.wait(alice_device)
    assert msg["post_id"] == sent["id"]
    assert msg["message"].endswith("the large meeting")
    settled(notify)
    # Bob ignores channel mentions, the sender is never told of their own post, and the
    # outsider is in no such channel.
    for device in (bob_device, owner_device, outsider_device):
        notify.proxy.quiet(device, 0.3)
    # Named explicitly, Bob is told even though he ignores @channel.
    named = post(owner, room.channel_id, f"@channel and @{room.bob.username} too")
    [msg] = notify.proxy.wait(bob_device)
    assert msg["post_id"] == named["id"]
