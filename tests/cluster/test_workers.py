"""``roost serve --workers N``: several processes on one port, joined through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.api.test_metrics import sample
from tests.cluster.conftest import cluster_env
from tests.support.chat import channel_with, team_with
from tests.support.client import create_user
from tests.support.databases import postgres_database
from tests.support.posting import post
from tests.support.server import admin_url, running_server
from tests.support.ws import Frame, WsClient

SOCKETS = 8


def carries(text: str) -> Callable[[Frame], bool]:
    return lambda frame: text in frame["data"]["post"]


def test_every_socket_gets_every_post_whichever_process_holds_it(tmp_path: Path) -> None:
    env = cluster_env(f"workers-{uuid.uuid4().hex[:6]}")
    with postgres_database() as url, running_server(url, tmp_path, env, ["--workers", "2"]) as base:
        alice = create_user(base, username="admin0")
        readers = [create_user(base) for _ in range(SOCKETS)]
        team = team_with(alice, *readers)
        channel = channel_with(alice, team["id"], *readers)
        sockets = [WsClient(base, r.token) for r in readers]
        try:
            for ws in sockets:
                ws.wait_for("hello")
            for n in range(3):
                post(alice, channel["id"], f"message {n}")
                for ws in sockets:
                    got = ws.wait_for("posted", carries(f"message {n}"))
                    assert got["broadcast"]["channel_id"] == channel["id"]
            # A scrape of either process reports the whole node: every post counted once.
            text = httpx.get(f"{admin_url(base)}/metrics").text
            posts = sample(text, "roost_http_requests_total", route="/posts", status="201")
            assert posts == 3
            assert sample(text, "roost_websocket_connections") == SOCKETS
            assert sample(text, "roost_bus_events_published_total") > 0
            assert sample(text, "roost_bus_events_received_total") > 0
            ping = httpx.get(f"{base}/api/v4/system/ping?get_server_status=true").json()
            assert ping["redis_status"] == "OK" and ping["database_status"] == "OK"
        finally:
            for ws in sockets:
                ws.close()


def test_workers_need_postgres_and_redis(tmp_path: Path) -> None:
    env = dict(os.environ, ROOST_DATA_DIR=str(tmp_path), ROOST_REDIS_URL="")
    env.pop("ROOST_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "roost.cli", "serve", "--port", "0", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "ROOST_REDIS_URL" in done.stderr
