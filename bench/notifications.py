"""Notifications at scale (issue 21): what they add to posting, and how fast the outbox
drains.

Setup per phase: a fresh database with a crowd of --members users in one channel (each
with a live session), one `roost serve` process, and in this process (the load
generator) a push proxy (aiohttp, the `/api/v1/send_push` contract) and an SMTP server
(aiosmtpd) on loopback.

1. commit: one member posts --posts messages with `@channel`, one at a time, with
   notifications off and then on, alternated twice in a channel of --commit-members
   (where a commit takes milliseconds), then once each with --members (the members have
   no device, so no push is sent). With notifications on each post's job row is written
   in the post's own transaction. Reported: the posts' request latency and the server's
   `roost_post_commit_seconds` histogram (mean and a p99 bound); the difference is what
   notifications add to the commit.
2. push: every member's session names a device; one `@channel` post. Reported: the time
   from the post's answer until the proxy has received a push for every member.
3. digest: email batching on, every member chose a digest interval of --digest-delay
   seconds; one `@channel` post makes one digest item per member. Reported: the time from
   when the items fall due until the SMTP server has every digest.

    .venv/bin/python -m bench.notifications --backend postgres --members 10000 --posts 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from aiosmtpd.controller import Controller
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import (
    REDIS_URL,
    bench_server,
    commit_buckets,
    describe,
    describe_commits,
    machine,
)
from roost.app.notifications import emails
from roost.app.notifications.mail import Mailer
from roost.config import Settings
from roost.store import tables
from roost.store.db.engines import async_url
from tests.support.server import free_port


class Proxy:
    """The push proxy's contract, counting what it receives."""

    def __init__(self) -> None:
        self.count = 0
        self.first = 0.0
        self.last = 0.0
        self.port = free_port()

    async def send(self, request: web.Request) -> web.Response:
        await request.read()
        now = time.perf_counter()
        if not self.count:
            self.first = now
        self.count += 1
        self.last = now
        return web.json_response({"status": "OK"})

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/api/v1/send_push", self.send)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


class Mailbox:
    def __init__(self) -> None:
        self.count = 0
        self.last = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
            self.last = time.perf_counter()
        return "250 OK"


# --worker process: the outbox in its own process (ROOST_NOTIFICATION_WORKER), which
# needs Redis; set by main().
WORKER_ENV: dict[str, str] = {}


def env(proxy: Proxy, smtp_port: int, push: bool, email: bool, **extra: str) -> dict[str, str]:
    return {
        **WORKER_ENV,
        "ROOST_SEND_PUSH_NOTIFICATIONS": str(push).lower(),
        "ROOST_PUSH_NOTIFICATION_SERVER": f"http://127.0.0.1:{proxy.port}",
        "ROOST_SEND_EMAIL_NOTIFICATIONS": str(email).lower(),
        "ROOST_SMTP_SERVER": "127.0.0.1",
        "ROOST_SMTP_PORT": str(smtp_port),
        "ROOST_NOTIFICATION_POLL_SECONDS": "0.5",
        **extra,
    }


async def _set_all(database_url: str, table: Any, **values: Any) -> None:
    engine = create_async_engine(async_url(database_url))
    async with engine.begin() as conn:
        await conn.execute(update(table).values(**values))
    await engine.dispose()


async def _devices(database_url: str) -> None:
    engine = create_async_engine(async_url(database_url))
    s = tables.sessions.c
    async with engine.begin() as conn:
        await conn.execute(update(tables.sessions).values(device_id="android_rn:" + s.user_id))
    await engine.dispose()


async def _digest_prefs(database_url: str, user_ids: list[str], seconds: int) -> None:
    engine = create_async_engine(async_url(database_url))
    rows = [
        {
            "tenant_id": "",
            "user_id": uid,
            "category": "notifications",
            "name": "email_interval",
            "value": str(seconds),
        }
        for uid in user_ids
    ]
    async with engine.begin() as conn:
        tenant = (await conn.execute(tables.users.select().limit(1))).mappings().first()
        assert tenant is not None
        for row in rows:
            row["tenant_id"] = tenant["tenant_id"]
        await conn.execute(tables.preferences.insert(), rows)
    await engine.dispose()


