"""Collapsed reply threads at scale on PostgreSQL: thread lists, long threads, replies to
threads with many followers, unread counts, and Roost's SQL beside Mattermost's.

Setup: the data set of bench/thread_data.py (defaults: 1,000,000 posts, 100,000 threads,
10,000 users, one team, 300 channels; threads of 5,000 replies with 1,000 followers;
users following 1,200+ threads) in a fresh PostgreSQL database (or --database-url), one
`roost serve` process on it (--workers N: N processes joined through the local Redis,
as `roost serve --workers` runs them), and this script as the load generator, a separate process
on the same machine. Phases:
1. GET /users/{id}/teams/{team}/threads?per_page=25 (with totals), for the users
   following the most threads and for ordinary users (--requests, --clients);
2. GET /posts/{root}/thread of a 5,000-reply thread, whole and a page of 60;
3. GET /users/{id}/teams/{team}/unread and /users/{id}/teams/unread;
4. one follower of a 1,000-follower thread replies --replies times, one every
   --reply-interval seconds, first with nobody connected (the POST's latency: the write
   alone), then with every follower holding a WebSocket (in a process of their own):
   the POST's latency, and the time from sending it until the last follower had its
   `thread_updated`; then the rows each reply updated (and how many were HOT) and the
   WAL it wrote;
5. with the server stopped, straight through asyncpg: the statements Roost issues for a
   thread list (recorded from roost.store while it runs them) against Mattermost's
   (a correlated COUNT(*) of unread replies per listed thread, totals joined with the
   root posts), p50/p99 and their ratio; then EXPLAIN (ANALYZE, BUFFERS) of the hot
   statements, the fan-out of a reply to 1,000 followers in a transaction rolled back.

    .venv/bin/python -m bench.threads                   # load, run, drop the database
    .venv/bin/python -m bench.threads --small           # a tenth of the data
    .venv/bin/python -m bench.threads --keep-db         # keep it, and print its URL
    .venv/bin/python -m bench.threads --database-url postgresql://postgres@127.0.0.1/db

Phase 4 adds its replies to the data set (a thread grows by 2 x --replies + 1); phase 5's
rolled-back statements leave dead rows for autovacuum. Nothing else is changed.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson

from bench.common import REDIS_URL, commit_buckets, describe, describe_commits, machine
from bench.thread_data import (
    Shape,
    bench_token,
    create_database,
    drop_database,
    load,
    loaded_shape,
)
from bench.thread_facts import PER_PAGE, Facts, auth_headers, discover, spread
from bench.thread_sql import sql_phase
from roost.loadtest.crowd import CROWD_PASSWORD
from tests.support.server import running_server

CONNECT_BATCH = 100


# HTTP.


@dataclass
class Timed:
    latencies: list[float]
    errors: list[int]
    size: int
    elapsed: float


async def timed_gets(
    session: aiohttp.ClientSession, jobs: Sequence[tuple[str, str]], clients: int
) -> Timed:
    """GET every (url, user) once, ``clients`` at a time."""
    pending = iter(jobs)
    latencies: list[float] = []
    errors: list[int] = []
    size = [0]

    async def client() -> None:
        for url, user in pending:
            started = time.perf_counter()
            async with session.get(url, headers=auth_headers(user)) as r:
                body = await r.read()
            if r.status != 200:
                errors.append(r.status)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            size[0] += len(body)

    started = time.perf_counter()
    await asyncio.gather(*[client() for _ in range(clients)])
    return Timed(latencies, errors, size[0], time.perf_counter() - started)


async def measure(
    session: aiohttp.ClientSession,
    label: str,
    url_for: Callable[[str], str],
    users: Sequence[str],
    requests: int,
    clients: int,
) -> None:
    """Warm up (each user once: token and caches), then ``requests`` over the users."""
    await timed_gets(session, [(url_for(u), u) for u in users], clients)
    jobs = [(url_for(users[i % len(users)]), users[i % len(users)]) for i in range(requests)]
    result = await timed_gets(session, jobs, clients)
    n = len(result.latencies)
    print(
        f"{label}: {n} requests by {len(users)} users, {clients} concurrent clients, "
        f"{n / result.elapsed:.0f}/s, {len(result.errors)} errors {sorted(set(result.errors))}"
    )
    print(f"  latency: {describe(result.latencies)}; response {result.size / max(1, n):,.0f} B")


async def http_reads(base: str, facts: Facts, args: argparse.Namespace) -> None:
    api = f"{base}/api/v4"
    team = facts.team_id
    heavy = [u for u, _ in facts.heavy]
    ordinary = [u for u, _ in facts.ordinary]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async with session.post(
            f"{api}/users/login", json={"login_id": "crt-0", "password": CROWD_PASSWORD}
        ) as r:
            print(f"login as crt-0 with the data set's password: HTTP {r.status}")
        heaviest = heavy[0]
        async with session.get(
            f"{api}/users/{heaviest}/teams/{team}/threads?per_page={PER_PAGE}",
            headers=auth_headers(heaviest),
        ) as r:
            page = await r.json()
        print(
            f"the heaviest user's first page: total {page['total']}, unread threads "
            f"{page['total_unread_threads']}, unread mentions {page['total_unread_mentions']}, "
            f"{len(page['threads'])} threads"
        )

        print("\n1. thread list, GET /users/{id}/teams/{team}/threads?per_page=25 (with totals)")

        def threads_url(u: str) -> str:
            return f"{api}/users/{u}/teams/{team}/threads?per_page={PER_PAGE}"

        for label, users in (("heavy users", heavy), ("ordinary users", ordinary)):
            await measure(session, label, threads_url, users, args.requests, args.clients)

        thread = facts.read_thread
        print(
            f"\n2. GET /posts/{{root}}/thread, a thread of {thread.reply_count:,} replies "
            f"with {thread.followers:,} followers"
        )
        readers = facts.readers
        await measure(
            session,
            "whole thread",
            lambda _u: f"{api}/posts/{thread.id}/thread",
            readers,
            args.thread_requests,
            2,
        )
        await measure(
            session,
            "first page of 60 (perPage=60&collapsedThreads=true&direction=down)",
            lambda _u: (
                f"{api}/posts/{thread.id}/thread?perPage=60&collapsedThreads=true&direction=down"
            ),
            readers,
            args.requests,
            args.clients,
        )

        print("\n3. unread counts")
        for path, url_for in (
            ("/users/{id}/teams/{team}/unread", lambda u: f"{api}/users/{u}/teams/{team}/unread"),
            ("/users/{id}/teams/unread", lambda u: f"{api}/users/{u}/teams/unread"),
        ):
            for label, users in (("heavy users", heavy), ("ordinary users", ordinary)):
                await measure(
                    session, f"GET {path}, {label}", url_for, users, args.requests, args.clients
                )


# WebSocket fan-out of thread_updated.


class Listener:
    """Every follower's socket; records when each `thread_updated` arrived and the
    thread's last_reply_at it showed. A reply counts as announced to a follower by the
    first event showing it or a later one: the server may fold replies that came
    together into one event per follower."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.ready = asyncio.Event()
        self.arrived = asyncio.Event()
        self.authenticated = 0
        self.seen: dict[str, list[tuple[int, float]]] = {}
        self.others = 0

    def arrivals(self, keys: Sequence[int]) -> dict[int, list[float]]:
        """For each reply (its create_at), when each follower first had it."""
        out: dict[int, list[float]] = {}
        for key in keys:
            times = []
            for events in self.seen.values():
                first = next((at for shown, at in events if shown >= key), None)
                if first is not None:
                    times.append(first)
            out[key] = times
        return out

    async def run(self, session: aiohttp.ClientSession, url: str, user: str) -> None:
        async with session.ws_connect(url, max_msg_size=0, heartbeat=None) as ws:
            challenge = {
                "seq": 1,
                "action": "authentication_challenge",
                "data": {"token": bench_token(user)},
            }
            await ws.send_str(orjson.dumps(challenge).decode())
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                now = time.perf_counter()
                data = msg.data
                if '"seq_reply":1' in data:
                    self.authenticated += 1
                    if self.authenticated == self.total:
                        self.ready.set()
                    continue
                if '"event":"thread_updated"' not in data:
                    continue
                frame = orjson.loads(data)
                if frame["broadcast"]["user_id"] != user:
                    self.others += 1
                    continue
                thread = orjson.loads(frame["data"]["thread"])
                self.seen.setdefault(user, []).append((int(thread["last_reply_at"]), now))
                self.arrived.set()

    def complete(self, keys: Sequence[int]) -> bool:
        """Every follower has had the last reply (and so every earlier one)."""
        last = max(keys, default=0)
        return len(self.seen) >= self.total and all(
            any(shown >= last for shown, _ in events) for events in self.seen.values()
        )


