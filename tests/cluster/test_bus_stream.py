"""The bus's stream, in process against a real Redis: a listener cut off from Redis
reads on from where it was (no resync, nothing missed), and hands the backlog on at a
pace the sockets keep up with; one cut off for longer than the stream holds resyncs."""

from __future__ import annotations

import asyncio
import time
import uuid
from urllib.parse import urlsplit

import pytest
import redis.asyncio as aioredis

from roost.cluster import redis_bus
from roost.cluster.bus import EventHandler
from roost.cluster.redis_bus import RedisBus
from roost.model.event import Broadcast, Event
from roost.model.events import POSTED, RESYNC
from roost.realtime.connection import Connection
from roost.realtime.hub import event_prefix
from tests.cluster.conftest import REDIS_URL
from tests.support.tcp_proxy import tcp_proxy

T = "t" * 26


async def _until(check: object, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


async def _publish(bus: RedisBus, count: int) -> None:
    for n in range(count):
        await bus.publish([Event(T, POSTED, {"n": n}, Broadcast())])


async def _cut_and_publish(count: int, also: EventHandler | None = None) -> list[str]:
    """Bus B reaches Redis through a proxy; cut it, let bus A publish ``count``
    batches, restore it; what B's subscribers (and ``also``) heard after the cut."""
    parts = urlsplit(REDIS_URL)
    prefix = f"bus-{uuid.uuid4().hex[:8]}"
    with tcp_proxy(parts.hostname or "127.0.0.1", parts.port or 6379) as proxy:
        a = RedisBus(REDIS_URL, prefix)
        b = RedisBus(f"redis://127.0.0.1:{proxy.port}/0", prefix)
        heard: list[str] = []
        b.subscribe(lambda e: heard.append(e.name))
        if also is not None:
            b.subscribe(also)
        await a.start()
        await b.start()
        try:
            assert await _until(lambda: a.connected and b.connected)
            await _publish(a, 1)
            assert await _until(lambda: POSTED in heard)
            heard.clear()
            proxy.cut()
            assert await _until(lambda: not b.connected)
            await _publish(a, count)
            assert await _until(lambda: a.published >= count + 1)
            proxy.restore()
            await _until(lambda: heard.count(POSTED) >= count or RESYNC in heard, 20)
            await asyncio.sleep(0.3)
            return heard
        finally:
            await b.close()
            await a.close()
            r = aioredis.from_url(REDIS_URL)
            await r.delete(f"{prefix}:events:stream", f"{prefix}:events:epoch")
            await r.aclose()


@pytest.mark.timeout(60)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_listener_cut_off_reads_on_from_where_it_was() -> None:
    heard = await _cut_and_publish(50)
    assert heard == [POSTED] * 50


@pytest.mark.timeout(60)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_backlog_read_at_once_leaves_the_sockets_time_to_send() -> None:
    """The backlog comes in one read, far more than a socket's send queue holds: the
    listener lets the socket's sender run between messages, so none is cut off as too
    slow (it was: the socket closed with 1011 and its client silently missed the rest)."""
    conn = Connection("c" * 26, T, "u" * 26, queue_size=8, replay_size=8)
    conn.attach()
    sent: list[str] = []

    async def send() -> None:
        while (frame := await conn.next_frame()) is not None:
            sent.append(frame)

    sender = asyncio.create_task(send())
    try:
        heard = await _cut_and_publish(
            100, lambda e: conn.push(event_prefix(e)) if e.name == POSTED else None
        )
    finally:
        conn.detach()
        await sender
    assert heard == [POSTED] * 100
    assert not conn.overflowed and len(sent) == 101


@pytest.mark.timeout(60)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_listener_cut_off_for_longer_than_the_stream_holds_resyncs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redis_bus, "STREAM_MAXLEN", 10)
    heard = await _cut_and_publish(1_000)
    assert heard[0] == RESYNC
    # Resynced, then reads on from the end of the stream: never the old entries.
    assert heard.count(POSTED) < 1_000


@pytest.mark.timeout(60)
async def test_a_listener_that_falls_behind_the_stream_resyncs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redis_bus, "STREAM_MAXLEN", 10)
    monkeypatch.setattr(redis_bus, "READ_BATCH", 5)
    prefix = f"bus-{uuid.uuid4().hex[:8]}"
    a, b = RedisBus(REDIS_URL, prefix), RedisBus(REDIS_URL, prefix)
    heard: list[str] = []
    b.subscribe(lambda e: heard.append(e.name))
    await a.start()
    await b.start()
    try:
        assert await _until(lambda: a.connected and b.connected)
        heard.clear()
        # Faster than B reads five at a time: the stream is trimmed past B's position.
        await _publish(a, 2_000)
        assert await _until(lambda: RESYNC in heard, 20)
        assert heard.count(POSTED) < 2_000
    finally:
        await b.close()
        await a.close()
        r = aioredis.from_url(REDIS_URL)
        await r.delete(f"{prefix}:events:stream", f"{prefix}:events:epoch")
        await r.aclose()
