"""Post creation throughput and latency, and channel page reads, over HTTP.

Setup: one `roost serve` process on a fresh database (PostgreSQL by default), loaded with
a crowd of users who share one channel; this script is the load generator, a separate
process on the same machine. Three phases:
1. closed loop: each writer sends POST /api/v4/posts as soon as its last one returned
   (the server's maximum rate with that many writers);
2. paced (--rate, posts/s over all writers): each writer sends on a fixed schedule, and
   latency is counted from the scheduled time, so a server falling behind shows up as
   latency rather than as a lower send rate;
3. readers loop GET /api/v4/channels/{id}/posts (newest page of 60).

    .venv/bin/python -m bench.posts --backend postgres --writers 50 --rate 1000 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

import aiohttp

from bench.common import analyze, bench_server, describe, machine, run_clients


async def post_in_a_loop(
    session: aiohttp.ClientSession,
    base: str,
    token: str,
    channel_id: str,
    stop: float,
    latencies: list[float],
    errors: list[int],
    interval: float = 0.0,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    first = time.perf_counter() + random.uniform(0, interval)
    while time.perf_counter() < stop:
        n += 1
        body = {"channel_id": channel_id, "message": f"benchmark message {n} with some words"}
        if interval:
            started = first + (n - 1) * interval
            await asyncio.sleep(max(0.0, started - time.perf_counter()))
        else:
            started = time.perf_counter()
        async with session.post(f"{base}/api/v4/posts", json=body, headers=headers) as r:
            await r.read()
            if r.status != 201:
                errors.append(r.status)
                continue
        latencies.append((time.perf_counter() - started) * 1000)


async def _reader(
    session: aiohttp.ClientSession,
    base: str,
    token: str,
    channel_id: str,
    stop: float,
    latencies: list[float],
    errors: list[int],
    interval: float = 0.0,
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/api/v4/channels/{channel_id}/posts?page=0&per_page=60"
    while time.perf_counter() < stop:
        started = time.perf_counter()
        async with session.get(url, headers=headers) as r:
            await r.read()
            if r.status != 200:
                errors.append(r.status)
                continue
        latencies.append((time.perf_counter() - started) * 1000)


async def _phase(
    kind: str,
    base: str,
    tokens: list[str],
    channel_id: str,
    seconds: float,
    rate: float = 0.0,
) -> None:
    interval = len(tokens) / rate if rate else 0.0
    work = post_in_a_loop if kind == "write" else _reader
    result = await run_clients(
        tokens,
        lambda session, token, stop, lat, err: work(
            session, base, token, channel_id, stop, lat, err, interval
        ),
        seconds,
    )
    latencies, errors, elapsed = result.latencies, result.errors, result.elapsed
    achieved = len(latencies) / elapsed
    label = "posts created" if kind == "write" else "channel pages read"
    mode = f", paced at {rate:.0f}/s" if rate else ", closed loop"
    print(
        f"{label}: {len(latencies)} in {elapsed:.1f} s = {achieved:.0f}/s "
        f"with {len(tokens)} concurrent clients{mode}"
    )
    print(f"  latency: {describe(latencies)}")
    print(f"  errors: {len(errors)} {sorted(set(errors))}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=1000, help="paced phase: posts/s (0: skip)")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (PostgreSQL and Redis)"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: {args.backend}; server processes: {args.workers}")
    size = max(args.writers, args.readers)
    with bench_server(args.backend, size, workers=args.workers) as setup:
        tokens = setup.crowd.tokens
        channel = setup.crowd.channel_id
        writers = tokens[: args.writers]
        asyncio.run(_phase("write", setup.base, writers, channel, args.seconds))
        if args.rate:
            asyncio.run(_phase("write", setup.base, writers, channel, args.seconds, args.rate))
        # The write phase grew the table from nothing in seconds; give the planner the
        # statistics autovacuum would soon have gathered.
        analyze(setup.database_url)
        asyncio.run(_phase("read", setup.base, tokens[: args.readers], channel, args.seconds))


if __name__ == "__main__":
    main()
