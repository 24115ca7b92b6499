"""Large threads: the followers' counters move in a job after the reply commits.

The server here defers every thread with more than one member
(ROOST_THREAD_FANOUT_INLINE_MAX=1), so small rooms take the path that large threads
take in production. Counts converge to exactly what the inline path gives, however
replies, read marks and deletes interleave with the jobs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_threads import Room, make_room
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import post
from tests.support.server import running_server
from tests.support.ws import WsClient

UserFactory = Callable[..., LoggedIn]


@pytest.fixture(scope="module")
def deferring_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-deferred-{backend}")
    env = {"ROOST_THREAD_FANOUT_INLINE_MAX": "1"}
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base, username="admin0")
        yield base


@pytest.fixture
def room(deferring_server: str) -> Room:
    return make_room(lambda **fields: create_user(deferring_server, **fields))


def thread_of(user: LoggedIn, team_id: str, root_id: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(
        user.api.get(f"/users/{user.id}/teams/{team_id}/threads/{root_id}"), 200
    )
    return found


def settles(check: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait until ``check`` holds: the jobs run right after each commit."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the thread's counters did not settle"
        time.sleep(0.05)


def counts(user: LoggedIn, r: Room, root_id: str) -> tuple[int, int]:
    view = thread_of(user, r.team_id, root_id)
    return view["unread_replies"], view["unread_mentions"]


def test_followers_are_updated_and_told(deferring_server: str, room: Room) -> None:
    r = room
    root = post(r.alice, r.channel_id, "root")
    post(r.bob, r.channel_id, "first", root_id=root["id"])
    settles(lambda: counts(r.alice, r, root["id"]) == (1, 0))
    with WsClient(deferring_server, r.alice.token) as ws:
        ws.wait_for("hello")
        reply = post(r.bob, r.channel_id, f"@{r.alice.username} second", root_id=root["id"])
        posted = ws.wait_for("posted", lambda f: json.loads(f["data"]["post"])["id"] == reply["id"])
        assert sorted(json.loads(posted["data"]["followers"])) == sorted([r.alice.id, r.bob.id])
        updated = ws.wait_for(
            "thread_updated", lambda f: json.loads(f["data"]["thread"])["reply_count"] == 2
        )
        thread = json.loads(updated["data"]["thread"])
        assert (thread["unread_replies"], thread["unread_mentions"]) == (2, 1)
        assert updated["data"]["previous_unread_replies"] == 1
    assert counts(r.alice, r, root["id"]) == (2, 1)
    assert counts(r.bob, r, root["id"]) == (0, 0)


def test_concurrent_replies_converge_exactly(room: Room) -> None:
    r = room
    root = post(r.alice, r.channel_id, "a busy thread")
    writers, per_writer = [r.bob, r.carol, r.dave], 12

    def write(user: LoggedIn) -> None:
        for i in range(per_writer):
            post(user, r.channel_id, f"{i} @{r.alice.username}", root_id=root["id"])

    with ThreadPoolExecutor(len(writers)) as pool:
        list(pool.map(write, writers))
    total = per_writer * len(writers)
    settles(lambda: counts(r.alice, r, root["id"]) == (total, total))
    for user in writers:
        unread, mentions = counts(user, r, root["id"])
        assert 0 <= unread <= total - per_writer and mentions == 0


def test_read_marks_and_deletes_never_count_twice(room: Room) -> None:
    r = room
    root = post(r.alice, r.channel_id, "root")
    base = f"/users/{r.alice.id}/teams/{r.team_id}/threads/{root['id']}"
    replies = [post(r.bob, r.channel_id, f"reply {i}", root_id=root["id"]) for i in range(6)]
    # Straight after the replies, jobs may still be waiting: the recount applies them.
    marked = expect(r.alice.api.post(f"{base}/set_unread/{replies[2]['id']}"), 200)
    assert marked["unread_replies"] == 4
    time.sleep(0.3)
    assert counts(r.alice, r, root["id"]) == (4, 0)
    late = post(r.carol, r.channel_id, "late", root_id=root["id"])
    expect(r.carol.api.delete(f"/posts/{late['id']}"), 200)
    expect(r.bob.api.delete(f"/posts/{replies[5]['id']}"), 200)
    settles(lambda: counts(r.alice, r, root["id"]) == (3, 0))
    time.sleep(0.3)
    assert counts(r.alice, r, root["id"]) == (3, 0)
    read = expect(r.alice.api.put(f"{base}/read/{replies[4]['create_at']}"), 200)
    assert read["unread_replies"] == 0
