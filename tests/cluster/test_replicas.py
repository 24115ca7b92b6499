"""Reads from a real PostgreSQL streaming replica (``scripts/pg-pair``): reads go to it,
a user reads their own writes from the primary, and a replica that falls behind leaves
the rotation until it catches up, so nobody is served stale data."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.api.test_metrics import sample
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import runtime_url
from tests.support.posting import Attempts
from tests.support.server import admin_url, free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
MAX_LAG_SECONDS = 1.0


@dataclass
class Pair:
    primary: int
    replica: int
    folder: Path

    def ctl(self, action: str, node: str) -> None:
        script = str(ROOT / "scripts" / "pg-pair")
        done = subprocess.run(
            [script, action, str(self.folder), node], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr


def sql(port: int, query: str, database: str = "postgres") -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(
            host="127.0.0.1", port=port, user="postgres", database=database
        )
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    return asyncio.run(run())


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    # Under /tmp itself: the postgres user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="roost-pgpair-"))
    ports = Pair(free_port(), free_port(), folder)
    script = str(ROOT / "scripts" / "pg-pair")
    up = subprocess.run(
        [script, "up", str(folder), str(ports.primary), str(ports.replica)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield ports
    finally:
        subprocess.run([script, "down", str(folder)], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def base(pair: Pair, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    sql(pair.primary, "CREATE DATABASE roost")
    primary = f"postgresql://postgres@127.0.0.1:{pair.primary}/roost"
    replica = f"postgresql://postgres@127.0.0.1:{pair.replica}/roost"
    env = {
        # As the primary's URL: the runtime role (made on the primary, replicated).
        "ROOST_DATABASE_REPLICA_URLS": runtime_url(replica),
        "ROOST_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
    }
    data_dir = tmp_path_factory.mktemp("replica-node")
    with running_server(primary, data_dir, env) as url:
        yield url


def replica_reads(pair: Pair) -> int:
    """Transactions (a read ends in a rollback) the replica has run in Roost's database."""
    query = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'roost'"
    return int(sql(pair.replica, query))


def test_reads_go_to_the_replica(pair: Pair, base: str) -> None:
    create_user(base, username="admin0")  # the first user, an admin: not the reader
    reader = create_user(base)
    time.sleep(MAX_LAG_SECONDS + 1.5)  # the reader's own sign-up is no longer "just now"
    before, started = replica_reads(pair), time.monotonic()

    def reads_reach_the_replica() -> bool:
        # On a busy machine the replica may lag past the limit for a moment, and reads
        # then rightly go to the primary: keep reading until 30 have reached it.
        # Statistics reach pg_stat_database within a second or so; the lag monitor adds
        # one transaction a second, which is discounted.
        for _ in range(10):
            expect(reader.api.get("/users/me/teams"), 200)
        monitor = time.monotonic() - started + 1
        return replica_reads(pair) - before - monitor >= 30

    assert eventually(reads_reach_the_replica, timeout=20)
    ping = expect(reader.api.get("/system/ping", params={"get_server_status": "true"}), 200)
    assert ping["database_replicas_status"] == "OK"
    assert sample(httpx.get(f"{admin_url(base)}/metrics").text, "roost_db_replica_healthy") == 1


def test_replica_paused_is_taken_out_and_own_writes_read_from_the_primary(
    pair: Pair, base: str
) -> None:
    alice = create_user(base)
    bob = create_user(base)
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    time.sleep(MAX_LAG_SECONDS + 1.5)
    sql(pair.replica, "SELECT pg_wal_replay_pause()")
    try:
        # Alice reads her own post at once: from the primary.
        created = expect(
            alice.api.post("/posts", {"channel_id": channel["id"], "message": "fresh"}), 201
        )
        page = expect(alice.api.get(f"/channels/{channel['id']}/posts"), 200)
        assert created["id"] in page["order"]

        # Bob did not write. Within the lag limit plus a check he reads from the primary,
        # since the paused replica falls behind and leaves the rotation: he sees the post.
        def bob_sees() -> bool:
            got = expect(bob.api.get(f"/channels/{channel['id']}/posts"), 200)
            return created["id"] in got["order"]

        assert eventually(bob_sees, timeout=MAX_LAG_SECONDS + 5)
        ping = expect(bob.api.get("/system/ping", params={"get_server_status": "true"}), 200)
        assert ping["database_replicas_status"] == "UNHEALTHY"
        text = httpx.get(f"{admin_url(base)}/metrics").text
        assert sample(text, "roost_db_replica_healthy") == 0
        assert sample(text, "roost_db_replica_lag_seconds") > MAX_LAG_SECONDS
        # And once it has left, every read of his goes to the primary: no stale answers.
        for _ in range(10):
            assert bob_sees()
    finally:
        sql(pair.replica, "SELECT pg_wal_replay_resume()")

    # Caught up again, the replica serves reads again.
    time.sleep(MAX_LAG_SECONDS + 1.5)
    before = replica_reads(pair)
    carol: LoggedIn = create_user(base)
    time.sleep(MAX_LAG_SECONDS + 1.5)
    for _ in range(40):
        expect(carol.api.get("/users/me/teams"), 200)
    assert eventually(lambda: replica_reads(pair) >= before + 30)


def test_a_restarted_primary_means_503_then_recovery_and_nothing_acknowledged_lost(
    pair: Pair, base: str
) -> None:
    alice = create_user(base)
    team = team_with(alice)
    channel = channel_with(alice, team["id"])
    attempts = Attempts(alice, channel["id"])
    try_post = attempts.post
    assert try_post("before") == 201
    pair.ctl("stop", "primary")
    try:
        r = alice.api.post("/posts", {"channel_id": channel["id"], "message": "during"})
        assert expect(r, 503)["id"] == "api.context.database_unavailable.app_error"
    finally:
        pair.ctl("start", "primary")
    assert eventually(lambda: try_post("after") == 201, timeout=30)
    page = expect(alice.api.get(f"/channels/{channel['id']}/posts"), 200)
    assert set(attempts.acknowledged) <= set(page["order"])
    assert len(attempts.acknowledged) >= 2


def test_a_replica_that_goes_away_leaves_the_rotation_without_failing_reads(
    pair: Pair, base: str
) -> None:
    reader = create_user(base)
    time.sleep(MAX_LAG_SECONDS + 1.5)
    expect(reader.api.get("/users/me/teams"), 200)  # a pooled connection to the replica
    pair.ctl("stop", "replica")
    try:
        for _ in range(20):
            expect(reader.api.get("/users/me/teams"), 200)
        ping = expect(reader.api.get("/system/ping", params={"get_server_status": "true"}), 200)
        assert ping["database_replicas_status"] == "UNHEALTHY"
    finally:
        pair.ctl("start", "replica")
    assert eventually(
        lambda: (
            expect(reader.api.get("/system/ping", params={"get_server_status": "true"}), 200)[
                "database_replicas_status"
            ]
            == "OK"
        )
    )
