"""The official ``@mattermost/client`` WebSocketClient (what the web app runs) on a node
whose bus lost events (Redis killed and restarted empty): the fresh ``hello`` on its
open socket makes it call its missed-message listeners, where the web app reloads its
state, and it keeps the socket and goes on receiving events (no close, no sequence
mismatch)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.clients.runner import HERE
from tests.support.chat import channel_with, team_with
from tests.support.client import create_user
from tests.support.databases import postgres_database
from tests.support.posting import post
from tests.support.redis_server import PrivateRedis
from tests.support.server import free_port, running_server


def _install_js_clients() -> None:
    """The npm half of scripts/setup-clients (the Python clients are not needed here)."""
    js = HERE / "js"
    if not (js / "node_modules" / "@mattermost" / "client").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=js, check=True
        )


class JsListener:
    def __init__(self, base: str, token: str) -> None:
        env = {**os.environ, "ROOST_URL": base, "ROOST_TOKEN": token}
        self.proc = subprocess.Popen(
            ["node", str(HERE / "js" / "gap_listener.js")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(json.loads(line))

    def kinds(self) -> list[str]:
        return [str(line["kind"]) for line in self.lines]

    def wait(self, check: Any, within: float = 20.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.mark.timeout(150)
def test_the_official_client_reloads_on_a_fresh_hello_and_keeps_its_socket(
    tmp_path: Path,
) -> None:
    _install_js_clients()
    redis = PrivateRedis(free_port(), tmp_path)
    env = {"ROOST_REDIS_URL": redis.url, "ROOST_REDIS_PREFIX": f"js-{uuid.uuid4().hex[:6]}"}
    redis.start()
    with ExitStack() as stack:
        stack.callback(redis.kill)
        url = stack.enter_context(postgres_database())
        nodes = [stack.enter_context(running_server(url, tmp_path, env)) for _ in range(2)]
        alice, bob = create_user(nodes[0], username="admin0"), create_user(nodes[0])
        channel = channel_with(alice, team_with(alice, bob)["id"], bob)
        listener = JsListener(nodes[0], bob.token)
        stack.callback(listener.stop)
        assert listener.wait(lambda: "hello" in listener.kinds())
        first = post(alice, channel["id"], "before")
        assert listener.wait(lambda: any(ln.get("id") == first["id"] for ln in listener.lines))

        redis.kill()
        time.sleep(1.0)
        redis.start()
        # Node 0's bus finds the stream gone and tells its clients.
        assert listener.wait(lambda: "missed" in listener.kinds()), listener.kinds()
        after = post(alice, channel["id"], "after")
        assert listener.wait(lambda: any(ln.get("id") == after["id"] for ln in listener.lines))

        hellos = [ln for ln in listener.lines if ln["kind"] == "hello"]
        assert len(hellos) == 2 and hellos[0]["connection_id"] != hellos[1]["connection_id"]
        assert hellos[1]["seq"] == 0
        # The same socket: the client neither closed nor reconnected.
        assert "close" not in listener.kinds() and "reconnect" not in listener.kinds()
