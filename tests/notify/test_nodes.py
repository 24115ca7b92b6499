"""Two nodes on one PostgreSQL database (and one Redis) work one outbox: every push is
sent once, whichever node wrote the post and whichever node's worker claims it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.cluster.conftest import Cluster, cluster_env
from tests.notify.conftest import attach_device, notify_env, set_status
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer
from tests.support.client import create_user
from tests.support.databases import postgres_database
from tests.support.posting import make_room, post
from tests.support.server import running_server

POSTS = 60


@pytest.fixture(scope="module")
def nodes(
    tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> Iterator[Cluster]:
    data_dir: Path = tmp_path_factory.mktemp("roost-notify-nodes")
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}"
    env = {**notify_env(proxy, smtp), **cluster_env(prefix)}
    with postgres_database() as url, ExitStack() as stack:
        bases = [stack.enter_context(running_server(url, data_dir, env)) for _ in range(2)]
        yield Cluster(bases, url, prefix)


def test_each_push_is_sent_once_by_one_of_the_nodes(nodes: Cluster, proxy: PushProxy) -> None:
    create_user(nodes.nodes[0], username=f"admin{uuid.uuid4().hex[:6]}")
    room = make_room(lambda **kw: create_user(nodes.nodes[0], **kw))
    device = attach_device(room.alice)
    set_status(room.alice, "offline")
    writers = [nodes.on(room.owner, 0), nodes.on(room.bob, 1)]

    def write(i: int) -> str:
        return str(post(writers[i % 2], room.channel_id, f"@{room.alice.username} n{i}")["id"])

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(write, range(POSTS)))
    got = proxy.wait(device, POSTS, timeout=60)
    proxy.quiet(device, 1.5)
    got = proxy.messages(device)
    assert sorted(m["post_id"] for m in got) == sorted(ids)  # each once, none lost