def listen(url: str, users: list[str], pipe: Connection) -> None:
    """The sockets' own process (so that handling a thousand frames per reply never
    delays the poster's clock): ("ready", seconds) once every socket is authenticated;
    then, given the replies' create_at values, ("arrivals", {create_at: [times]},
    events for another user) once every follower had each or 10 s passed. Times are
    time.perf_counter(), CLOCK_MONOTONIC on Linux: the same clock in both processes."""
    asyncio.run(_listen(url, users, pipe))


async def _listen(url: str, users: list[str], pipe: Connection) -> None:
    listener = Listener(len(users))
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tasks = []
        started = time.perf_counter()
        for start in range(0, len(users), CONNECT_BATCH):
            for user in users[start : start + CONNECT_BATCH]:
                tasks.append(asyncio.create_task(listener.run(session, url, user)))
            await asyncio.sleep(0.05)
        await asyncio.wait_for(listener.ready.wait(), timeout=120)
        pipe.send(("ready", time.perf_counter() - started))
        keys: list[int] = await loop.run_in_executor(None, pipe.recv)
        deadline = time.perf_counter() + 10
        while not listener.complete(keys) and time.perf_counter() < deadline:
            listener.arrived.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(listener.arrived.wait(), deadline - time.perf_counter())
        pipe.send(("arrivals", listener.arrivals(keys), listener.others))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _post_replies(
    base: str, facts: Facts, poster: str, args: argparse.Namespace, count: int = 0
) -> tuple[dict[int, float], list[float], list[int]]:
    """One reply every --reply-interval s, each sent once the last has returned
    (``count`` of them, --replies by default)."""
    thread = facts.reply_thread
    sent: dict[int, float] = {}
    latencies: list[float] = []
    errors: list[int] = []
    body = {"channel_id": thread.channel_id, "root_id": thread.id}
    async with aiohttp.ClientSession() as session:
        first = time.perf_counter()
        for n in range(count or args.replies):
            await asyncio.sleep(max(0.0, first + n * args.reply_interval - time.perf_counter()))
            at = time.perf_counter()
            async with session.post(
                f"{base}/api/v4/posts",
                json={**body, "message": f"thread benchmark reply {n}"},
                headers=auth_headers(poster),
            ) as r:
                created = await r.json()
            if r.status != 201:
                errors.append(r.status)
                continue
            latencies.append((time.perf_counter() - at) * 1000)
            sent[int(created["create_at"])] = at
    return sent, latencies, errors


