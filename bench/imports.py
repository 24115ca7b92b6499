"""Importing a large Mattermost bulk file while the server serves others.

Setup: a generated bulk-import JSONL (``--users`` people, ``--channels`` public channels
of one team, each person in ``--per-user`` of them, ``--posts`` posts and replies with a
fifth of them replies nested under their roots and one post in twenty with a
reaction), a fresh database with a crowd of logged-in users, one `roost serve` process,
and `roost import mattermost` as its own process against the same database (as an
admin runs it). Clients of the crowd call GET /users/me and read their channel's posts
in a closed loop before (baseline) and during the import. Sampled every second: the
import's and the server's resident memory.

    .venv/bin/python -m bench.imports --backend postgres --posts 1000000 --users 10000 \\
        --channels 20000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson

from bench.common import describe, machine, percentile
from roost.loadtest.crowd import load_crowd
from tests.support.databases import database, ensure_runtime_role, is_postgres, runtime_url
from tests.support.server import server_process

T0 = 1_500_000_000_000
EMOJI = ("smile", "+1", "tada", "eyes")


def _line(kind: str, body: object) -> bytes:
    return orjson.dumps({"type": kind, kind: body}) + b"\n"


def generate(path: Path, posts: int, users: int, channels: int, per_user: int) -> int:
    """Write the file a line at a time; returns its number of lines."""
    rng = random.Random(25)
    lines = 0
    with path.open("wb") as out:
        out.write(orjson.dumps({"type": "version", "version": 1}) + b"\n")
        out.write(_line("team", {"name": "big", "display_name": "Big", "type": "O"}))
        lines += 2
        for c in range(channels):
            out.write(
                _line(
                    "channel",
                    {"team": "big", "name": f"c{c}", "display_name": f"Channel {c}", "type": "O"},
                )
            )
        lines += channels
        members: list[list[int]] = [[] for _ in range(channels)]
        for u in range(users):
            mine = sorted({rng.randrange(channels) for _ in range(per_user)})
            for c in mine:
                members[c].append(u)
            person = {
                "username": f"u{u}",
                "email": f"u{u}@example.com",
                "teams": [{"name": "big", "channels": [{"name": f"c{c}"} for c in mine]}],
            }
            out.write(_line("user", person))
        lines += users
        written = 0
        at = T0
        while written < posts:
            c = rng.randrange(channels)
            who = members[c] or [rng.randrange(users)]
            at += 7
            replies = []
            if rng.random() < 0.1:  # a thread: two replies (a fifth of all are replies)
                replies = [
                    {
                        "user": f"u{rng.choice(who)}",
                        "message": f"reply {written} {k}",
                        "create_at": at + k + 1,
                    }
                    for k in range(2)
                ]
            body: dict[str, object] = {
                "team": "big",
                "channel": f"c{c}",
                "user": f"u{rng.choice(who)}",
                "message": f"message {written} in the big import",
                "create_at": at,
                "replies": replies,
            }
            if rng.random() < 0.05:
                body["reactions"] = [
                    {
                        "user": f"u{rng.choice(who)}",
                        "emoji_name": rng.choice(EMOJI),
                        "create_at": at + 5,
                    }
                ]
            out.write(_line("post", body))
            written += 1 + len(replies)
            lines += 1
    return lines


def rss_mb(pid: int) -> float:
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def _client(
    session: aiohttp.ClientSession,
    base: str,
    token: str,
    channel: str,
    stop: float,
    out: list[float],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    paths = ["/api/v4/users/me", f"/api/v4/channels/{channel}/posts?per_page=30"]
    n = 0
    while time.perf_counter() < stop:
        started = time.perf_counter()
        async with session.get(base + paths[n % 2], headers=headers) as r:
            await r.read()
        out.append((time.perf_counter() - started) * 1000)
        n += 1
        await asyncio.sleep(0.02)  # a steady trickle, not a flood


async def _load(base: str, tokens: list[str], channel: str, stop: float) -> list[float]:
    out: list[float] = []
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*[_client(session, base, t, channel, stop, out) for t in tokens])
    return out


async def _during(
    base: str, tokens: list[str], channel: str, proc: subprocess.Popen[bytes], server_pid: int
) -> tuple[list[float], list[float], list[float]]:
    latencies: list[float] = []
    import_rss: list[float] = []
    server_rss: list[float] = []

    async def sample() -> None:
        while proc.poll() is None:
            import_rss.append(rss_mb(proc.pid))
            server_rss.append(rss_mb(server_pid))
            await asyncio.sleep(1.0)

    async def load() -> None:
        async with aiohttp.ClientSession() as session:
            while proc.poll() is None:
                stop = time.perf_counter() + 2.0
                await asyncio.gather(
                    *[_client(session, base, t, channel, stop, latencies) for t in tokens]
                )

    await asyncio.gather(sample(), load())
    return latencies, import_rss, server_rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=20_000)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    args = parser.parse_args()
    print(machine(), "| load average", os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="roost-bench-import-") as tmp:
        data_dir = Path(tmp)
        path = data_dir / "big.jsonl"
        started = time.perf_counter()
        lines = generate(path, args.posts, args.users, args.channels, args.per_user)
        print(
            f"generated {lines:,} lines ({path.stat().st_size / 1e6:,.0f} MB) in "
            f"{time.perf_counter() - started:.0f} s"
        )
        with database(args.backend, data_dir) as url:
            crowd = asyncio.run(load_crowd(url, args.clients))
            with server_process(url, data_dir) as server:
                base = server.base
                stop = time.perf_counter() + args.baseline_seconds
                baseline = asyncio.run(_load(base, crowd.tokens, crowd.channel_id, stop))
                print(f"baseline ({len(baseline)} requests): {describe(baseline)}")
                env = dict(os.environ, ROOST_DATABASE_URL=url, ROOST_DATA_DIR=str(data_dir))
                if is_postgres(url):
                    ensure_runtime_role(url)
                    env["ROOST_DATABASE_OWNER_URL"] = url
                    env["ROOST_DATABASE_URL"] = runtime_url(url)
                started = time.perf_counter()
                proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "roost.cli",
                        "import",
                        "mattermost",
                        str(path),
                        "--quiet",
                    ],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
                during, import_rss, server_rss = asyncio.run(
                    _during(base, crowd.tokens, crowd.channel_id, proc, server.proc.pid)
                )
                out, err = proc.communicate()
                elapsed = time.perf_counter() - started
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the import, waited for
                cpu = usage.ru_utime + usage.ru_stime
                print(out.decode(), err.decode()[-2000:])
                print(
                    f"import: rc {proc.returncode}, {elapsed:.0f} s wall, "
                    f"{args.posts / elapsed:,.0f} posts/s; the import process used {cpu:.0f} s "
                    f"of CPU ({args.posts / max(cpu, 0.001):,.0f} posts per CPU second), "
                    f"max RSS {usage.ru_maxrss / 1024:.0f} MB"
                )
                if import_rss:
                    quarter = max(1, len(import_rss) // 4)
                    print(
                        f"import RSS MB: first quarter max {max(import_rss[:quarter]):.0f}, "
                        f"last quarter max {max(import_rss[-quarter:]):.0f}, max {max(import_rss):.0f}"
                    )
                    print(f"server RSS MB: start {server_rss[0]:.0f}, max {max(server_rss):.0f}")
                print(f"during ({len(during)} requests): {describe(during)}")
                ratio = percentile(during, 99) / percentile(baseline, 99)
                print(f"p99 during / baseline: {ratio:.2f}x | load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
