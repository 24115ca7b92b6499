"""Three nodes behind nginx, brought up by ``deploy/cluster``: clients on different nodes
see each other's events in order, and when a node is killed its clients reconnect
through nginx to a survivor and no acknowledged post is lost."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.server import free_port
from tests.support.ws import WsClient

ROOT = Path(__file__).resolve().parents[2]
NODES = 3
CLIENTS = 6


@dataclass
class NginxCluster:
    base: str
    run_dir: Path

    def node_pid(self, index: int) -> int:
        return int((self.run_dir / f"node-{index}.pid").read_text())


def _free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for _ in range(100):
        first = random.randint(20_000, 40_000)
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no run of free ports")


@pytest.fixture(scope="module")
def nginx_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxCluster]:
    run_dir = tmp_path_factory.mktemp("nginx-cluster")
    port = free_port()
    # As documented: a private primary with a streaming replica the nodes read from.
    env = dict(
        os.environ,
        ROOST_CLUSTER_DIR=str(run_dir),
        ROOST_CLUSTER_PORT=str(port),
        ROOST_NODE_PORT=str(_free_port_run(NODES)),
        # Not "node port + 1000": on a busy machine another test's server may hold it.
        ROOST_CLUSTER_ADMIN_PORT=str(_free_port_run(NODES)),
        ROOST_CLUSTER_REPLICA="1",
        ROOST_CLUSTER_PG_PORT=str(_free_port_run(2)),
        ROOST_REDIS_URL=os.environ.get("ROOST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        ROOST_REDIS_PREFIX=f"nginx-{uuid.uuid4().hex[:6]}",
        ROOST_PASSWORD_HASH_COST="4",
        ROOST_LOG_LEVEL="warning",
        ROOST_ENABLE_OPEN_SERVER="true",  # the clients sign up (closed by default)
    )
    env.pop("ROOST_DATABASE_URL", None)
    script = str(ROOT / "deploy" / "cluster")
    up = subprocess.run(
        [script, "up", str(NODES)], env=env, capture_output=True, text=True, timeout=300
    )
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield NginxCluster(f"http://127.0.0.1:{port}", run_dir)
    finally:
        subprocess.run([script, "down"], env=env, capture_output=True, timeout=60)


def _room(base: str) -> tuple[LoggedIn, list[LoggedIn], str]:
    poster = create_user(base)
    readers = [create_user(base) for _ in range(CLIENTS)]
    team = team_with(poster, *readers)
    channel = channel_with(poster, team["id"], *readers)
    return poster, readers, channel["id"]


def _messages(ws: WsClient, channel_id: str, wanted: int, timeout: float = 10) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while len(got) < wanted and time.monotonic() < deadline:
        frame = ws.wait_for("posted", timeout=max(0.1, deadline - time.monotonic()))
        if frame["broadcast"]["channel_id"] == channel_id:
            got.append(frame["data"]["post"])
    return got


def test_the_nodes_read_from_the_streaming_replica(nginx_cluster: NginxCluster) -> None:
    user = create_user(nginx_cluster.base)
    for _ in range(NODES * 2):  # least_conn spreads these over the nodes
        ping = expect(user.api.get("/system/ping", params={"get_server_status": "true"}), 200)
        assert ping["database_status"] == "OK" and ping["redis_status"] == "OK"
        assert ping["database_replicas_status"] == "OK"


def test_clients_on_different_nodes_see_each_others_events_in_order(
    nginx_cluster: NginxCluster,
) -> None:
    base = nginx_cluster.base
    create_user(base, username=f"admin-{uuid.uuid4().hex[:6]}")
    poster, readers, channel_id = _room(base)
    sockets = [WsClient(base, r.token) for r in readers]
    try:
        hosts = {ws.wait_for("hello")["data"]["server_hostname"] for ws in sockets}
        assert hosts  # every node reports the same host name here; spread is nginx's job
        sent = []
        for n in range(15):
            body = {"channel_id": channel_id, "message": f"ordered {n}"}
            sent.append(expect(poster.api.post("/posts", body), 201)["id"])
        for ws in sockets:
            got = _messages(ws, channel_id, len(sent))
            ids = [p.split('"id":"', 1)[1][:26] for p in got]
            assert ids == sent
    finally:
        for ws in sockets:
            ws.close()


@pytest.mark.timeout(180)
def test_a_killed_node_loses_no_acknowledged_post(nginx_cluster: NginxCluster) -> None:
    base = nginx_cluster.base
    poster, readers, channel_id = _room(base)
    sockets = [WsClient(base, r.token) for r in readers]
    for ws in sockets:
        ws.wait_for("hello")
    acknowledged: list[str] = []
    refused = 0

    def try_post(text: str) -> None:
        nonlocal refused
        r = poster.api.post("/posts", {"channel_id": channel_id, "message": text})
        if r.status_code == 201:
            acknowledged.append(r.json()["id"])
        else:
            refused += 1
            assert r.status_code in (502, 503, 504), r.text

    for n in range(10):
        try_post(f"before {n}")
    os.kill(nginx_cluster.node_pid(0), signal.SIGKILL)
    for n in range(30):
        try_post(f"after {n}")
    assert len(acknowledged) >= 35, (len(acknowledged), refused)

    # Every client whose node died reconnects through nginx (asking to resume) and gets
    # a hello from a survivor; the others keep their sockets.
    reconnected = 0
    for i, ws in enumerate(sockets):
        try:
            ws.wait_for("posted", lambda f: "after 29" in f["data"]["post"], timeout=5)
        except (ConnectionClosed, AssertionError):
            hello = ws.hello
            assert hello is not None
            fresh = WsClient(
                base,
                readers[i].token,
                connection_id=hello["data"]["connection_id"],
                sequence_number=ws.frames[-1].get("seq", 0) if ws.frames else 0,
            )
            fresh.wait_for("hello")
            sockets[i] = fresh
            reconnected += 1
    try_post("after the reconnects")
    for ws in sockets:
        ws.wait_for("posted", lambda f: "after the reconnects" in f["data"]["post"])
        ws.close()

    page = expect(poster.api.get(f"/channels/{channel_id}/posts", params={"per_page": 200}), 200)
    assert set(acknowledged) <= set(page["order"])
    assert reconnected >= 1, "no client was on the killed node"
