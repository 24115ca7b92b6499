"""What the audit log costs on its busiest path: failed logins, one record each.

Setup: for each variant a fresh database, a crowd (only for its tokens' count) and one
`roost serve` process; this script is the load generator on the same machine. Clients
log in in a closed loop with login ids that exist nowhere (401 at once, no password hash
to check), so the request is cheap and the audit record is a large share of its work.
After the phase the server's metrics tell how many records were written and dropped,
and an admin reads the newest page of the log (GET /api/v4/audits) a number of times.

Variants: ``audit`` (this checkout) and, with --before-src, ``before`` (another
checkout's src/, e.g. `git worktree add /tmp/before <commit>`: no audit log).

    .venv/bin/python -m bench.audit_log --backend postgres --rounds 2 --seconds 10 \\
        --before-src /tmp/before/src
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import httpx

from bench.common import bench_server, describe, machine, percentile, run_clients
from roost.app.kernel.audit import AUDIT_QUEUE_MAX, AuditLog
from roost.app.kernel.context import Actor
from roost.store.db.database import Database
from roost.store.db.migrate import upgrade_async
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import tenant_scope
from tests.support.client import PASSWORD
from tests.support.databases import database_async
from tests.support.server import admin_url


async def _fail_logins(
    session: aiohttp.ClientSession,
    base: str,
    stop: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    url = f"{base}/api/v4/users/login"
    while time.perf_counter() < stop:
        body = {"login_id": f"nobody-{uuid.uuid4().hex[:12]}", "password": "wrong-password"}
        started = time.perf_counter()
        async with session.post(url, json=body) as r:
            await r.read()
            if r.status != 401:
                errors.append(r.status)
        latencies.append((time.perf_counter() - started) * 1000)


def _counter(base: str, name: str) -> float:
    text = httpx.get(f"{admin_url(base)}/metrics", timeout=10).text
    total = 0.0
    for match in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", text, re.MULTILINE):
        total += float(match.group(1))
    return total


def _admin_token(base: str, database_url: str) -> str:
    """A system admin made with the command line (the crowd's users are not), logged in."""
    name = f"auditor{uuid.uuid4().hex[:8]}"
    command = ["user", "create", "--email", f"{name}@example.com", "--username", name]
    subprocess.run(
        [sys.executable, "-m", "roost.cli", *command, "--password", PASSWORD, "--system-admin"],
        env=dict(os.environ, ROOST_DATABASE_URL=database_url),
        check=True,
        capture_output=True,
    )
    r = httpx.post(f"{base}/api/v4/users/login", json={"login_id": name, "password": PASSWORD})
    r.raise_for_status()
    return r.headers["Token"]


def _read_pages(base: str, token: str, times: int) -> list[float]:
    latencies: list[float] = []
    with httpx.Client(base_url=f"{base}/api/v4", timeout=30) as http:
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(times):
            started = time.perf_counter()
            r = http.get("/audits", params={"per_page": 60}, headers=headers)
            r.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _run(name: str, args: argparse.Namespace) -> None:
    if name == "before":
        os.environ["ROOST_BENCH_SERVER_SRC"] = args.before_src
    else:
        os.environ.pop("ROOST_BENCH_SERVER_SRC", None)
    with bench_server(args.backend, 1) as setup:
        token = _admin_token(setup.base, setup.database_url)
        tokens = [str(n) for n in range(args.clients)]
        result = asyncio.run(
            run_clients(
                tokens,
                lambda session, _t, stop, lat, err: _fail_logins(
                    session, setup.base, stop, lat, err
                ),
                args.seconds,
            )
        )
        time.sleep(1)  # the writer's last round
        written = _counter(setup.base, "roost_audit_records_written_total")
        dropped = _counter(setup.base, "roost_audit_records_dropped_total")
        line = (
            f"  {name:<6} failed logins {result.rate:7.0f}/s "
            f"p50 {percentile(result.latencies, 50):5.1f} ms "
            f"p99 {percentile(result.latencies, 99):6.1f} ms errors {len(result.errors)}"
        )
        if name == "audit":
            pages = _read_pages(setup.base, token, args.reads)
            line += f" | records written {written:.0f} dropped {dropped:.0f}"
            line += f" | GET /audits: {describe(pages)}"
        print(line, flush=True)


def _record_cost() -> str:
    """The recorder's own cost per call, in process (nothing written: the queue only)."""
    log = AuditLog(Database("sqlite+aiosqlite:///unused.db"), queue_max=AUDIT_QUEUE_MAX)
    actor = Actor("t" * 26, "u" * 26, "system_user", session_id="s" * 26)
    started = time.perf_counter()
    for n in range(AUDIT_QUEUE_MAX):
        log.record(actor, "login", f"failure - login_id=nobody-{n}")
    queued = (time.perf_counter() - started) / AUDIT_QUEUE_MAX * 1e6
    started = time.perf_counter()
    for n in range(AUDIT_QUEUE_MAX):
        log.record(actor, "login", f"failure - login_id=nobody-{n}")
    dropped = (time.perf_counter() - started) / AUDIT_QUEUE_MAX * 1e6
    return f"record(): {queued:.1f} us queued, {dropped:.2f} us dropped (queue full)"


async def _writer_cost(backend: str, size: int, rounds: int = 40) -> str:
    """The writer's cost per record, in process on a fresh database: rounds of ``size``
    records (a burst's round is up to 500; a trickle's a few)."""
    with tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp:
        async with database_async(backend, Path(tmp)) as url:
            await upgrade_async(url)
            db = Database(url)
            actor = Actor(DEFAULT_TENANT_ID, "u" * 26, "system_user", session_id="s" * 26)
            try:
                with tenant_scope(DEFAULT_TENANT_ID):
                    log = AuditLog(db)
                    started = time.perf_counter()
                    for _ in range(rounds):
                        for n in range(size):
                            log.record(actor, "login", f"failure - login_id=nobody-{n}")
                        await log.flush()
                    took = time.perf_counter() - started
            finally:
                await db.close()
    return (
        f"writer, rounds of {size}: {took / rounds * 1000:.1f} ms per round, "
        f"{took / (rounds * size) * 1e6:.0f} us per record"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--before-src", default="", help="an older checkout's src/ to compare")
    args = parser.parse_args()
    variants = ["audit"] + (["before"] if args.before_src else [])
    print(
        f"machine: {machine()}; {args.backend}; {args.clients} clients; "
        f"{args.seconds:.0f} s phases; load: {os.getloadavg()[0]:.2f}"
    )
    print(_record_cost())
    for size in (20, 500):
        print(asyncio.run(_writer_cost(args.backend, size)))
    for n in range(args.rounds):
        print(f"round {n + 1}")
        for name in variants if n % 2 == 0 else list(reversed(variants)):
            _run(name, args)


if __name__ == "__main__":
    main()
