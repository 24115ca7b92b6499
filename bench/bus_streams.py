"""The cross-node bus: Redis pub/sub (today) against Redis Streams (what replay would need).

Streams would let a listener that lost its link read on from its last id, and a node
rebuild a resumed connection's missed events, at the price of every event being stored
(XADD, trimmed with MAXLEN ~ N) and read with XREAD instead of pushed. Both are run the
way ``cluster/redis_bus.py`` runs pub/sub: real bus messages (a ``posted`` event with a
~700-byte post), one sender that pipelines up to 500 messages per round trip, one listener
in another connection; the local Redis, a key of its own, deleted afterwards.

1. Throughput: --messages messages as fast as the sender can queue them; messages/s from
   the first send to the listener's last receipt.
2. Publish latency: one message every 2 ms (a busy node, ~500 batches/s), the time of
   each PUBLISH / XADD round trip, p50 and p99.
3. Memory: MEMORY USAGE of the stream holding --maxlen messages.

    .venv/bin/python -m bench.bus_streams --messages 50000 --maxlen 10000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import redis.asyncio as aioredis

from bench.common import REDIS_URL, machine
from roost.cluster.redis_bus import SEND_BATCH, encode
from roost.model.event import Broadcast, Event
from roost.model.events import POSTED

LATENCY_SAMPLES = 2_000
LATENCY_INTERVAL_SECONDS = 0.002


def message(n: int) -> bytes:
    post = f'{{"id":"{n:026d}","message":"{"x" * 640}"}}'
    event = Event("t" * 26, POSTED, {"post": post}, Broadcast(channel_id="c" * 26))
    return encode("node-a", [event], n)


# Encoded before the clock starts: the bus encodes each batch once whatever carries it.
MESSAGES: list[bytes] = []


async def pubsub_throughput(r: aioredis.Redis, key: str, total: int) -> float:
    pubsub = r.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(key)
    got = 0
    start = time.perf_counter()

    async def listen() -> None:
        nonlocal got
        while got < total:
            m = await pubsub.get_message(timeout=5.0)
            if m is not None:
                got += 1

    listener = asyncio.create_task(listen())
    for first in range(0, total, SEND_BATCH):
        async with r.pipeline(transaction=False) as pipe:
            for n in range(first, min(first + SEND_BATCH, total)):
                pipe.publish(key, MESSAGES[n])
            await pipe.execute()
    await asyncio.wait_for(listener, 60)
    await pubsub.aclose()  # type: ignore[no-untyped-call]
    return total / (time.perf_counter() - start)


async def streams_throughput(
    writer: aioredis.Redis, reader: aioredis.Redis, key: str, total: int, maxlen: int
) -> float:
    got = 0
    start = time.perf_counter()

    async def listen() -> None:
        nonlocal got
        last: str | bytes = "0-0"
        while got < total:
            answer: list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]]
            answer = await reader.xread({key: last}, count=SEND_BATCH, block=5000)  # type: ignore[assignment]
            for _, entries in answer:
                got += len(entries)
                last = entries[-1][0]

    listener = asyncio.create_task(listen())
    for first in range(0, total, SEND_BATCH):
        async with writer.pipeline(transaction=False) as pipe:
            for n in range(first, min(first + SEND_BATCH, total)):
                pipe.xadd(key, {"m": MESSAGES[n]}, maxlen=maxlen, approximate=True)
            await pipe.execute()
    await asyncio.wait_for(listener, 60)
    return total / (time.perf_counter() - start)


async def latencies(r: aioredis.Redis, key: str, streams: bool, maxlen: int) -> list[float]:
    times = []
    for n in range(LATENCY_SAMPLES):
        body = message(n)
        t0 = time.perf_counter()
        if streams:
            await r.xadd(key, {"m": body}, maxlen=maxlen, approximate=True)
        else:
            await r.publish(key, body)
        times.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(LATENCY_INTERVAL_SECONDS)
    return times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def main(total: int, maxlen: int, url: str) -> None:
    print(machine())
    print(f"message size: {len(message(0))} bytes, {total} messages, MAXLEN ~ {maxlen}")
    MESSAGES[:] = [message(n) for n in range(max(total, maxlen))]
    writer, reader = aioredis.from_url(url), aioredis.from_url(url)
    key = f"bench-bus-{uuid.uuid4().hex[:8]}"
    try:
        for round_ in (1, 2):
            ps = await pubsub_throughput(writer, key + ":ch", total)
            st = await streams_throughput(writer, reader, key + ":st", total, maxlen)
            await writer.delete(key + ":st")
            print(f"round {round_}: pub/sub {ps:,.0f} msg/s, streams {st:,.0f} msg/s")
        for name, streams in (("pub/sub", False), ("streams", True)):
            lat = await latencies(writer, key + ":lat", streams, maxlen)
            print(
                f"{name} publish round trip: p50 {pct(lat, 50):.3f} ms, p99 {pct(lat, 99):.3f} ms"
            )
        await writer.delete(key + ":lat")
        await streams_throughput(writer, reader, key + ":mem", maxlen, maxlen)
        used = await writer.memory_usage(key + ":mem")
        print(f"stream of {maxlen} messages: {(used or 0) / 1e6:.1f} MB in Redis")
    finally:
        await writer.delete(key + ":st", key + ":lat", key + ":mem")
        await writer.aclose()
        await reader.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--maxlen", type=int, default=10_000)
    parser.add_argument("--redis-url", default=REDIS_URL)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.maxlen, args.redis_url))
