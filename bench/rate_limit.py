"""What the request rate limits cost, and how fast a refusal is.

Setup: one `roost serve` process on a fresh database (SQLite by default) with a crowd of
users, started three times: limits off; on with this node's own buckets; on with the
buckets in the local Redis. With limits so high nothing is refused, --clients concurrent
clients GET /users/me (the cheapest authenticated request) in a closed loop for
--seconds: the difference is the limiter's cost per request. Then, with the default
limits (10 a second, 100 at once), one client floods from one token: how many are
refused and how long a refusal (429) takes to arrive.

    .venv/bin/python -m bench.rate_limit --backend sqlite --clients 20 --seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import time
import uuid

import aiohttp

from bench.common import REDIS_URL, bench_server, describe, machine, run_clients

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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--crowd", type=int, default=200, help="users that exist")
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: {args.backend}; {args.clients} concurrent clients")
    redis = {"ROOST_REDIS_URL": REDIS_URL, "ROOST_REDIS_PREFIX": f"bench-rl-{uuid.uuid4().hex[:6]}"}
    modes = [
        ("limits off", {"ROOST_RATE_LIMIT_ENABLE": "false"}),
        ("limits on, this node's buckets", {"ROOST_RATE_LIMIT_ENABLE": "true", **HIGH}),
        ("limits on, buckets in Redis", {"ROOST_RATE_LIMIT_ENABLE": "true", **HIGH, **redis}),
    ]
    for label, env in modes:
        with bench_server(args.backend, args.crowd, env) as setup:
            url = f"{setup.base}/api/v4/users/me"
            tokens = setup.crowd.tokens[: args.clients]
            client = functools.partial(_client, url=url)
            result = asyncio.run(run_clients(tokens, client, args.seconds, warm_seconds=1.0))
            print(f"{label}: {result.rate:.0f} requests/s, {len(result.errors)} errors")
            print(f"  latency: {describe(result.latencies)}")
    for label, env in (("default limits, this node", {}), ("default limits, Redis", redis)):
        with bench_server(args.backend, 1, {"ROOST_RATE_LIMIT_ENABLE": "true", **env}) as setup:
            print(label)
            asyncio.run(_flood(f"{setup.base}/api/v4/users/me", setup.crowd.tokens[0], 3.0))


if __name__ == "__main__":
    main()
