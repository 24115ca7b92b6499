"""Moving a tenant between two PostgreSQL databases: how long it is read-only, how fast
its rows copy, and what the move does to the other tenants meanwhile.

Setup: one `roost serve` process with two fresh PostgreSQL databases on the local server
(the directory's, and one named "west"), a base domain and an operator token; this
script is the load generator on the same machine. The moving tenant gets a user, a
team, a channel and --posts posts (a third of them replies); --others other tenants
each get the same with five posts. Then, while --clients clients run rounds (GET
/users/me, GET the channel's newest 30 posts, every fourth round a POST) against the
other tenants, the tenant is moved (POST /operator/v1/tenants/{id}/move) and polled
until it is active in "west". The grace period (--grace seconds, twice) is reported
apart: it is a setting, not work.

    .venv/bin/python -m bench.tenant_move --posts 20000 --grace 1
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.common import describe, machine, percentile
from bench.tenant_load import BASE_DOMAIN, OPERATOR_TOKEN, Org, make_org, make_orgs, round_trip
from tests.support.databases import database, runtime_url
from tests.support.server import admin_url, running_server

OP = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


async def fill(base: str, org: Org, posts: int, writers: int = 20) -> float:
    """Post --posts into the tenant's channel (every third a reply); returns seconds."""
    headers = {"Host": org.host, "Authorization": f"Bearer {org.token}"}
    url = f"{base}/api/v4/posts"
    roots: list[str] = []
    started = time.perf_counter()

    async def writer(session: aiohttp.ClientSession, share: range) -> None:
        for n in share:
            body: dict[str, str] = {"channel_id": org.channel_id, "message": f"message {n}"}
            if n % 3 == 2 and roots:
                body["root_id"] = random.choice(roots)
            async with session.post(url, json=body, headers=headers) as r:
                made = await r.json()
                if r.status != 201:
                    raise RuntimeError(f"post: {r.status} {made}")
                if "root_id" not in body and len(roots) < 500:
                    roots.append(made["id"])

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=writers)) as session:
        step = -(-posts // writers)
        await asyncio.gather(
            *(writer(session, range(i, min(posts, i + step))) for i in range(0, posts, step))
        )
    return time.perf_counter() - started


async def others_meanwhile(
    base: str, orgs: list[Org], clients: int, stop: asyncio.Event, latencies: list[float]
) -> None:
    async def client(session: aiohttp.ClientSession) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            await round_trip(session, base, random.choice(orgs), n, latencies)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))


async def move_and_watch(base: str, tenant_id: str) -> float:
    """Start the move; returns the seconds until the tenant is active in west."""
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        url = f"{admin_url(base)}/operator/v1/tenants/{tenant_id}"
        async with session.post(f"{url}/move", json={"database": "west"}, headers=OP) as r:
            if r.status != 202:
                raise RuntimeError(f"move: {r.status} {await r.text()}")
        while True:
            async with session.get(url, headers=OP) as r:
                tenant = await r.json()
            if tenant["state"] == "active" and tenant["database"] == "west":
                return time.perf_counter() - started
            await asyncio.sleep(0.05)


async def run(base: str, args: argparse.Namespace) -> None:
    async with aiohttp.ClientSession() as session:
        mover = await make_org(session, base, 99999)  # the others are numbered from 0
    others = await make_orgs(base, args.others)
    took = await fill(base, mover, args.posts)
    print(f"moving tenant filled: {args.posts} posts in {took:.1f} s", flush=True)

    baseline: list[float] = []
    stop = asyncio.Event()
    load = asyncio.create_task(others_meanwhile(base, others, args.clients, stop, baseline))
    await asyncio.sleep(args.baseline_seconds)
    stop.set()
    await load

    during: list[float] = []
    stop = asyncio.Event()
    load = asyncio.create_task(others_meanwhile(base, others, args.clients, stop, during))
    total = await move_and_watch(base, mover.tenant_id)
    stop.set()
    await load
    read_only = total  # from the 202 until active in its new database
    copy = max(0.0, total - args.grace)
    print(
        f"read-only for {read_only:.2f} s (grace {args.grace:.1f} s + copy and switch {copy:.2f} s)"
    )
    if copy:
        print(f"  posts copied per second (other rows besides): {args.posts / copy:.0f}")
    print(f"other tenants before the move: {describe(baseline)}")
    print(f"other tenants during the move: {describe(during)}")
    if baseline and during:
        print(
            f"  ratio during/before: p50 {percentile(during, 50) / percentile(baseline, 50):.2f}x, "
            f"p99 {percentile(during, 99) / percentile(baseline, 99):.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--grace", type=float, default=1.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(f"machine: {machine()}; PostgreSQL, two databases; grace {args.grace} s")
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        data_dir = Path(tmp)
        with database("postgres", data_dir) as url, database("postgres", data_dir) as west:
            env = {
                "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
                "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
                "ROOST_TENANT_MOVE_GRACE_SECONDS": str(args.grace),
                "ROOST_DATABASE_SHARDS": f"west={runtime_url(west)}",
                "ROOST_DATABASE_SHARD_OWNER_URLS": f"west={west}",
            }
            with running_server(url, data_dir, env) as base:
                asyncio.run(run(base, args))


if __name__ == "__main__":
    main()
