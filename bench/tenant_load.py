"""Many tenants under load: the same requests spread over --active tenants against all
on one tenant, and one tenant flooding the server while the others go on.

Setup: one `roost serve` process on a fresh PostgreSQL database with a base domain and
an operator token; this script is the load generator, a separate process on the same
machine (2 cores shared by all three). Each tenant gets one user (logged in), a team
and a channel holding a few posts. A client's round, against its tenant's host: GET
/users/me, GET the channel's newest 30 posts, and every fourth round POST /posts.
Phases (each --seconds long, the spread/one pair run twice in alternation):
1. --clients closed-loop clients, each round on a random one of --active tenants;
2. the same clients, every round on one tenant;
3. --clients paced clients on the other tenants (--rate rounds/s in all) alone, then
   with --flooders closed-loop clients on one tenant, then the same with that tenant
   limited to --flood-limit requests/s (the per-tenant rate limit).
Reported: p50/p99 per phase and the ratios.

    .venv/bin/python -m bench.tenant_load --active 1000 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import describe, machine, percentile
from tests.support.databases import database
from tests.support.server import admin_url, running_server

OPERATOR_TOKEN = "bench-operator-" + "t" * 40
BASE_DOMAIN = "chat.bench"
PASSWORD = "Bench-passw0rd!"


@dataclass
class Org:
    host: str
    tenant_id: str
    token: str
    channel_id: str


async def _json(
    session: aiohttp.ClientSession, method: str, url: str, **kw: object
) -> dict[str, Any]:
    async with session.request(method, url, **kw) as r:  # type: ignore[arg-type]
        body = await r.json(content_type=None)
        if r.status >= 300:
            raise RuntimeError(f"{method} {url}: {r.status} {body}")
        return {"_token": r.headers.get("Token", ""), **(body if isinstance(body, dict) else {})}


async def make_org(session: aiohttp.ClientSession, base: str, n: int) -> Org:
    op = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    tenant = await _json(
        session,
        "POST",
        f"{admin_url(base)}/operator/v1/tenants",
        json={"name": f"org{n:05d}", "open_signup": True},  # its first to sign up: its admin
        headers=op,
    )
    host = {"Host": f"org{n:05d}.{BASE_DOMAIN}"}
    api = f"{base}/api/v4"
    user = {"username": f"owner{n}", "email": f"owner{n}@example.com", "password": PASSWORD}
    await _json(session, "POST", f"{api}/users", json=user, headers=host)
    login = await _json(
        session,
        "POST",
        f"{api}/users/login",
        json={"login_id": user["username"], "password": PASSWORD},
        headers=host,
    )
    auth = {**host, "Authorization": f"Bearer {login['_token']}"}
    team = await _json(
        session,
        "POST",
        f"{api}/teams",
        json={"name": f"team{n}", "display_name": "Team", "type": "O"},
        headers=auth,
    )
    channel = await _json(
        session,
        "POST",
        f"{api}/channels",
        json={"team_id": team["id"], "name": "general2", "display_name": "General", "type": "O"},
        headers=auth,
    )
    for i in range(5):
        await _json(
            session,
            "POST",
            f"{api}/posts",
            json={"channel_id": channel["id"], "message": f"hello {i}"},
            headers=auth,
        )
    return Org(host["Host"], tenant["id"], login["_token"], channel["id"])


async def make_orgs(base: str, count: int) -> list[Org]:
    connector = aiohttp.TCPConnector(limit=20)
    async with aiohttp.ClientSession(connector=connector) as session:
        orgs: list[Org] = []
        for start in range(0, count, 16):
            batch = range(start, min(count, start + 16))
            orgs += await asyncio.gather(*(make_org(session, base, n) for n in batch))
        return orgs


async def round_trip(
    session: aiohttp.ClientSession, base: str, org: Org, n: int, latencies: list[float]
) -> int:
    """One client round; returns how many requests were refused (429)."""
    headers = {"Host": org.host, "Authorization": f"Bearer {org.token}"}
    api = f"{base}/api/v4"
    calls: list[tuple[str, str, object]] = [
        ("GET", f"{api}/users/me", None),
        ("GET", f"{api}/channels/{org.channel_id}/posts?per_page=30", None),
    ]
    if n % 4 == 0:
        calls.append(("POST", f"{api}/posts", {"channel_id": org.channel_id, "message": "m"}))
    refused = 0
    for method, url, body in calls:
        started = time.perf_counter()
        async with session.request(method, url, json=body, headers=headers) as r:
            await r.read()
            if r.status == 429:
                refused += 1
                continue
            if r.status >= 300:
                raise RuntimeError(f"{method} {url}: {r.status}")
        latencies.append((time.perf_counter() - started) * 1000)
    return refused


async def closed_loop(
    base: str, pick: list[Org], clients: int, seconds: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    refused = 0
    stop = time.perf_counter() + seconds

    async def client(session: aiohttp.ClientSession, seed: int) -> None:
        nonlocal refused
        rng = random.Random(seed)
        n = 0
        while time.perf_counter() < stop:
            # Awaited first: `refused += await ...` would read the total before the
            # await and lose the other clients' additions.
            got = await round_trip(session, base, rng.choice(pick), n, latencies)
            refused += got
            n += 1

    connector = aiohttp.TCPConnector(limit=clients + 5)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session, i) for i in range(clients)))
    return latencies, refused


async def paced(
    base: str, pick: list[Org], clients: int, rate: float, seconds: float
) -> list[float]:
    """Rounds on a fixed schedule (``rate`` a second over all clients)."""
    latencies: list[float] = []
    interval = clients / rate
    started = time.perf_counter()
    stop = started + seconds

    async def client(session: aiohttp.ClientSession, seed: int) -> None:
        rng = random.Random(seed)
        n = 0
        while True:
            at = started + seed * interval / clients + n * interval
            if at >= stop:
                return
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            await round_trip(session, base, rng.choice(pick), n, latencies)
            n += 1

    connector = aiohttp.TCPConnector(limit=clients + 5)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session, i) for i in range(clients)))
    return latencies


async def with_flood(
    base: str, others: list[Org], flooder: Org, args: argparse.Namespace
) -> tuple[list[float], list[float], int]:
    victims, (flood, refused) = await asyncio.gather(
        paced(base, others, args.clients, args.rate, args.seconds),
        closed_loop(base, [flooder], args.flooders, args.seconds),
    )
    return victims, flood, refused


async def set_limit(base: str, tenant_id: str, rate: float) -> None:
    async with aiohttp.ClientSession() as session:
        await _json(
            session,
            "PUT",
            f"{admin_url(base)}/operator/v1/tenants/{tenant_id}/limits",
            json={"requests_per_second": rate},
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )


def ratio(a: list[float], b: list[float], q: float) -> str:
    return f"{percentile(a, q) / percentile(b, q):.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--active", type=int, default=1000, help="tenants in use")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=60.0, help="paced rounds/s in phase 3")
    parser.add_argument("--flooders", type=int, default=16)
    parser.add_argument("--flood-limit", type=float, default=50.0)
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: postgres")
    env = {"ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN, "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN}
    with (
        tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp,
        database("postgres", Path(tmp)) as url,
        running_server(url, Path(tmp), env) as base,
    ):
        began = time.perf_counter()
        orgs = asyncio.run(make_orgs(base, args.active))
        print(
            f"{len(orgs):,} tenants, each with a user, a team, a channel and 5 posts, set up "
            f"in {time.perf_counter() - began:.0f} s"
        )
        spread: list[float] = []
        single: list[float] = []
        for run in (1, 2):
            s, _ = asyncio.run(closed_loop(base, orgs, args.clients, args.seconds))
            o, _ = asyncio.run(closed_loop(base, orgs[:1], args.clients, args.seconds))
            print(f"run {run}: spread over {len(orgs):,} tenants: {describe(s)}")
            print(f"run {run}: all on one tenant:        {describe(o)}")
            spread += s
            single += o
        print(
            f"1-2. spread / one tenant, both runs: p50 {ratio(spread, single, 50)}, "
            f"p99 {ratio(spread, single, 99)} ({len(spread):,} and {len(single):,} requests)"
        )
        flooder, others = orgs[0], orgs[1:]
        alone = asyncio.run(paced(base, others, args.clients, args.rate, args.seconds))
        print(f"3. the others, paced at {args.rate:g} rounds/s, alone: {describe(alone)}")
        flooded, flood, _ = asyncio.run(with_flood(base, others, flooder, args))
        print(
            f"   with {args.flooders} clients flooding one tenant (no limit): the others "
            f"{describe(flooded)}; the flood {describe(flood)}"
        )
        asyncio.run(set_limit(base, flooder.tenant_id, args.flood_limit))
        limited, flood, refused = asyncio.run(with_flood(base, others, flooder, args))
        print(
            f"   the same, the flooder limited to {args.flood_limit:g} requests/s: the others "
            f"{describe(limited)}; the flood {describe(flood)}, {refused:,} refused (429)"
        )
        print(
            f"   the others' p99 against alone: no limit {ratio(flooded, alone, 99)}, "
            f"limited {ratio(limited, alone, 99)}"
        )


if __name__ == "__main__":
    main()
