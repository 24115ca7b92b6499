"""What PostgreSQL's row-level security costs: the same load with the wall and without.

Setup: for each variant, a fresh PostgreSQL database, a crowd of users sharing one
channel and one `roost serve` process; this script is the load generator on the same
machine. Each round runs every variant in turn (so the machine's drift falls on all),
each with two phases: posts in a closed loop (POST /api/v4/posts), then reads of the
channel's newest page (GET /api/v4/channels/{id}/posts).

Variants:
- ``wall``: the server logs in as a role that owns no table: every transaction sets
  its tenant and the policies filter every row (how Roost should run);
- ``owner``: the server logs in as the superuser: the tenant is still set per
  transaction, but the policies are not applied (superusers bypass them);
- ``before`` (with --before-src): the code of an older checkout (no tenant setting at
  all), as the superuser; e.g. a `git worktree add /tmp/before <commit>`.

    .venv/bin/python -m bench.row_security --rounds 3 --seconds 10 --before-src /tmp/before/src
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Setup, analyze, bench_server, machine, percentile, run_clients
from bench.posts import _reader, post_in_a_loop
from roost.loadtest.crowd import Crowd
from tests.support.databases import database
from tests.support.server import running_server


@dataclass
class Figures:
    post_rates: list[float] = field(default_factory=list)
    post_p99: list[float] = field(default_factory=list)
    read_rates: list[float] = field(default_factory=list)
    read_p50: list[float] = field(default_factory=list)
    read_p99: list[float] = field(default_factory=list)
    errors: int = 0


async def _measure(
    base: str, tokens: list[str], channel: str, seconds: float, write: bool
) -> tuple[float, float, float, int]:
    work = post_in_a_loop if write else _reader
    result = await run_clients(
        tokens,
        lambda session, token, stop, lat, err: work(session, base, token, channel, stop, lat, err),
        seconds,
    )
    lat = result.latencies
    return result.rate, percentile(lat, 50), percentile(lat, 99), len(result.errors)


_OLD_CROWD = """
import asyncio, dataclasses, json, sys
from roost.loadtest.crowd import load_crowd
crowd = asyncio.run(load_crowd(sys.argv[1], int(sys.argv[2])))
print(json.dumps(dataclasses.asdict(crowd)))
"""


@contextmanager
def _before_server(src: str, clients: int) -> Iterator[Setup]:
    """Like bench_server, but the crowd is made and the server run by older code (whose
    migrations stop earlier), as the superuser."""
    env = dict(os.environ, PYTHONPATH=src)
    with (
        tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp,
        database("postgres", Path(tmp)) as url,
    ):
        made = subprocess.run(
            [sys.executable, "-c", _OLD_CROWD, url, str(clients)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        crowd = Crowd(**json.loads(made.stdout.strip().splitlines()[-1]))
        with running_server(url, Path(tmp), {"PYTHONPATH": src}, as_owner=True) as base:
            yield Setup(base, url, crowd)


def _server(name: str, args: argparse.Namespace) -> AbstractContextManager[Setup]:
    if name == "before":
        return _before_server(args.before_src, args.clients)
    return bench_server("postgres", args.clients, as_owner=name != "wall")


def _run_variant(name: str, args: argparse.Namespace, figures: Figures) -> None:
    with _server(name, args) as setup:
        tokens, channel = setup.crowd.tokens[: args.clients], setup.crowd.channel_id
        rate, _, p99, errors = asyncio.run(
            _measure(setup.base, tokens, channel, args.seconds, True)
        )
        figures.post_rates.append(rate)
        figures.post_p99.append(p99)
        analyze(setup.database_url)
        r_rate, r_p50, r_p99, r_errors = asyncio.run(
            _measure(setup.base, tokens, channel, args.seconds, False)
        )
        figures.read_rates.append(r_rate)
        figures.read_p50.append(r_p50)
        figures.read_p99.append(r_p99)
        figures.errors += errors + r_errors
        print(
            f"  {name:<7} posts {rate:7.0f}/s p99 {p99:6.1f} ms | reads {r_rate:6.0f}/s "
            f"p50 {r_p50:5.1f} ms p99 {r_p99:6.1f} ms | errors {errors + r_errors}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--before-src", default="", help="an older checkout's src/ to compare")
    args = parser.parse_args()
    variants = ["wall", "owner"] + (["before"] if args.before_src else [])
    print(f"machine: {machine()}; PostgreSQL; {args.clients} clients; {args.seconds:.0f} s phases")
    results = {v: Figures() for v in variants}
    for n in range(args.rounds):
        print(f"round {n + 1}")
        order = variants if n % 2 == 0 else list(reversed(variants))
        for name in order:
            _run_variant(name, args, results[name])
    base = results["owner"]
    print("\nmedians over rounds, and the ratio to 'owner' (no policies applied):")
    for name, f in results.items():
        post = statistics.median(f.post_rates)
        read = statistics.median(f.read_rates)
        print(
            f"  {name:<7} posts {post:7.0f}/s ({post / statistics.median(base.post_rates):.3f}x) "
            f"p99 {statistics.median(f.post_p99):6.1f} ms | reads {read:6.0f}/s "
            f"({read / statistics.median(base.read_rates):.3f}x) p50 "
            f"{statistics.median(f.read_p50):5.1f} ms p99 {statistics.median(f.read_p99):6.1f} ms"
            f" | errors {f.errors}"
        )


if __name__ == "__main__":
    main()
