"""Everyday messaging's two speed goals (issue 23), each against a real server:

1. ``previews``: a post with a link is answered as fast as one without (the preview is
   fetched after the answer). Clients post in a closed loop for a phase of plain text,
   then a phase where every post carries a new link to a local OpenGraph page (each one
   a fresh fetch: the worst case); both phases' latencies, and how many previews arrived.
2. ``reminders``: 10,000 reminders due in the same minute, on one node, are all sent
   within that minute. The reminders (100 users x 100 posts) are written straight into
   the database, all due at one instant T; the script then counts the ones still waiting
   until none are left, and reports when the last went out, after T.

    .venv/bin/python -m bench.messaging --backend postgres --part both
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from multiprocessing import Event, Process
from multiprocessing.synchronize import Event as EventType

import aiohttp
import httpx

from bench.common import bench_server, describe, machine
from roost.model.scheduled_post import PostReminder
from roost.store.db.database import Database
from roost.store.messaging import reminders as reminder_store
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import tenant_scope
from tests.messaging.pages import Pages, Reply, og_page
from tests.support.server import free_port

PREVIEW_ENV = {"ROOST_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1/32"}


def _serve_pages(port: int, stop: EventType) -> None:
    """Every path answers an OpenGraph page (in a process of its own: its threads do not
    share the load generator's interpreter)."""
    pages = Pages("127.0.0.1", port, default=Reply(body=og_page("Title", "Words")))
    stop.wait(600)
    pages.close()


async def _paced(
    base: str, tokens: list[str], channel_id: str, link: str, rate: float, seconds: float
) -> tuple[list[float], list[str], int]:
    """Every client posts at its share of ``rate`` for ``seconds`` (open loop, so the
    server is not saturated); with ``link``, each post carries a new link under it."""
    latencies: list[float] = []
    made: list[str] = []
    errors = 0
    interval = len(tokens) / rate
    url = f"{base}/api/v4/posts"

    async def client(session: aiohttp.ClientSession, token: str, offset: float) -> None:
        nonlocal errors
        await asyncio.sleep(offset)
        headers = {"Authorization": f"Bearer {token}"}
        stop = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < stop:
            n += 1
            tick = time.perf_counter()
            message = f"hello {n}" + (
                f" {link}/{token[:8]}-{n}-{uuid.uuid4().hex[:6]}" if link else ""
            )
            async with session.post(
                url, json={"channel_id": channel_id, "message": message}, headers=headers
            ) as r:
                data = await r.json()
                if r.status == 201:
                    made.append(data["id"])
                else:
                    errors += 1
            latencies.append((time.perf_counter() - tick) * 1000)
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - tick)))

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(
            *(client(session, t, i * interval / len(tokens)) for i, t in enumerate(tokens))
        )
    return latencies, made, errors


def previews(backend: str, clients: int, seconds: float, rate: float) -> None:
    port = free_port()
    stop = Event()
    server = Process(target=_serve_pages, args=(port, stop), daemon=True)
    server.start()
    try:
        with bench_server(backend, clients, PREVIEW_ENV) as setup:
            crowd = setup.crowd
            tokens = crowd.tokens[:clients]
            link = f"http://127.0.0.1:{port}/og"
            asyncio.run(_paced(setup.base, tokens, crowd.channel_id, "", rate, 2))  # warm up
            plain, _, plain_errors = asyncio.run(
                _paced(setup.base, tokens, crowd.channel_id, "", rate, seconds)
            )
            linked, made, linked_errors = asyncio.run(
                _paced(setup.base, tokens, crowd.channel_id, link, rate, seconds)
            )
            print(f"{rate:.0f} posts/s from {clients} clients, {seconds:.0f} s each phase")
            print(f"plain posts:  {len(plain)}; {describe(plain)}; errors {plain_errors}")
            print(f"linked posts: {len(linked)}; {describe(linked)}; errors {linked_errors}")
            started = time.monotonic()
            headers = {"Authorization": f"Bearer {tokens[0]}"}
            shown = 0
            while time.monotonic() - started < 30:
                r = httpx.post(
                    f"{setup.base}/api/v4/posts/ids", json=made, headers=headers, timeout=30
                )
                shown = sum(1 for p in r.json() if p["metadata"].get("embeds"))
                if shown == len(made):
                    break
                time.sleep(0.5)
            print(
                f"previews shown: {shown} of {len(made)} linked posts, "
                f"{time.monotonic() - started:.1f} s after the phase"
            )
    finally:
        stop.set()
        server.join(10)


async def _seed(database_url: str, post_ids: list[str], user_ids: list[str], due: int) -> int:
    db = Database(database_url)
    try:
        with tenant_scope(DEFAULT_TENANT_ID):
            async with db.write() as conn:
                await reminder_store.set_reminders(
                    conn,
                    [
                        PostReminder(DEFAULT_TENANT_ID, post_id, user_id, due)
                        for post_id in post_ids
                        for user_id in user_ids
                    ],
                )
        return len(post_ids) * len(user_ids)
    finally:
        await db.close()


async def _waiting(database_url: str) -> int:
    db = Database(database_url)
    try:
        with tenant_scope(DEFAULT_TENANT_ID):
            async with db.read() as conn:
                return await reminder_store.count_waiting(conn, DEFAULT_TENANT_ID)
    finally:
        await db.close()


def reminders(backend: str, users: int, posts: int, lead_seconds: float) -> None:
    env = {"ROOST_SCHEDULED_POST_POLL_SECONDS": "1"}
    with bench_server(backend, users, env) as setup:
        crowd = setup.crowd
        headers = {"Authorization": f"Bearer {crowd.tokens[0]}"}
        post_ids = []
        with httpx.Client(timeout=30) as http:
            for i in range(posts):
                body = {"channel_id": crowd.channel_id, "message": f"remember {i}"}
                r = http.post(f"{setup.base}/api/v4/posts", json=body, headers=headers)
                post_ids.append(r.json()["id"])
        due = int((time.time() + lead_seconds) * 1000)
        seeded = asyncio.run(_seed(setup.database_url, post_ids, crowd.user_ids, due))
        assert time.time() * 1000 < due, "seeding took longer than the lead time"
        print(f"{seeded} reminders due at T (in {due / 1000 - time.time():.1f} s)")
        samples: list[tuple[float, int]] = []
        while True:
            left = asyncio.run(_waiting(setup.database_url))
            after = time.time() - due / 1000
            samples.append((after, left))
            if left == 0 or after > 180:
                break
            time.sleep(0.5)
        for after, left in samples:
            if after >= 0 and int(after * 2) % 10 == 0:
                print(f"  T+{after:5.1f} s: {left} waiting")
        print(
            f"all {seeded} sent by T+{samples[-1][0]:.1f} s (polled every 0.5 s)"
            if samples[-1][1] == 0
            else f"{samples[-1][1]} still waiting at T+{samples[-1][0]:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgres", choices=["sqlite", "postgres"])
    parser.add_argument("--part", default="both", choices=["previews", "reminders", "both"])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rate", type=float, default=40.0, help="posts a second, all clients")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--lead-seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(machine())
    if args.part in ("previews", "both"):
        previews(args.backend, args.clients, args.seconds, args.rate)
    if args.part in ("reminders", "both"):
        reminders(args.backend, args.users, args.posts, args.lead_seconds)


if __name__ == "__main__":
    main()
