"""GET /api/v4/analytics/old at 1,000,000 posts (issue 24: under 50 ms).

Setup: a fresh database (PostgreSQL by default) seeded by ``roost loadtest seed``
(--posts posts over a year, 1 user per 100 posts, 2 channels per user), plus what a
server that had taken those posts would have written: a year of per-day post counts and
who posted on each of the last 30 days (every 5th user each day). Then one ``roost
serve`` process; this script is the load generator, a separate process: a closed loop
of one client asking each statistic in turn for --seconds.

    .venv/bin/python -m bench.analytics --backend postgres --posts 1000000 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import describe, machine
from roost.loadtest.seed import seed
from roost.loadtest.seed_plan import SeedConfig, admin_username
from roost.store import tables
from roost.store.admin import schema
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import across_tenants, tenant_scope
from tests.support.databases import database
from tests.support.server import running_server

NAMES = ("standard", "post_counts_day", "user_counts_with_posts_day")
PASSWORD = "Loadtest-password-1"


async def _history(url: str, posts: int) -> int:
    """Per-day counts for a year, and who posted on the last 30 days; the user count."""
    db = Database(url)
    t = DEFAULT_TENANT_ID
    today = dt.datetime.now(dt.UTC).date()
    days = [(today - dt.timedelta(days=i)).isoformat() for i in range(365)]
    try:
        with tenant_scope(t):
            async with db.read() as conn:
                rows = await conn.execute(
                    tables.users.select().with_only_columns(tables.users.c.id)
                )
                user_ids = [r.id for r in rows]
        with across_tenants():
            async with db.write() as conn:
                await conn.execute(
                    tables.tenant_daily_usage.insert(),
                    [
                        {"tenant_id": t, "day": d, "requests": 0, "posts": posts // 365}
                        for d in days
                    ],
                )
        posters = [
            {"tenant_id": t, "day": d, "user_id": u}
            for i, d in enumerate(days[:30])
            for u in user_ids[i % 5 :: 5]
        ]
        counts: dict[str, int] = {}
        for row in posters:
            counts[row["day"]] = counts.get(row["day"], 0) + 1
        with tenant_scope(t):
            async with db.write() as conn:
                await conn.execute(
                    schema.daily_poster_counts.insert(),
                    [{"tenant_id": t, "day": d, "users": n} for d, n in counts.items()],
                )
                for start in range(0, len(posters), 10_000):
                    await conn.execute(
                        schema.daily_posters.insert(), posters[start : start + 10_000]
                    )
    finally:
        await db.close()
    return len(user_ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        data_dir = Path(tmp)
        with database(args.backend, data_dir) as url:
            started = time.perf_counter()
            cfg = SeedConfig(posts=args.posts, bcrypt_cost=4, password=PASSWORD)
            asyncio.run(seed(url, cfg, data_dir / "manifest.json"))
            users = asyncio.run(_history(url, args.posts))
            print(
                f"seeded {args.posts:,} posts, {users:,} users in {time.perf_counter() - started:.0f} s"
            )
            # No cache: every call computes its answer (the worst case).
            with running_server(url, data_dir, {"ROOST_ANALYTICS_CACHE_SECONDS": "0"}) as base:
                login = httpx.post(
                    f"{base}/api/v4/users/login",
                    json={"login_id": admin_username(cfg.prefix), "password": PASSWORD},
                    timeout=60,
                )
                login.raise_for_status()
                client = httpx.Client(
                    base_url=f"{base}/api/v4",
                    headers={"Authorization": f"Bearer {login.headers['Token']}"},
                    timeout=60,
                )
                with client:
                    for name in NAMES:  # warm up, and show the answer
                        answer = client.get("/analytics/old", params={"name": name}).json()
                        print(f"{name}: {answer[:3]}{' ...' if len(answer) > 3 else ''}")
                    latencies: dict[str, list[float]] = {n: [] for n in NAMES}
                    stop = time.perf_counter() + args.seconds
                    while time.perf_counter() < stop:
                        for name in NAMES:
                            t0 = time.perf_counter()
                            r = client.get("/analytics/old", params={"name": name})
                            latencies[name].append((time.perf_counter() - t0) * 1000)
                            r.raise_for_status()
                for name in NAMES:
                    print(f"{name}: {len(latencies[name])} calls, {describe(latencies[name])}")


if __name__ == "__main__":
    main()
