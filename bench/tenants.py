"""Tenants that cost a row: creating many, and what idle ones cost a node.

Setup: one `roost serve` process on a fresh database (PostgreSQL by default) with a
base domain and an operator token; this script is the client, a separate process on
the same machine. Phases:
1. the server's start-up time (process start until /system/ping answers) and resident
   memory (from its /metrics) with only the default tenant;
2. --tenants tenants created one after another through POST /operator/v1/tenants
   (latency per create: p50/p99), with --clients concurrent operators;
3. the server's memory after creating them, and a request to one of them;
4. the server restarted on the same database: start-up time and memory with every
   tenant in its directory, and the database connections it holds (idle tenants hold
   none: connections are per node, not per tenant).

    .venv/bin/python -m bench.tenants --tenants 10000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg
import httpx

from bench.common import describe, machine
from tests.support.databases import database
from tests.support.server import admin_url, running_server

OPERATOR_TOKEN = "bench-operator-" + "t" * 40
BASE_DOMAIN = "chat.bench"


def rss_mib(base: str) -> float:
    text = httpx.get(f"{admin_url(base)}/metrics", timeout=10).text
    for line in text.splitlines():
        if line.startswith("process_resident_memory_bytes "):
            return float(line.split()[1]) / 2**20
    return float("nan")


async def create_tenants(base: str, count: int, clients: int) -> list[float]:
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    next_index = 0

    async def operator(session: aiohttp.ClientSession) -> None:
        nonlocal next_index
        while next_index < count:
            n = next_index
            next_index += 1
            started = time.perf_counter()
            async with session.post(
                f"{admin_url(base)}/operator/v1/tenants",
                json={"name": f"org{n:06d}", "display_name": f"Organisation {n}"},
                headers=headers,
            ) as r:
                await r.read()
                assert r.status == 201, r.status
            latencies.append((time.perf_counter() - started) * 1000)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(operator(session) for _ in range(clients)))
    return latencies


async def connections(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        name = await conn.fetchval("SELECT current_database()")
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> "
                "pg_backend_pid()",
                name,
            )
        )
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent operators")
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: {args.backend}")
    env = {"ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN, "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN}
    with (
        tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp,
        database(args.backend, Path(tmp)) as url,
    ):
        started = time.perf_counter()
        with running_server(url, Path(tmp), env) as base:
            boot_empty = time.perf_counter() - started
            rss_empty = rss_mib(base)
            conns_empty = asyncio.run(connections(url)) if args.backend == "postgres" else 0
            print(
                f"1. one tenant: start-up {boot_empty * 1000:.0f} ms (process start to"
                f" /system/ping), RSS {rss_empty:.1f} MiB"
            )
            began = time.perf_counter()
            latencies = asyncio.run(create_tenants(base, args.tenants, args.clients))
            took = time.perf_counter() - began
            print(
                f"2. {args.tenants:,} tenants created by {args.clients} concurrent operators in"
                f" {took:.1f} s ({args.tenants / took:,.0f}/s); each create: {describe(latencies)}"
            )
            rss_full = rss_mib(base)
            last = f"org{args.tenants - 1:06d}.{BASE_DOMAIN}"
            ping = httpx.get(
                f"{base}/api/v4/config/client?format=old", headers={"Host": last}, timeout=10
            )
            print(
                f"3. RSS after: {rss_full:.1f} MiB (+{rss_full - rss_empty:.1f} MiB, "
                f"{(rss_full - rss_empty) * 1024 / args.tenants:.2f} KiB per tenant); the last "
                f"tenant answers: HTTP {ping.status_code}"
            )
        started = time.perf_counter()
        with running_server(url, Path(tmp), env) as base:
            boot_full = time.perf_counter() - started
            rss_restart = rss_mib(base)
            conns_full = asyncio.run(connections(url)) if args.backend == "postgres" else 0
            print(
                f"4. restarted with {args.tenants + 1:,} tenants: start-up"
                f" {boot_full * 1000:.0f} ms, RSS {rss_restart:.1f} MiB"
                f" (+{rss_restart - rss_empty:.1f} MiB over one tenant,"
                f" {(rss_restart - rss_empty) * 1024 / args.tenants:.2f} KiB per tenant)"
            )
            if args.backend == "postgres":
                print(
                    f"   database connections held by the server: {conns_empty} with one"
                    f" tenant, {conns_full} with {args.tenants + 1:,}"
                )


if __name__ == "__main__":
    main()
