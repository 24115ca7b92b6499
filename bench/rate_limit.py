"""What the request rate limits cost, and how fast a refusal is.

Setup: one `roost serve` process on a fresh database (SQLite by default) with a crowd of
users, started three times: limits off; on with this node's own buckets; on with the
buckets in the local Redis. With limits so high nothing is refused, --clients concurrent
clients GET /users/me (the cheapest authenticated request) in a closed loop for
--seconds: the difference in the server's CPU per request is the limiter's cost
(throughput on a shared machine is mostly noise; the in-process figure printed first
is the limiter's own work). Then, with the default
limits (10 a second, 100 at once), one client floods from one token: how many are
refused and how long a refusal (429) takes to arrive.

    .venv/bin/python -m bench.rate_limit --backend sqlite --clients 20 --seconds 6 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import time
import uuid
from typing import Any

import aiohttp

from bench.common import REDIS_URL, bench_server, describe, machine, run_clients
from roost.api.http.rate_limit import RateLimits
from roost.app.kernel.rate_limits import Throttle
from roost.cluster.redis_rate_limit import RedisBuckets
from roost.config import load_settings

HIGH = {"ROOST_RATE_LIMIT_PER_SEC": "100000", "ROOST_RATE_LIMIT_MAX_BURST": "1000000"}


async def _client(
    session: aiohttp.ClientSession,
    token: str,
    stop: float,
    latencies: list[float],
    errors: list[int],
    url: str,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while time.perf_counter() < stop:
        started = time.perf_counter()
        async with session.get(url, headers=headers) as r:
            await r.read()
            if r.status != 200:
                errors.append(r.status)
                continue
        latencies.append((time.perf_counter() - started) * 1000)


async def _flood(url: str, token: str, seconds: float) -> None:
    """One client, one token, as fast as it can: answered vs refused, and their latency."""
    ok: list[float] = []
    refused: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as session:
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            started = time.perf_counter()
            async with session.get(url, headers=headers) as r:
                await r.read()
            elapsed = (time.perf_counter() - started) * 1000
            (ok if r.status == 200 else refused).append(elapsed)
    print(f"  flood from one token for {seconds:g} s: {len(ok)} answered, {len(refused)} refused")
    print(f"  answered: {describe(ok)}")
    print(f"  refused (429): {describe(refused)}")


async def _in_process(n: int) -> float:
    """Microseconds the limiter adds to one request, in this process alone: the client's
    address, the key (token lookup, digest) and a token from this node's buckets."""
    settings = load_settings(rate_limit_per_sec=100_000, rate_limit_max_burst=1_000_000)
    limits = RateLimits(Throttle(10_000), settings.rate_limits, lambda _tenant, _token: True)
    scope: dict[str, Any] = {
        "type": "http",
        "path": "/api/v4/users/me",
        "query_string": b"",
        "headers": [(b"host", b"chat.example.com"), (b"authorization", b"Bearer " + b"a" * 26)],
        "client": ("192.0.2.1", 40000),
    }
    started = time.perf_counter()
    for _ in range(n):
        scope["roost.client_address"] = limits.client_address(scope)
        await limits.general(scope)
    return (time.perf_counter() - started) / n * 1e6


async def _redis_spend(n: int) -> list[float]:
    """Milliseconds of one shared-bucket decision (the Lua script's round trip)."""
    buckets = RedisBuckets(REDIS_URL, f"bench-rl-{uuid.uuid4().hex[:6]}")
    await buckets.start()
    times: list[float] = []
    try:
        for i in range(n):
            started = time.perf_counter()
            await buckets.spend(f"k{i % 100}", 100_000.0, 1_000_000)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await buckets.close()
    return times


def _server_pid(base: str) -> int:
    """The `roost serve` process listening on the base URL's port."""
    needle = f"--port\0{base.rsplit(':', 1)[1]}\0".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if needle in f.read():
                        return int(entry)
            except OSError:
                continue
    raise RuntimeError(f"no server process for {base}")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used (Linux /proc): unlike throughput, it
    does not depend on how much of the machine the other processes take."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--crowd", type=int, default=200, help="users that exist")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="times each mode runs, in turn")
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: {args.backend}; {args.clients} concurrent clients")
    print(f"in process: {asyncio.run(_in_process(50_000)):.1f} µs per request (key and bucket)")
    print(f"Redis bucket, one decision: {describe(asyncio.run(_redis_spend(5_000)))}")
    redis = {"ROOST_REDIS_URL": REDIS_URL, "ROOST_REDIS_PREFIX": f"bench-rl-{uuid.uuid4().hex[:6]}"}
    # With Redis configured the node also joins the bus and presence through it: the
    # limiter's cost there is "on, Redis" against "off, Redis".
    modes = [
        ("limits off", {"ROOST_RATE_LIMIT_ENABLE": "false"}),
        ("limits on, this node's buckets", {"ROOST_RATE_LIMIT_ENABLE": "true", **HIGH}),
        ("limits off, Redis configured", {"ROOST_RATE_LIMIT_ENABLE": "false", **redis}),
        ("limits on, buckets in Redis", {"ROOST_RATE_LIMIT_ENABLE": "true", **HIGH, **redis}),
    ]
    # Modes taken in turn, --rounds times: on a shared machine the load drifts, and
    # interleaving keeps that drift from passing for a mode's cost.
    for label, env in modes * args.rounds:
        with bench_server(args.backend, args.crowd, env) as setup:
            url = f"{setup.base}/api/v4/users/me"
            tokens = setup.crowd.tokens[: args.clients]
            client = functools.partial(_client, url=url)
            pid = _server_pid(setup.base)
            cpu_before = _cpu_seconds(pid)
            result = asyncio.run(run_clients(tokens, client, args.seconds, warm_seconds=1.0))
            # Includes the warm-up's requests in neither count: both are rough, the
            # ratio is what compares modes on a machine whose load drifts.
            cpu = (_cpu_seconds(pid) - cpu_before) / max(1, len(result.latencies))
            print(
                f"{label}: {result.rate:.0f} requests/s, {len(result.errors)} errors, "
                f"{cpu * 1e6:.0f} µs of server CPU per request"
            )
            print(f"  latency: {describe(result.latencies)}")
    for label, env in (("default limits, this node", {}), ("default limits, Redis", redis)):
        with bench_server(args.backend, 1, {"ROOST_RATE_LIMIT_ENABLE": "true", **env}) as setup:
            print(label)
            asyncio.run(_flood(f"{setup.base}/api/v4/users/me", setup.crowd.tokens[0], 3.0))


if __name__ == "__main__":
    main()
