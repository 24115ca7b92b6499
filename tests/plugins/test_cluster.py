"""Two nodes sharing PostgreSQL and Redis: a plugin change made on one node takes effect
on both, the key-value store is one store, and plugin cluster events cross nodes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.cluster.conftest import Cluster, cluster_env
from tests.plugins.bundles import bundle, eventually, status, upload
from tests.plugins.conftest import PLUGIN_ENV
from tests.plugins.test_plugin_api import KV
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import postgres_database
from tests.support.posting import post
from tests.support.server import running_server

CLUSTER_EVENTS = KV.replace(
    "    async def serve_http(",
    """    async def on_plugin_cluster_event(self, event_id, data):
        await self.api.kv_set("heard:" + event_id, json.dumps(data).encode())

    async def serve_http(""",
).replace(
    '        if request.path == "/notify":',
    """        if request.path == "/broadcast":
            await api.publish_plugin_cluster_event(args["id"], {"n": args["n"]})
            return reply("ok")
        if request.path == "/notify":""",
)


@pytest.fixture(scope="module")
def plugin_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data_dir: Path = tmp_path_factory.mktemp("roost-plugin-cluster")
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}"
    # A slow re-read of plugin state: what the other node does, it hears through Redis.
    env = {**PLUGIN_ENV, **cluster_env(prefix), "ROOST_PLUGIN_HEALTH_CHECK_SECONDS": "600"}
    for i in range(2):
        (data_dir / f"node{i}").mkdir()  # separate disks, as on separate machines
    with postgres_database() as url, ExitStack() as stack:
        nodes = [
            stack.enter_context(running_server(url, data_dir / f"node{i}", env)) for i in range(2)
        ]
        yield Cluster(nodes, url, prefix)


@pytest.fixture(scope="module")
def admin(plugin_cluster: Cluster) -> LoggedIn:
    return create_user(plugin_cluster.nodes[0], username="admin0")


def test_enable_configure_disable_on_one_node_reaches_the_other(
    plugin_cluster: Cluster, admin: LoggedIn
) -> None:
    admin_2 = plugin_cluster.on(admin, 1)
    team = team_with(admin)
    channel = channel_with(admin, team["id"])

    settings = {"prefixes": "OPS", "url_template": "https://t.example.com/{id}"}
    expect(admin.api.put("/plugins/roost.autolink/settings", settings), 200)
    expect(admin.api.post("/plugins/roost.autolink/enable"), 200)
    assert eventually(lambda: status(admin_2, "roost.autolink").get("state") == 2, 5)
    assert (
        post(admin_2, channel["id"], "OPS-1")["message"] == "[OPS-1](https://t.example.com/OPS-1)"
    )

    new = {"prefixes": "OPS", "url_template": "https://new.example.com/{id}"}
    expect(admin_2.api.put("/plugins/roost.autolink/settings", new), 200)
    assert eventually(
        lambda: (
            post(admin, channel["id"], "OPS-2")["message"]
            == "[OPS-2](https://new.example.com/OPS-2)"
        ),
        5,
    )
    expect(admin_2.api.post("/plugins/roost.autolink/disable"), 200)
    assert eventually(lambda: post(admin, channel["id"], "OPS-3")["message"] == "OPS-3", 5)


def test_shared_key_value_store_and_cluster_events(
    plugin_cluster: Cluster, admin: LoggedIn
) -> None:
    admin_2 = plugin_cluster.on(admin, 1)
    # An uploaded bundle is stored once and unpacked by every node.
    expect(upload(admin, bundle("test.cluster", CLUSTER_EVENTS)), 201)
    expect(admin.api.post("/plugins/test.cluster/enable"), 200)

    def running(node: LoggedIn) -> bool:
        return status(node, "test.cluster").get("state") == 2

    def gone(node: LoggedIn) -> bool:
        return status(node, "test.cluster") == {}

    for node in (admin, admin_2):
        assert eventually(partial(running, node), 5)

    def call(node: int, path: str, body: object = None) -> httpx.Response:
        url = f"{plugin_cluster.nodes[node]}/plugins/test.cluster{path}"
        return httpx.post(url, json=body or {}, timeout=15)

    call(0, "/clear")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: call(i % 2, "/incr"), range(30)))
    assert sorted(r.json()["value"] for r in results) == list(range(1, 31))
    assert call(1, "/get", {"key": "counter"}).json() == "30"

    expect(call(0, "/broadcast", {"id": "hello", "n": 7}), 200)
    assert eventually(lambda: call(0, "/get", {"key": "heard:hello"}).json() == '{"n": 7}', 5)

    expect(admin_2.api.delete("/plugins/test.cluster"), 200)
    for node in (admin, admin_2):
        assert eventually(partial(gone, node), 5)


def test_statuses_cover_every_node(plugin_cluster: Cluster, admin: LoggedIn) -> None:
    """/plugins/statuses on either node reports each plugin on both nodes (each node
    answers for its own)."""
    admin_2 = plugin_cluster.on(admin, 1)
    expect(upload(admin, bundle("test.everywhere", KV)), 201)
    expect(admin.api.post("/plugins/test.everywhere/enable"), 200)

    def rows(node: LoggedIn) -> list[dict[str, object]]:
        listed = expect(node.api.get("/plugins/statuses"), 200)
        return [r for r in listed if r["plugin_id"] == "test.everywhere"]

    def on_both(node: LoggedIn) -> bool:
        return [r["state"] for r in rows(node)] == [2, 2]

    def on_neither(node: LoggedIn) -> bool:
        return rows(node) == []

    try:
        for node in (admin, admin_2):
            assert eventually(partial(on_both, node), 5)
            nodes = {r["cluster_id"] for r in rows(node)}
            assert len(nodes) == 2
        # Each node lists itself first: the two answers name the same two nodes.
        assert {r["cluster_id"] for r in rows(admin)} == {r["cluster_id"] for r in rows(admin_2)}
        assert rows(admin)[0]["cluster_id"] != rows(admin_2)[0]["cluster_id"]
        # Bundled plugins that are not enabled: not running, on both nodes.
        listed = expect(admin.api.get("/plugins/statuses"), 200)
        assert [r["state"] for r in listed if r["plugin_id"] == "roost.polls"] == [0, 0]
    finally:
        expect(admin_2.api.delete("/plugins/test.everywhere"), 200)
    for node in (admin, admin_2):
        assert eventually(partial(on_neither, node), 5)
