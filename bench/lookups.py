"""The lookups every client makes constantly: profiles and statuses by id.

Simulated clients fetch the profile and status of every poster and typist they have not
seen yet, and every user's statuses once a minute; a post in a busy channel sets off a
burst of them. Setup: one `roost serve` process on a fresh database (PostgreSQL by
default) with a crowd of users; this script is the load generator, a separate process.
Each phase runs --clients concurrent clients in a closed loop for --seconds:
1. GET /users/me (the cheapest authenticated request: the per-request floor);
2. POST /users/ids with one id, and with 100 ids, chosen at random from the crowd;
3. POST /users/status/ids with one id, and with 100 ids.

    .venv/bin/python -m bench.lookups --backend postgres --clients 50 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from typing import Any

import aiohttp

from bench.common import bench_server, describe, machine, run_clients


async def _client(
    session: aiohttp.ClientSession,
    url: str,
    token: str,
    body: Any,
    stop: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while time.perf_counter() < stop:
        payload = body() if callable(body) else body
        started = time.perf_counter()
        if payload is None:
            request = session.get(url, headers=headers)
        else:
            request = session.post(url, json=payload, headers=headers)
        async with request as r:
            await r.read()
            if r.status != 200:
                errors.append(r.status)
                continue
        latencies.append((time.perf_counter() - started) * 1000)


async def _phase(label: str, url: str, tokens: list[str], body: Any, seconds: float) -> None:
    result = await run_clients(
        tokens,
        lambda session, token, stop, lat, err: _client(session, url, token, body, stop, lat, err),
        seconds,
        warm_seconds=1.0,
    )
    print(f"{label}: {result.rate:.0f} requests/s, {len(result.errors)} errors")
    print(f"  latency: {describe(result.latencies)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--crowd", type=int, default=2000, help="users that exist")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    print(
        f"machine: {machine()}; backend: {args.backend}; "
        f"{args.crowd} users, {args.clients} concurrent clients"
    )
    with bench_server(args.backend, args.crowd) as setup:
        ids = setup.crowd.user_ids
        tokens = setup.crowd.tokens[: args.clients]
        api = f"{setup.base}/api/v4"

        def one() -> list[str]:
            return [random.choice(ids)]

        def hundred() -> list[str]:
            return random.sample(ids, 100)

        phases = [
            ("GET /users/me", f"{api}/users/me", None),
            ("POST /users/ids, 1 id", f"{api}/users/ids", one),
            ("POST /users/ids, 100 ids", f"{api}/users/ids", hundred),
            ("POST /users/status/ids, 1 id", f"{api}/users/status/ids", one),
            ("POST /users/status/ids, 100 ids", f"{api}/users/status/ids", hundred),
        ]
        for label, url, body in phases:
            asyncio.run(_phase(label, url, tokens, body, args.seconds))


if __name__ == "__main__":
    main()
