"""Redis goes away and comes back: nodes keep serving their own clients meanwhile, then
reconnect by themselves, and events flow between them again."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.support.chat import channel_with, team_with
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.posting import post
from tests.support.server import free_port, running_server
from tests.support.ws import WsClient

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_on(port: int, workdir: Path) -> Iterator[None]:
    """A private Redis server this test may stop and start."""
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
            )
            if ping.stdout.strip() == "PONG":
                break
            time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def _on(user: LoggedIn, base: str) -> LoggedIn:
    return LoggedIn(user.id, user.username, user.email, user.token, Api(base, user.token), user.raw)


@pytest.mark.timeout(120)
def test_nodes_survive_a_redis_restart(tmp_path: Path) -> None:
    from tests.support.databases import postgres_database

    port = free_port()
    env = {
        "ROOST_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "ROOST_REDIS_PREFIX": f"outage-{uuid.uuid4().hex[:6]}",
    }
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database())
        redis_ctx = redis_on(port, tmp_path)
        redis_ctx.__enter__()
        try:
            nodes = [stack.enter_context(running_server(url, tmp_path, env)) for _ in range(2)]
            alice = create_user(nodes[0], username="admin0")
            bob = create_user(nodes[0])
            team = team_with(alice, bob)
            channel = channel_with(alice, team["id"], bob)
            bob_on_2 = _on(bob, nodes[1])
            ws = stack.enter_context(WsClient(nodes[0], alice.token))
            ws.wait_for("hello")
            post(bob_on_2, channel["id"], "before the outage")
            ws.wait_for("posted")
        finally:
            redis_ctx.__exit__(None, None, None)

        # Redis is down: both nodes keep answering, and a node's own clients still get
        # its events.
        expect(bob_on_2.api.get("/users/me"), 200)
        post(alice, channel["id"], "during the outage, same node")
        got = ws.wait_for("posted")
        assert "during the outage, same node" in got["data"]["post"]
        post(bob_on_2, channel["id"], "during the outage, other node")

        with redis_on(port, tmp_path):
            # The nodes reconnect by themselves; posts from node 2 reach node 1's client.
            deadline = time.monotonic() + 20
            seen = False
            n = 0
            while time.monotonic() < deadline and not seen:
                n += 1
                post(bob_on_2, channel["id"], f"after the outage {n}")
                try:
                    ws.wait_for("posted", lambda f: "after the outage" in f["data"]["post"], 0.5)
                    seen = True
                except AssertionError:
                    continue
            assert seen, "events did not flow again after Redis came back"
