"""A private PostgreSQL (``scripts/pg-pair``, a primary alone) restarted, fast and after a
crash, and held "starting up" (in recovery), while users keep posting and reading: every request gets its answer or a 503 with
Retry-After in Mattermost's format, never a 500 (issue 20.3: "the database system is
starting up" was a 500), the server recovers by itself, and every acknowledged post is
there after."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cluster.test_replicas import ROOT, sql
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.server import free_port, running_server

WRITERS = 4  # users posting and reading at once through the restarts
RECOVERY_SECONDS = 30.0


@dataclass
class Private:
    port: int
    folder: Path

    def ctl(self, *args: str) -> None:
        script = str(ROOT / "scripts" / "pg-pair")
        done = subprocess.run(
            [script, args[0], str(self.folder), *args[1:]],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def private_pg() -> Iterator[Private]:
    # Under /tmp itself: the postgres user must be able to reach the folder.
    server = Private(free_port(), Path(tempfile.mkdtemp(prefix="roost-pgrestart-")))
    server.ctl("up", str(server.port))
    try:
        sql(server.port, "CREATE DATABASE roost")
        yield server
    finally:
        subprocess.run(
            [str(ROOT / "scripts" / "pg-pair"), "down", str(server.folder)],
            capture_output=True,
            timeout=60,
        )


@dataclass
class Traffic:
    """Users posting and reading in a loop; what they were answered."""

    users: list[tuple[LoggedIn, str]]
    statuses: Counter[int] = field(default_factory=Counter)
    bad_refusals: list[str] = field(default_factory=list)
    acknowledged: list[tuple[LoggedIn, str, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, user: LoggedIn, channel_id: str) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            for r in (
                user.api.post("/posts", {"channel_id": channel_id, "message": f"m{n}"}),
                user.api.get(f"/channels/{channel_id}/posts", params={"per_page": 5}),
            ):
                with self.lock:
                    self.statuses[r.status_code] += 1
                    if r.status_code == 201:
                        self.acknowledged.append((user, channel_id, r.json()["id"]))
                    if r.status_code == 503:
                        body = r.json()
                        ok = (
                            body.get("id") == "api.context.database_unavailable.app_error"
                            and body.get("status_code") == 503
                            and int(r.headers.get("Retry-After", "0")) >= 1
                        )
                        if not ok:
                            self.bad_refusals.append(f"{r.headers} {body}")
                if r.status_code in (500, 503):
                    time.sleep(0.05)


@pytest.mark.timeout(240)
def test_a_restarting_postgres_is_503_with_retry_after_never_500(
    private_pg: Private, tmp_path: Path
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{private_pg.port}/roost"
    with running_server(url, tmp_path) as base:
        owner = create_user(base, username="admin0")
        team = team_with(owner)
        users = []
        for _ in range(WRITERS):
            user = create_user(base)
            expect(
                owner.api.post(
                    f"/teams/{team['id']}/members", {"team_id": team["id"], "user_id": user.id}
                ),
                201,
            )
            users.append((user, channel_with(owner, team["id"], user)["id"]))
        traffic = Traffic(users)
        threads = [threading.Thread(target=traffic.run, args=u) for u in users]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            # A fast restart ends every session (57P01); after an immediate one the server
            # replays its WAL and says "the database system is starting up" (57P03).
            private_pg.ctl("restart", "primary", "fast")
            time.sleep(1.5)
            private_pg.ctl("restart", "primary", "immediate")
            time.sleep(1.5)
            # Held in recovery for a while: every new connection is refused with 57P03,
            # the state whose refusals were 500s; then open again.
            private_pg.ctl("recovering", "primary")
            time.sleep(2.0)
            private_pg.ctl("promote", "primary")
            time.sleep(1.0)
        finally:
            traffic.stop.set()
            for t in threads:
                t.join(timeout=30)

        print("statuses through the restarts:", dict(traffic.statuses))
        assert traffic.statuses[500] == 0, dict(traffic.statuses)
        assert not traffic.bad_refusals, traffic.bad_refusals[:3]
        assert set(traffic.statuses) <= {200, 201, 503}, dict(traffic.statuses)
        # The outage was seen (the test would prove nothing otherwise).
        assert traffic.statuses[503] > 0

        # Recovered by itself: every user posts again within a bounded time.
        deadline = time.monotonic() + RECOVERY_SECONDS
        for user, channel_id in users:
            while True:
                r = user.api.post("/posts", {"channel_id": channel_id, "message": "after"})
                if r.status_code == 201:
                    break
                assert r.status_code == 503 and time.monotonic() < deadline, r.text
                time.sleep(0.2)
        # Nothing acknowledged was lost.
        for user, channel_id in users:
            stored = _all_post_ids(user, channel_id)
            mine = {p for u, c, p in traffic.acknowledged if c == channel_id}
            assert mine <= stored, f"{len(mine - stored)} of {len(mine)} acknowledged posts lost"


def _all_post_ids(user: LoggedIn, channel_id: str) -> set[str]:
    """Every post of the channel, page by page (a quiet machine writes hundreds)."""
    found: set[str] = set()
    for page_number in range(1000):
        params = {"page": page_number, "per_page": 200}
        page = expect(user.api.get(f"/channels/{channel_id}/posts", params=params), 200)
        if not page["order"]:
            return found
        found.update(page["order"])
    raise AssertionError("more pages than any test writes")