def _post(base: str, token: str, channel_id: str, message: str) -> float:
    started = time.perf_counter()
    r = httpx.post(
        f"{base}/api/v4/posts",
        json={"channel_id": channel_id, "message": message},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert r.status_code == 201, r.text
    return (time.perf_counter() - started) * 1000


def commit_phase(args: argparse.Namespace, proxy: Proxy, smtp_port: int) -> None:
    """Notifications off, on, off, on (alternated: the machine drifts), in a channel of
    --commit-members, where a commit takes milliseconds and the job row written in the
    post's transaction shows; then once each in the --members channel."""
    rounds = [(args.commit_members, on) for on in (False, True, False, True)]
    rounds += [(args.members, False), (args.members, True)]
    for members, on in rounds:
        with bench_server(args.backend, members, env(proxy, smtp_port, on, False)) as setup:
            crowd = setup.crowd
            for i in range(5):  # warm
                _post(setup.base, crowd.tokens[0], crowd.channel_id, f"warm {i}")
            held = _hold_workers(signal.SIGSTOP) if args.hold_worker else []
            before = commit_buckets(setup.base)
            latencies = [
                _post(setup.base, crowd.tokens[0], crowd.channel_id, f"@channel news {i}")
                for i in range(args.posts)
            ]
            after = commit_buckets(setup.base)
            for pid in held:
                os.kill(pid, signal.SIGCONT)
            label = "on " if on else "off"
            print(
                f"commit, {members} members, notifications {label}: requests {describe(latencies)}"
            )
            print(f"  commits: {describe_commits(before, after)}")


def _hold_workers(sig: int) -> list[int]:
    """--hold-worker: stop the notification-worker process while the posts are written,
    so the commits show only what a post pays inline (its job row), not the worker's
    decisions competing for the same two cores. Its work waits in the outbox."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"notification-worker" in command and b"roost.cli" in command:
                os.kill(int(entry.name), sig)
                pids.append(int(entry.name))
    return pids


async def _wait(counter: Any, target: int, seconds: float) -> bool:
    deadline = time.perf_counter() + seconds
    while counter() < target:
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def push_phase(args: argparse.Namespace, proxy: Proxy, smtp_port: int, loop: Any) -> None:
    with bench_server(args.backend, args.members, env(proxy, smtp_port, True, False)) as setup:
        crowd = setup.crowd
        asyncio.run(_devices(setup.database_url))
        proxy.count = 0
        posted = time.perf_counter()
        _post(setup.base, crowd.tokens[0], crowd.channel_id, "@channel everyone")
        expected = args.members - 1
        done = asyncio.run_coroutine_threadsafe(
            _wait(lambda: proxy.count, expected, args.timeout), loop
        ).result()
        print(
            f"push: {proxy.count} of {expected} pushes received; "
            f"last {proxy.last - posted:.2f} s after the post answered "
            f"(first after {proxy.first - posted:.2f} s){'' if done else ' (timed out)'}"
        )


def build_digests(members: int) -> float:
    """Seconds to build (render and encode) one three-message digest per member, as the
    worker does before handing each to SMTP."""
    cfg = Settings().notifications
    mailer = Mailer(cfg, "http://localhost")
    items = [
        emails.Mentioned(
            "alice", "O", "town-square", "Team", f"@channel news {i}", 1000 * i, "http://x/pl/p"
        )
        for i in range(3)
    ]
    started = time.perf_counter()
    for i in range(members):
        email = emails.digest_email(
            f"user{i}@example.com", items, True, "http://x?settings=notifications"
        )
        mailer.message(email).as_bytes()
    return time.perf_counter() - started


def digest_phase(args: argparse.Namespace, proxy: Proxy, mailbox: Mailbox, smtp_port: int) -> None:
    print(
        f"digest: {args.members} digests built in {build_digests(args.members):.2f} s (in process)"
    )
    extra = {"ROOST_ENABLE_EMAIL_BATCHING": "true", "ROOST_EMAIL_BATCHING_INTERVAL": "1"}
    with bench_server(
        args.backend, args.members, env(proxy, smtp_port, False, True, **extra)
    ) as setup:
        crowd = setup.crowd
        asyncio.run(_digest_prefs(setup.database_url, crowd.user_ids, args.digest_delay))
        mailbox.count = 0
        posted = time.perf_counter()
        _post(setup.base, crowd.tokens[0], crowd.channel_id, "@channel digest me")
        due = posted + args.digest_delay
        expected = args.members - 1
        deadline = due + args.timeout
        while mailbox.count < expected and time.perf_counter() < deadline:
            time.sleep(0.1)
        print(
            f"digest: {mailbox.count} of {expected} digests received; the last "
            f"{mailbox.last - due:.2f} s after the items fell due"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="postgres", choices=["sqlite", "postgres"])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--commit-members", type=int, default=20)
    parser.add_argument("--digest-delay", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--phases", default="commit,push,digest")
    parser.add_argument(
        "--worker",
        default="server",
        choices=["server", "process"],
        help="where the outbox is worked (ROOST_NOTIFICATION_WORKER; process needs Redis)",
    )
    parser.add_argument(
        "--hold-worker",
        action="store_true",
        help="with --worker process: stop the worker while the commit phase posts",
    )
    args = parser.parse_args()
    if args.hold_worker and args.worker != "process":
        parser.error("--hold-worker needs --worker process")
    if args.worker == "process":
        WORKER_ENV.update(
            {
                "ROOST_NOTIFICATION_WORKER": "process",
                "ROOST_REDIS_URL": REDIS_URL,
                "ROOST_REDIS_PREFIX": f"roost-bench-{uuid.uuid4().hex[:8]}",
            }
        )
    print(
        f"machine: {machine()}; backend {args.backend}; {args.members} members; "
        f"outbox worked in the {args.worker}"
    )
    proxy, mailbox = Proxy(), Mailbox()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = asyncio.run_coroutine_threadsafe(proxy.start(), loop).result()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        phases = args.phases.split(",")
        if "commit" in phases:
            commit_phase(args, proxy, smtp_port)
        if "push" in phases:
            push_phase(args, proxy, smtp_port, loop)
        if "digest" in phases:
            digest_phase(args, proxy, mailbox, smtp_port)
    finally:
        controller.stop()
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result()
        loop.call_soon_threadsafe(loop.stop)


if __name__ == "__main__":
    main()
