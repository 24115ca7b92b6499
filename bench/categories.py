"""Sidebar categories of a user in 1,000 channels: GET .../channels/categories.

Target (issue 18): p99 under 20 ms. Setup: one `roost serve` process on a fresh database
(PostgreSQL by default) with --users users, each a member of --channels channels of one
team (seeded straight into the database: 95% public and private, 5% group channels),
with their categories made and some channels placed (a custom category of 100, 20
favourites), as a real sidebar has. This script is the load generator, a separate
process. Phases: one client, then one client per user, each a closed loop of GETs for
--seconds.

    .venv/bin/python -m bench.categories --backend postgres --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import aiohttp
import httpx

from bench.common import analyze, bench_server, describe, machine, run_clients
from roost.clock import now_ms
from roost.ids import new_id
from roost.loadtest.crowd import Crowd
from roost.store import tables
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant

GROUP_SHARE = 0.05
CUSTOM_SIZE = 100
FAVORITES = 20


async def _seed(database_url: str, crowd: Crowd, channels: int) -> list[str]:
    """Channels of the crowd's team (and group channels), every user in each."""
    enter_tenant(DEFAULT_TENANT_ID)
    db = Database(database_url)
    now = now_ms()
    t = DEFAULT_TENANT_ID
    groups = int(channels * GROUP_SHARE)
    rows: list[dict[str, Any]] = []
    for i in range(channels):
        group = i < groups
        rows.append(
            {
                "tenant_id": t,
                "id": new_id(),
                "create_at": now,
                "update_at": now,
                "team_id": "" if group else crowd.team_id,
                "type": "G" if group else ("P" if i % 7 == 0 else "O"),
                "name": new_id() if group else f"bench-{i}",
                "display_name": f"Group {i}" if group else f"Channel {i:04d}",
                "creator_id": crowd.user_ids[0],
            }
        )
    members = [
        {"tenant_id": t, "channel_id": c["id"], "user_id": uid, "last_update_at": now}
        for c in rows
        for uid in crowd.user_ids
    ]
    try:
        async with db.write() as conn:
            await conn.execute(tables.channels.insert(), rows)
            for start in range(0, len(members), 5_000):
                await conn.execute(tables.channel_members.insert(), members[start : start + 5_000])
    finally:
        await db.close()
    return [c["id"] for c in rows if c["team_id"]]


def _arrange(api: str, crowd: Crowd, team_channels: list[str]) -> None:
    """Each user's categories made, a custom one of 100 channels and 20 favourites."""
    for uid, token in zip(crowd.user_ids, crowd.tokens, strict=True):
        path = f"{api}/users/{uid}/teams/{crowd.team_id}/channels/categories"
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(headers=headers, timeout=60) as http:
            listed = http.get(path).raise_for_status().json()
            body = {
                "user_id": uid,
                "team_id": crowd.team_id,
                "display_name": "Projects",
                "channel_ids": team_channels[:CUSTOM_SIZE],
            }
            http.post(path, json=body).raise_for_status()
            favorites = listed["categories"][0]
            favorites["channel_ids"] = team_channels[CUSTOM_SIZE : CUSTOM_SIZE + FAVORITES]
            http.put(path, json=[favorites]).raise_for_status()
            got = http.get(path).raise_for_status().json()
            total = sum(len(c["channel_ids"]) for c in got["categories"])
            assert total >= len(team_channels), total


async def _client(
    session: aiohttp.ClientSession,
    url: str,
    token: str,
    stop: float,
    latencies: list[float],
    errors: list[int],
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


async def _phase(label: str, urls: dict[str, str], seconds: float) -> None:
    result = await run_clients(
        list(urls),
        lambda session, token, stop, lat, err: _client(session, urls[token], token, stop, lat, err),
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
    parser.add_argument("--users", type=int, default=4, help="users in all the channels")
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    print(
        f"machine: {machine()}; backend: {args.backend}; "
        f"{args.users} users, each in {args.channels + 1} channels"
    )
    with bench_server(args.backend, args.users) as setup:
        crowd = setup.crowd
        team_channels = asyncio.run(_seed(setup.database_url, crowd, args.channels))
        api = f"{setup.base}/api/v4"
        _arrange(api, crowd, team_channels)
        analyze(setup.database_url)
        urls = {
            token: f"{api}/users/{uid}/teams/{crowd.team_id}/channels/categories"
            for uid, token in zip(crowd.user_ids, crowd.tokens, strict=True)
        }
        first = dict(list(urls.items())[:1])
        asyncio.run(_phase("GET categories, 1 client", first, args.seconds))
        asyncio.run(_phase(f"GET categories, {len(urls)} clients", urls, args.seconds))


if __name__ == "__main__":
    main()
