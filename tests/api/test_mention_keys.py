"""A user's own mention keys and first name count as mentions, like @username; the
per-channel index of keys follows profile and channel-setting changes at once."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, member, post

UserFactory = Callable[..., LoggedIn]


def set_notify(user: LoggedIn, **props: str) -> None:
    expect(user.api.put(f"/users/{user.id}/patch", {"notify_props": props}), 200)


def mentions(user: LoggedIn, channel_id: str) -> int:
    count: int = member(user, channel_id, user.id)["mention_count"]
    return count


def test_custom_keys_and_first_name(make_user: UserFactory) -> None:
    room = make_room(make_user)
    # Index the channel before the keys exist: the change must reach it.
    post(room.owner, room.channel_id, "warming up")
    set_notify(room.alice, mention_keys="Deploy,on-call rota", first_name="true")
    expect(room.alice.api.put(f"/users/{room.alice.id}/patch", {"first_name": "Alicia"}), 200)
    post(room.owner, room.channel_id, "the deploy failed")
    post(room.owner, room.channel_id, "who is on the ON-CALL ROTA today?")
    post(room.owner, room.channel_id, "alicia, can you look?")
    # Not whole words, or inside code: no mention.
    post(room.owner, room.channel_id, "redeployed; `deploy` again; ```\ndeploy\n```")
    assert mentions(room.alice, room.channel_id) == 3
    assert mentions(room.bob, room.channel_id) == 0


def test_keys_in_a_reply_make_the_user_follow(make_user: UserFactory) -> None:
    room = make_room(make_user)
    set_notify(room.bob, mention_keys="database")
    root = post(room.owner, room.channel_id, "root")
    post(room.alice, room.channel_id, "the database is slow", root_id=root["id"])
    threads = expect(room.bob.api.get(f"/users/{room.bob.id}/teams/{room.team_id}/threads"), 200)
    assert [t["id"] for t in threads["threads"]] == [root["id"]]
    assert threads["threads"][0]["unread_mentions"] == 1


def test_turning_off_channel_mentions_applies_at_once(make_user: UserFactory) -> None:
    room = make_room(make_user)
    post(room.owner, room.channel_id, "@channel first")
    assert mentions(room.alice, room.channel_id) == 1
    set_notify(room.alice, channel="false")
    post(room.owner, room.channel_id, "@all second")
    assert mentions(room.alice, room.channel_id) == 1


def test_keys_are_bounded(make_user: UserFactory) -> None:
    room = make_room(make_user)
    many = ",".join(f"key{i}" for i in range(80))
    set_notify(room.alice, mention_keys=many)
    # Only the first 50 keys count: key79 does not, key10 does.
    post(room.owner, room.channel_id, "key79 only")
    assert mentions(room.alice, room.channel_id) == 0
    post(room.owner, room.channel_id, "key10 now")
    assert mentions(room.alice, room.channel_id) == 1
