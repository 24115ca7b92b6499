"""Other requests' latency while the data retention job deletes expired posts (issue 24:
p99 within 2x of the quiet figure).

Setup: a fresh database (PostgreSQL by default) seeded by ``roost loadtest seed``
(--posts posts spread over a year), one ``roost serve`` process, and this script as the
load generator (a separate process): --clients closed-loop clients reading (the
channel's posts, the user, the team's channels) as the seeded admin. Phase 1: the
quiet figure for --seconds. Then the global policy is set to keep --keep-days days
(almost every post expires) and a job is asked for; phase 2 measures the same load while
the job runs, until it is done.

    .venv/bin/python -m bench.retention --backend postgres --posts 200000 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import describe, machine
from roost.loadtest.seed import seed
from roost.loadtest.seed_plan import SeedConfig, admin_username
from tests.support.databases import database
from tests.support.server import running_server

PASSWORD = "Loadtest-password-1"


async def _load(
    api: str, token: str, paths: list[str], stop: Any, clients: int
) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=60) as http:

        async def client(offset: int) -> None:
            i = offset
            while not stop():
                t0 = time.perf_counter()
                r = await http.get(paths[i % len(paths)])
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code >= 400:
                    errors.append(r.status_code)
                i += 1

        await asyncio.gather(*[client(n) for n in range(clients)])
    return latencies, errors


async def _job_done(api: str, token: str, job_id: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=60) as http:
        while True:
            job = (await http.get(f"/jobs/{job_id}")).json()
            if job["status"] in ("success", "error", "canceled"):
                return dict(job)
            await asyncio.sleep(1.0)


def _paths(api: str, token: str) -> list[str]:
    """What the clients read: the admin, a team's channels, 20 channels' posts."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=api, headers=headers, timeout=60) as http:
        me = http.get("/users/me").json()
        team = http.get(f"/users/{me['id']}/teams").json()[0]
        channels = http.get(f"/users/{me['id']}/teams/{team['id']}/channels").json()
    paths = ["/users/me", f"/teams/{team['id']}/channels"]
    return paths + [f"/channels/{c['id']}/posts?per_page=60" for c in channels[:20]]


async def _phases(api: str, token: str, paths: list[str], args: argparse.Namespace) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    quiet_stop = time.perf_counter() + args.seconds
    quiet, quiet_errors = await _load(
        api, token, paths, lambda: time.perf_counter() > quiet_stop, args.clients
    )
    print(f"quiet: {len(quiet)} requests, {describe(quiet)}, errors {len(quiet_errors)}")
    patch = {
        "DataRetentionSettings": {
            "EnableMessageDeletion": True,
            "MessageRetentionDays": args.keep_days,
        }
    }
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=60) as http:
        (await http.put("/config/patch", json=patch)).raise_for_status()
        job = (await http.post("/jobs", json={"type": "data_retention"})).json()
    started = time.perf_counter()
    done: dict[str, Any] = {}

    async def watch() -> None:
        done.update(await _job_done(api, token, job["id"]))

    watcher = asyncio.create_task(watch())
    busy, busy_errors = await _load(api, token, paths, lambda: bool(done), args.clients)
    await watcher
    took = time.perf_counter() - started
    print(f"during the job: {len(busy)} requests, {describe(busy)}, errors {len(busy_errors)}")
    deleted = int(done["data"].get("posts_deleted", 0))
    print(
        f"job {done['status']}: {deleted:,} posts deleted in {took:.0f} s "
        f"({deleted / took:,.0f} posts/s), data {done['data']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep-days", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        data_dir = Path(tmp)
        with database(args.backend, data_dir) as url:
            started = time.perf_counter()
            cfg = SeedConfig(posts=args.posts, bcrypt_cost=4, password=PASSWORD)
            asyncio.run(seed(url, cfg, data_dir / "manifest.json"))
            print(f"seeded {args.posts:,} posts in {time.perf_counter() - started:.0f} s")
            with running_server(url, data_dir) as base:
                login = httpx.post(
                    f"{base}/api/v4/users/login",
                    json={"login_id": admin_username(cfg.prefix), "password": PASSWORD},
                    timeout=60,
                )
                login.raise_for_status()
                api, token = f"{base}/api/v4", login.headers["Token"]
                asyncio.run(_phases(api, token, _paths(api, token), args))


if __name__ == "__main__":
    main()
