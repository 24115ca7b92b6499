"""ROOST_NOTIFICATION_WORKER=process: the outbox is worked by a `roost notification-worker`
process that `roost serve` starts, nudges when rows are written, starts again when it
dies and stops with itself. SQLite is refused with a clear message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cluster.conftest import cluster_env
from tests.notify.conftest import attach_device, notify_env, set_status
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer
from tests.support.client import create_user
from tests.support.databases import postgres_database
from tests.support.posting import Room, make_room, post
from tests.support.server import ServerProcess, server_process


@dataclass
class Served:
    server: ServerProcess
    room: Room


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> Iterator[Served]:
    data_dir: Path = tmp_path_factory.mktemp("roost-notify-process")
    env = {
        **notify_env(proxy, smtp),
        **cluster_env(f"roost-test-{uuid.uuid4().hex[:8]}"),
        "ROOST_NOTIFICATION_WORKER": "process",
        # Far longer than the waits below: a push that arrives in time was nudged.
        "ROOST_NOTIFICATION_POLL_SECONDS": "60",
    }
    with postgres_database() as url, server_process(url, data_dir, env) as server:
        create_user(server.base, username=f"admin{uuid.uuid4().hex[:6]}")
        room = make_room(lambda **kw: create_user(server.base, **kw))
        set_status(room.alice, "offline")
        yield Served(server, room)


def workers_of(pid: int) -> list[int]:
    """The `roost notification-worker` processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"notification-worker" in command:
            found.append(int(entry.name))
    return found


def one_worker(pid: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        found = workers_of(pid)
        if len(found) == 1:
            return found[0]
        assert time.monotonic() < deadline, f"notification workers of {pid}: {found}"
        time.sleep(0.1)


def test_the_worker_process_sends_what_the_server_writes(served: Served, proxy: PushProxy) -> None:
    server, room = served.server, served.room
    worker = one_worker(server.proc.pid)
    device = attach_device(room.alice)
    sent = post(room.bob, room.channel_id, f"@{room.alice.username} from the server")
    got = proxy.wait(device, 1, timeout=20)
    assert got[0]["post_id"] == sent["id"]
    assert workers_of(server.proc.pid) == [worker]


def test_a_killed_worker_is_started_again_and_loses_nothing(
    served: Served, proxy: PushProxy
) -> None:
    server, room = served.server, served.room
    worker = one_worker(server.proc.pid)
    os.kill(worker, signal.SIGKILL)
    # Written while no worker runs: the rows wait in the outbox for the new one.
    device = attach_device(room.alice)
    sent = post(room.bob, room.channel_id, f"@{room.alice.username} while it was down")
    deadline = time.monotonic() + 30
    while (found := workers_of(server.proc.pid)) in ([], [worker]):
        assert time.monotonic() < deadline, "the worker was not started again"
        time.sleep(0.1)
    assert len(found) == 1 and found[0] != worker
    got = proxy.wait(device, 1, timeout=30)
    assert [m["post_id"] for m in got] == [sent["id"]]
    # The new one is nudged too.
    later = post(room.bob, room.channel_id, f"@{room.alice.username} after")
    got = proxy.wait(device, 2, timeout=20)
    assert [m["post_id"] for m in got] == [sent["id"], later["id"]]


def test_the_worker_stops_with_the_server(
    tmp_path: Path, proxy: PushProxy, smtp: SmtpServer
) -> None:
    env = {
        **notify_env(proxy, smtp),
        **cluster_env(f"roost-test-{uuid.uuid4().hex[:8]}"),
        "ROOST_NOTIFICATION_WORKER": "process",
    }
    with postgres_database() as url, server_process(url, tmp_path, env) as server:
        worker = one_worker(server.proc.pid)
    # server_process has stopped the server (SIGTERM); its worker went with it.
    deadline = time.monotonic() + 20
    while Path(f"/proc/{worker}").exists() and not _zombie(worker):
        assert time.monotonic() < deadline, "the worker outlived its server"
        time.sleep(0.1)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_sqlite_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ROOST_DATA_DIR": str(tmp_path),
        "ROOST_DATABASE_URL": f"sqlite:///{tmp_path}/roost.db",
        "ROOST_NOTIFICATION_WORKER": "process",
    }
    done = subprocess.run(
        [sys.executable, "-m", "roost.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "ROOST_NOTIFICATION_WORKER=process needs ROOST_DATABASE_URL (PostgreSQL)" in (
        done.stderr
    )