async def _write_stats(url: str) -> dict[str, int]:
    """Row updates (all and HOT) of the tables a reply touches, and the WAL position."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
            " WHERE relname IN ('posts', 'thread_memberships', 'channels', 'channel_members')"
        )
        out = {f"{r[0]} upd": int(r[1]) for r in rows}
        out.update({f"{r[0]} hot": int(r[2]) for r in rows})
        out["wal"] = int(await conn.fetchval("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))
    finally:
        await conn.close()
    return out


def commits_since(base: str, before: dict[float, float]) -> str:
    return describe_commits(before, commit_buckets(base))


def _receive(pipe: Connection, proc: Any, seconds: float, failure: str) -> Any:
    deadline = time.monotonic() + seconds
    while not pipe.poll(0.5):
        if not proc.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(failure)
    return pipe.recv()


def replies_to_followed_thread(base: str, facts: Facts, args: argparse.Namespace) -> int:
    """Returns how many replies were posted."""
    thread, followers = facts.reply_thread, facts.followers
    poster = followers[0]
    print(
        f"\n4. replies to a thread of {thread.reply_count:,} replies with {len(followers):,} "
        f"followers; {args.replies} replies by one follower, one every {args.reply_interval} s"
    )
    # The first post in a channel after start-up fills the server's caches of it (the
    # channel's mention index: every member's keys); it is reported, not counted.
    _, first, errors = asyncio.run(_post_replies(base, facts, poster, args, count=1))
    warm = f"{first[0]:.1f} ms" if first else "failed"
    print(f"  the first reply after start-up (caches filled): {warm}; errors {errors}")
    commits = commit_buckets(base)
    _, alone, errors = asyncio.run(_post_replies(base, facts, poster, args))
    print(
        f"  with no follower connected, POST /posts (until committed and answered): "
        f"{describe(alone)}; errors {errors}"
    )
    print(f"    the server's commits (roost_post_commit_seconds): {commits_since(base, commits)}")
    print("  with every follower holding a WebSocket (in a process of their own):")
    ctx = multiprocessing.get_context("spawn")
    mine, theirs = ctx.Pipe()
    url = base.replace("http://", "ws://") + "/api/v4/websocket"
    proc = ctx.Process(target=listen, args=(url, followers, theirs), daemon=True)
    proc.start()
    try:
        _, seconds = _receive(mine, proc, 180, "the followers' sockets did not all authenticate")
        print(f"    {len(followers)} sockets authenticated in {seconds:.1f} s")
        time.sleep(1)
        commits = commit_buckets(base)
        sent, post_latency, errors = asyncio.run(_post_replies(base, facts, poster, args))
        commit_figures = commits_since(base, commits)
        mine.send(list(sent))
        _, arrivals, others = _receive(mine, proc, 60, "the followers' process did not report")
    finally:
        proc.join(30)
        if proc.is_alive():
            proc.kill()
    until_all: list[float] = []
    each: list[float] = []
    incomplete = 0
    for key, at in sent.items():
        times = arrivals.get(key, [])
        each.extend((t - at) * 1000 for t in times)
        if len(times) < len(followers):
            incomplete += 1
        else:
            until_all.append((max(times) - at) * 1000)
    print(
        f"    POST /posts (until committed and answered): {describe(post_latency)}; errors {errors}"
    )
    print(f"    the server's commits (roost_post_commit_seconds): {commit_figures}")
    print(f"    until every follower had thread_updated: {describe(until_all)}")
    print(f"    each thread_updated delivery: {describe(each)}")
    print(
        f"    replies not announced to every follower within 10 s: {incomplete}; "
        f"events for another user on a socket: {others}"
    )
    return 2 * int(args.replies) + 1


def print_write_stats(before: dict[str, int], after: dict[str, int], replies: int) -> None:
    parts = []
    for table in ("thread_memberships", "posts", "channels", "channel_members"):
        updated = after.get(f"{table} upd", 0) - before.get(f"{table} upd", 0)
        hot = after.get(f"{table} hot", 0) - before.get(f"{table} hot", 0)
        parts.append(f"{table} {updated / replies:,.0f} ({hot / replies:,.0f} HOT)")
    wal = (after["wal"] - before["wal"]) / replies / 1024
    print(f"  rows updated per reply: {', '.join(parts)}")
    print(
        f"  WAL written during the phase, per reply: {wal:,.0f} kB (everything included: "
        "full-page images after checkpoints, autovacuum)"
    )


# Running it.


@contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    if args.database_url:
        yield args.database_url
        return
    url = asyncio.run(create_database())
    try:
        yield url
    finally:
        if args.keep_db:
            print(f"\nkept the database: --database-url {url}")
        else:
            asyncio.run(drop_database(url))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="a tenth of the data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="use (and keep) this database; loaded if empty")
    parser.add_argument("--keep-db", action="store_true", help="keep the database made here")
    parser.add_argument("--requests", type=int, default=400, help="per measured phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--thread-requests", type=int, default=150, help="whole-thread reads")
    parser.add_argument("--replies", type=int, default=100)
    parser.add_argument("--reply-interval", type=float, default=0.2, help="seconds")
    parser.add_argument("--users", type=int, default=20, help="heavy and ordinary users used")
    parser.add_argument("--sql-runs", type=int, default=400)
    parser.add_argument("--fanout-runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1, help="server processes (via Redis)")
    parser.add_argument(
        "--as-owner",
        action="store_true",
        help="the server logs in as the superuser (no row security)",
    )
    args = parser.parse_args()
    shape = Shape.small(args.seed) if args.small else Shape(seed=args.seed)
    print(f"machine: {machine()}; backend: postgres")
    with database(args) as url:
        found = asyncio.run(loaded_shape(url))
        if found is None:
            print(f"loading the data set into {url}")
            asyncio.run(load(url, shape))
        elif found != shape:
            print(f"note: the database holds a different shape than asked; using it: {found}")
            shape = found
        facts = asyncio.run(discover(url, shape, args.users, args.seed))
        print(f"data set: {shape.describe()}")
        print(
            f"PostgreSQL {facts.settings['version']}, shared_buffers "
            f"{facts.settings['shared_buffers']}, work_mem {facts.settings['work_mem']}, "
            f"effective_cache_size {facts.settings['effective_cache_size']}; sizes: "
            + ", ".join(f"{k} {v}" for k, v in facts.sizes.items())
        )
        print(
            f"heavy users: {len(facts.heavy)}, following {spread(facts.heavy)} threads; "
            f"ordinary users: {len(facts.ordinary)}, following {spread(facts.ordinary)}"
        )
        env: dict[str, str] = {}
        serve_args: list[str] = []
        if args.workers > 1:
            env = {
                "ROOST_REDIS_URL": REDIS_URL,
                "ROOST_REDIS_PREFIX": f"bench-{uuid.uuid4().hex[:6]}",
            }
            serve_args = ["--workers", str(args.workers)]
        print(
            f"`roost serve` with {args.workers} process(es) (defaults, PostgreSQL pool 20"
            f"{', joined through the local Redis' if args.workers > 1 else ''}; row security "
            f"{'not applied: superuser' if args.as_owner else 'applied'}); this script "
            "is the client, in another process on the same machine"
        )
        with (
            tempfile.TemporaryDirectory(prefix="roost-bench-") as tmp,
            running_server(url, Path(tmp), env, serve_args, args.as_owner) as base,
        ):
            asyncio.run(http_reads(base, facts, args))
            before = asyncio.run(_write_stats(url))
            replies = replies_to_followed_thread(base, facts, args)
        # After the server has gone: its connections have flushed their statistics.
        print_write_stats(before, asyncio.run(_write_stats(url)), replies)
        asyncio.run(sql_phase(url, facts, args))


if __name__ == "__main__":
    main()
