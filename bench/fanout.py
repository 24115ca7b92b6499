"""WebSocket fan-out: time from POST /posts until every client in the channel has `posted`.

Setup: one `roost serve` process on a fresh database (PostgreSQL by default) with a crowd
of users in one channel, each holding one WebSocket opened by this script (a separate
process). One member posts a message every --interval seconds; for each post we record
when each socket received its `posted` event. Reported: per post, the delay until the
LAST client had it (p50/p99 over posts), and the per-delivery delays; and the server's
resident memory (from its /metrics) before the sockets, with them, and after the posts
(each connection keeps its last 128 events for resumption).

    .venv/bin/python -m bench.fanout --backend postgres --clients 1000 --posts 60
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp
import orjson

from bench.common import bench_server, describe, machine
from tests.support.server import admin_url

CONNECT_BATCH = 100


class Listener:
    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}

    async def run(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: str,
        ready: asyncio.Event,
        ready_count: list[int],
        total: int,
    ) -> None:
        async with session.ws_connect(url, max_msg_size=0, heartbeat=None) as ws:
            await ws.send_str(
                orjson.dumps(
                    {"seq": 1, "action": "authentication_challenge", "data": {"token": token}}
                ).decode()
            )
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                now = time.perf_counter()
                data = msg.data
                if '"seq_reply":1' in data:
                    ready_count[0] += 1
                    if ready_count[0] == total:
                        ready.set()
                    continue
                if '"event":"posted"' not in data:
                    continue
                frame = orjson.loads(data)
                post = orjson.loads(frame["data"]["post"])
                key = " ".join(post["message"].split(" ", 2)[:2])  # "fanout N", padding cut
                self.arrivals.setdefault(key, []).append(now)


async def _rss_mib(session: aiohttp.ClientSession, base: str) -> float:
    async with session.get(f"{admin_url(base)}/metrics") as r:
        text = await r.text()
    for line in text.splitlines():
        if line.startswith("process_resident_memory_bytes "):
            return float(line.split()[1]) / 2**20
    return float("nan")


async def _run(
    base: str, tokens: list[str], channel_id: str, posts: int, interval: float, size: int
) -> None:
    url = base.replace("http://", "ws://") + "/api/v4/websocket"
    listener = Listener()
    ready = asyncio.Event()
    count = [0]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        rss_before = await _rss_mib(session, base)
        tasks = []
        connect_started = time.perf_counter()
        for start in range(0, len(tokens), CONNECT_BATCH):
            for token in tokens[start : start + CONNECT_BATCH]:
                tasks.append(
                    asyncio.create_task(
                        listener.run(session, url, token, ready, count, len(tokens))
                    )
                )
            await asyncio.sleep(0.05)
        await asyncio.wait_for(ready.wait(), timeout=120)
        print(
            f"{len(tokens)} sockets authenticated in {time.perf_counter() - connect_started:.1f} s"
        )
        await asyncio.sleep(1)
        rss_connected = await _rss_mib(session, base)
        headers = {"Authorization": f"Bearer {tokens[0]}"}
        filler = " " + "x" * max(0, size - 20)
        sent: dict[str, float] = {}
        post_latency: list[float] = []
        for n in range(posts):
            message = f"fanout {n}"
            sent[message] = time.perf_counter()
            text = message + filler if size > 20 else message
            async with session.post(
                f"{base}/api/v4/posts",
                json={"channel_id": channel_id, "message": text},
                headers=headers,
            ) as r:
                await r.read()
                assert r.status == 201, r.status
            post_latency.append((time.perf_counter() - sent[message]) * 1000)
            await asyncio.sleep(interval)
        await asyncio.sleep(2)
        rss_after = await _rss_mib(session, base)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    all_delivered: list[float] = []
    every: list[float] = []
    incomplete = 0
    for message, t0 in sent.items():
        times = listener.arrivals.get(message, [])
        every.extend((t - t0) * 1000 for t in times)
        if len(times) < len(tokens):
            incomplete += 1
            continue
        all_delivered.append((max(times) - t0) * 1000)
    print(
        f"posts: {posts} of about {max(size, 10)} characters, every {interval}s, to {len(tokens)} clients"
    )
    print(
        f"  server RSS: {rss_before:.0f} MiB before the sockets, {rss_connected:.0f} MiB with"
        f" them, {rss_after:.0f} MiB after the posts (+{rss_after - rss_connected:.0f} MiB)"
    )
    print(f"  POST /posts latency: {describe(post_latency)}")
    print(f"  until ALL clients had it: {describe(all_delivered)}")
    print(f"  each delivery: {describe(every)}")
    print(f"  posts not delivered to every client within the run: {incomplete}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--message-bytes", type=int, default=0, help="pad each post to this size")
    args = parser.parse_args()
    print(f"machine: {machine()}; backend: {args.backend}")
    with bench_server(args.backend, args.clients) as setup:
        asyncio.run(
            _run(
                setup.base,
                setup.crowd.tokens,
                setup.crowd.channel_id,
                args.posts,
                args.interval,
                args.message_bytes,
            )
        )


if __name__ == "__main__":
    main()
