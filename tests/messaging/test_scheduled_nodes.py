"""Two nodes on one PostgreSQL database and one Redis: scheduled posts and reminders are
each sent exactly once, when the node that accepted them is killed before their time,
and when both nodes are polling as they come due."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import cluster_env
from tests.messaging.conftest import MESSAGING_ENV
from tests.messaging.pages import wait_until
from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.databases import postgres_database
from tests.support.posting import post
from tests.support.server import ServerProcess, server_process

COUNT = 20


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    data_dir: Path = tmp_path_factory.mktemp("roost-messaging-nodes")
    env = {**MESSAGING_ENV, **cluster_env(f"roost-test-{uuid.uuid4().hex[:8]}")}
    with postgres_database() as url:
        yield url, data_dir, env


def on(user: LoggedIn, node: ServerProcess) -> LoggedIn:
    return LoggedIn(
        user.id, user.username, user.email, user.token, Api(node.base, user.token), user.raw
    )


def channel_messages(user: LoggedIn, channel_id: str) -> list[str]:
    listed = expect(user.api.get(f"/channels/{channel_id}/posts", params={"per_page": 200}), 200)
    return [listed["posts"][i]["message"] for i in listed["order"]]


def reminders_of(user: LoggedIn) -> list[str]:
    """The post ids bob's reminder DMs are about."""
    channels = expect(user.api.get(f"/users/{user.id}/channels"), 200)
    found: list[str] = []
    for channel in channels:
        if channel["type"] != "D":
            continue
        listed = expect(
            user.api.get(f"/channels/{channel['id']}/posts", params={"per_page": 200}), 200
        )
        found += [
            p["props"]["post_id"] for p in listed["posts"].values() if p["type"] == "reminder"
        ]
    return found


def setup_room(base: str) -> tuple[LoggedIn, LoggedIn, str, list[dict[str, Any]]]:
    alice, bob = create_user(base), create_user(base)
    team = make_team(alice)
    join_team(alice, team["id"], bob)
    channel = make_channel(alice, team["id"])
    add_to_channel(alice, channel["id"], bob)
    said = [post(alice, channel["id"], f"note {i}") for i in range(COUNT)]
    return alice, bob, channel["id"], said


def test_sent_once_when_the_accepting_node_is_killed(
    shared: tuple[str, Path, dict[str, str]],
) -> None:
    url, data_dir, env = shared
    with ExitStack() as stack:
        a = stack.enter_context(server_process(url, data_dir, env))
        b = stack.enter_context(server_process(url, data_dir, env))
        create_user(a.base, username=f"nodesadmin{uuid.uuid4().hex[:6]}")
        alice, bob, channel_id, said = setup_room(a.base)
        # Ahead enough for 40 requests on a loaded machine (checked below).
        due = int(time.time() * 1000) + 15_000
        for i in range(COUNT):
            body = {"channel_id": channel_id, "message": f"later {i}", "scheduled_at": due}
            expect(alice.api.post("/posts/schedule", body), 201)
            r = bob.api.post(
                f"/users/{bob.id}/posts/{said[i]['id']}/reminder", {"target_time": due // 1000 + 1}
            )
            expect(r, 200)
        # Node a accepted them all; it dies before any is due.
        assert time.time() * 1000 < due - 1000, "scheduling took too long to test this"
        a.proc.kill()
        a.proc.wait()
        alice_b, bob_b = on(alice, b), on(bob, b)
        wanted = {f"later {i}" for i in range(COUNT)}
        wait_until(
            lambda: wanted <= set(channel_messages(alice_b, channel_id)),
            timeout=30,
            what="the scheduled posts, sent by the other node",
        )
        wait_until(lambda: len(set(reminders_of(bob_b))) == COUNT, timeout=30, what="the reminders")
        # Nothing left to send, and nothing sent twice.
        wait_until(
            lambda: (
                not expect(
                    alice_b.api.get(f"/posts/scheduled/team/{team_of(alice_b, channel_id)}"), 200
                ).popitem()[1]
            ),
            what="an empty schedule",
        )
        sent = Counter(m for m in channel_messages(alice_b, channel_id) if m.startswith("later"))
        assert set(sent.values()) == {1} and len(sent) == COUNT
        assert sorted(reminders_of(bob_b)) == sorted(p["id"] for p in said)


def team_of(user: LoggedIn, channel_id: str) -> str:
    return str(expect(user.api.get(f"/channels/{channel_id}"), 200)["team_id"])


def test_sent_once_with_both_nodes_polling(shared: tuple[str, Path, dict[str, str]]) -> None:
    url, data_dir, env = shared
    with ExitStack() as stack:
        a = stack.enter_context(server_process(url, data_dir, env))
        b = stack.enter_context(server_process(url, data_dir, env))
        alice, bob, channel_id, said = setup_room(a.base)
        # Each due a little after it is made: they fall due while both nodes poll.
        for i in range(COUNT * 2):
            node = a if i % 2 else b
            due = int(time.time() * 1000) + 2000
            body = {"channel_id": channel_id, "message": f"both {i}", "scheduled_at": due}
            expect(on(alice, node).api.post("/posts/schedule", body), 201)
        for i in range(COUNT):
            r = on(bob, b if i % 2 else a).api.post(
                f"/users/{bob.id}/posts/{said[i]['id']}/reminder",
                {"target_time": int(time.time()) + 2},
            )
            expect(r, 200)
        wait_until(
            lambda: (
                sum(m.startswith("both") for m in channel_messages(alice, channel_id)) >= COUNT * 2
            ),
            timeout=30,
            what="every scheduled post",
        )
        wait_until(lambda: len(reminders_of(bob)) >= COUNT, timeout=30, what="every reminder")
        sent = Counter(m for m in channel_messages(alice, channel_id) if m.startswith("both"))
        assert set(sent.values()) == {1} and len(sent) == COUNT * 2
        assert Counter(reminders_of(bob)) == Counter(p["id"] for p in said)
