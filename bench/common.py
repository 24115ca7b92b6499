"""Shared set-up for benchmarks: a fresh database, a crowd, a real server process."""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

from roost.loadtest.crowd import Crowd, load_crowd
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant
from tests.support.databases import database
from tests.support.server import admin_url, running_server

REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Setup:
    base: str
    database_url: str
    crowd: Crowd


@contextmanager
def bench_server(
    backend: str,
    crowd_size: int,
    env: dict[str, str] | None = None,
    workers: int = 1,
    as_owner: bool = False,
) -> Iterator[Setup]:
    """A server on a fresh database of ``backend`` with ``crowd_size`` logged-in users;
    with ``workers`` above 1, that many processes joined through the local Redis. On
    PostgreSQL it logs in as a non-owning role (row security applies) unless ``as_owner``.

    ``ROOST_BENCH_SERVER_SRC``, when set, is another checkout's ``src/``: the server runs
    that code (the load generator stays this checkout's), to compare two versions in one
    sitting."""
    env = dict(env or {})
    if os.environ.get("ROOST_BENCH_SERVER_SRC"):
        env["PYTHONPATH"] = os.environ["ROOST_BENCH_SERVER_SRC"]
    args: list[str] = []
    if workers > 1:
        env.setdefault("ROOST_REDIS_URL", REDIS_URL)
        env.setdefault("ROOST_REDIS_PREFIX", f"bench-{uuid.uuid4().hex[:6]}")
        args = ["--workers", str(workers)]
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        data_dir = Path(tmp)
        with database(backend, data_dir) as url:
            crowd = asyncio.run(load_crowd(url, crowd_size))
            with running_server(url, data_dir, env, args, as_owner) as base:
                yield Setup(base, url, crowd)


async def _analyze(database_url: str) -> None:
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    db = Database(database_url)
    try:
        async with db.write() as conn:
            await bulk.analyze(conn)
    finally:
        await db.close()


def analyze(database_url: str) -> None:
    """Refresh planner statistics, as autovacuum would within a minute or so."""
    asyncio.run(_analyze(database_url))


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def describe(values_ms: list[float]) -> str:
    if not values_ms:
        return "no samples"
    return (
        f"p50 {percentile(values_ms, 50):.1f} ms, p90 {percentile(values_ms, 90):.1f} ms, "
        f"p99 {percentile(values_ms, 99):.1f} ms, max {max(values_ms):.1f} ms, "
        f"mean {statistics.fmean(values_ms):.1f} ms"
    )


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


# One simulated client: (session, token, stop time, latencies in ms, error statuses).
Client = Callable[[aiohttp.ClientSession, str, float, list[float], list[int]], Awaitable[None]]


@dataclass
class PhaseResult:
    latencies: list[float]
    errors: list[int]
    elapsed: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed


async def run_clients(
    tokens: list[str], client: Client, seconds: float, warm_seconds: float = 2.0
) -> PhaseResult:
    """Warm up (a few clients, unmeasured), then every token's client until ``seconds``."""
    connector = aiohttp.TCPConnector(limit=len(tokens) + 10)
    async with aiohttp.ClientSession(connector=connector) as session:
        warm_stop = time.perf_counter() + warm_seconds
        await asyncio.gather(*[client(session, t, warm_stop, [], []) for t in tokens[:5]])
        latencies: list[float] = []
        errors: list[int] = []
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(*[client(session, t, stop, latencies, errors) for t in tokens])
        return PhaseResult(latencies, errors, time.perf_counter() - started)


def commit_buckets(base: str) -> dict[float, float]:
    """The server's ``roost_post_commit_seconds`` histogram: upper bound -> count, and
    its sum under the key -1 (for the mean)."""
    text = httpx.get(f"{admin_url(base)}/metrics", timeout=10).text
    buckets: dict[float, float] = {}
    for line in text.splitlines():
        if line.startswith("roost_post_commit_seconds_bucket{"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float(bound)] = float(line.rsplit(" ", 1)[1])
        elif line.startswith("roost_post_commit_seconds_sum"):
            buckets[-1.0] = float(line.rsplit(" ", 1)[1])
    return buckets


def describe_commits(before: dict[float, float], after: dict[float, float]) -> str:
    """Commits between two readings of ``commit_buckets``: how many, the share under
    each bound, and the smallest bound that 99% of them were under (a p99 bound)."""
    total = after.get(float("inf"), 0) - before.get(float("inf"), 0)
    if total <= 0:
        return "no commits"
    shares = []
    p99_bound = float("inf")
    mean_ms = (after.get(-1.0, 0) - before.get(-1.0, 0)) / total * 1000
    for bound in sorted(b for b in after if b >= 0):
        share = (after[bound] - before.get(bound, 0)) / total
        if bound != float("inf") and bound <= 0.1:
            shares.append(f"<= {bound * 1000:g} ms {share:.1%}")
        if share >= 0.99 and p99_bound == float("inf"):
            p99_bound = bound
    return (
        f"{total:.0f} commits, mean {mean_ms:.2f} ms; {', '.join(shares)};"
        f" p99 <= {p99_bound * 1000:g} ms"
    )
