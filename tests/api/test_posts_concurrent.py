"""Many posts at once: group commit must keep every counter exact."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post

PER_POSTER = 15


def test_concurrent_posts_keep_counters_exact(make_user: Callable[..., LoggedIn]) -> None:
    room = make_room(make_user)
    root = post(room.owner, room.channel_id, "thread root")
    posters = [room.owner, room.alice]

    def burst(user: LoggedIn) -> list[dict[str, object]]:
        made = []
        for i in range(PER_POSTER):
            fields = {"root_id": root["id"]} if i % 3 == 0 else {}
            made.append(post(user, room.channel_id, f"@{room.bob.username} n{i}", **fields))
        return made

    with ThreadPoolExecutor(len(posters)) as pool:
        results = [p for batch in pool.map(burst, posters) for p in batch]

    total = 1 + len(results)
    replies = sum(1 for p in results if p["root_id"])
    channel = expect(room.owner.api.get(f"/channels/{room.channel_id}"), 200)
    assert channel["total_msg_count"] == total
    assert channel["total_msg_count_root"] == total - replies
    assert channel["last_post_at"] == max(p["create_at"] for p in [root, *results])
    assert expect(room.owner.api.get(f"/posts/{root['id']}"), 200)["reply_count"] == replies
    page = expect(
        room.bob.api.get(f"/channels/{room.channel_id}/posts", params={"per_page": 200}), 200
    )
    # The room's own system posts (its making: joins and adds) count no messages.
    people = [i for i in page["order"] if not page["posts"][i]["type"].startswith("system_")]
    assert len(people) == total
    # Bob read nothing and was mentioned in every post after the root.
    bob = expect(room.bob.api.get(f"/users/me/channels/{room.channel_id}/unread"), 200)
    assert bob["msg_count"] == total
    assert bob["mention_count"] == len(results)
    assert bob["mention_count_root"] == len(results) - replies
    # Each poster has read up to their own last post, and is never mentioned by it.
    for user in posters:
        mine = expect(user.api.get(f"/users/me/channels/{room.channel_id}/unread"), 200)
        assert 0 <= mine["msg_count"] < total
        assert mine["mention_count"] == 0
