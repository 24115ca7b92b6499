"""The event bus across nodes: a Redis stream.

Each event is delivered to this node's subscribers at once (as the local bus does), then
queued for Redis; one sender task appends the queue to the stream in order (XADD,
trimmed to about ``STREAM_MAXLEN`` entries), so a request never waits for Redis and
events keep their order. A listener task reads the stream from the last entry it saw
(XREAD) and delivers the other nodes' events here.

Because the stream keeps what was sent, a link that drops loses nothing: the sender
keeps its queue (bounded) and sends it when Redis answers; the listener reads on from
where it was. Only what the stream no longer holds is a gap, and then subscribers get
``RESYNC`` (every cache starts over, and the hub tells every client to reload):
- Redis lost the stream (restarted empty: the epoch key changed or vanished);
- the stream was trimmed past the listener's position (an outage longer than the
  stream holds, or a listener that fell that far behind);
- a node dropped events (its send queue full): it says so with a gap notice; a
  listener that sees a notice, or a batch number skipped, resyncs;
- a message could not be read.
A first link also resyncs (whatever was cached before may be stale).
``docs/internals/nodes.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from roost import metrics
from roost.cluster.bus import EventHandler, LocalBus
from roost.cluster.bus_messages import Message, decode, decode_message, encode, encode_gap
from roost.ids import new_id
from roost.model.event import Event
from roost.model.events import RESYNC

__all__ = ["Message", "RedisBus", "decode", "decode_message", "encode", "encode_gap"]

log = logging.getLogger("roost.cluster")

# Events waiting for Redis; beyond this (Redis slow or down) new ones are dropped and
# counted, and the other nodes are told with a gap notice.
SEND_QUEUE = 10_000
SEND_BATCH = 500
READ_BATCH = 500
RETRY_MAX_SECONDS = 5.0
# The listener, unlinked, tries Redis at least this often: it is what notices Redis is
# back, and the sender (which waits for the link, not its own back-off) follows at once,
# so cross-node events flow again within about this long after Redis returns.
LISTEN_RETRY_MAX_SECONDS = 1.0
# About how many messages (batches) the stream keeps: the outage it bridges is this
# divided by the cluster's batch rate (~1.1 KB each: ~55 MB of Redis memory).
STREAM_MAXLEN = 50_000
# Kept this long after the last message, so that an idle deployment's stream (and a
# test's) does not stay in Redis for ever.
STREAM_TTL_SECONDS = 7 * 24 * 3600
# How long one XREAD waits for news: below the client's socket timeout (5 s), and the
# most a shutdown waits for the listener (a task cancelled inside a blocking read of
# redis-py can take up to the socket timeout, or longer, to end).
READ_BLOCK_MS = 1_000
# How long a shutdown waits for a cancelled task before closing its connections.
CLOSE_WAIT_SECONDS = 1.0
# How soon a node that dropped events tries to tell the others (gap notice).
GAP_NOTICE_SECONDS = 0.5
# A gap notice for drops this much older than the listener's own latest resync is
# already covered by it (the clients reloaded after those changes were committed);
# the margin absorbs clock differences between nodes.
GAP_COVERED_MARGIN_MS = 1_000

StreamId = tuple[int, int]


def _stream_id(raw: bytes | str) -> StreamId:
    text = raw.decode() if isinstance(raw, bytes) else raw
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


class RedisBus:
    def __init__(self, url: str, prefix: str = "roost") -> None:
        self.node_id = new_id()
        self._url = url
        self._stream = f"{prefix}:events:stream"
        # Set once per stream's life; a Redis that restarted empty has none, or another.
        self._epoch_key = f"{prefix}:events:epoch"
        self._local = LocalBus()
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(SEND_QUEUE)
        self._redis: aioredis.Redis | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._linked = asyncio.Event()
        self._closing = False
        self.connected = False
        # This node's batch number (every batch counts, sent or dropped), whether some
        # were dropped since the last gap notice, and when the last one was (ms).
        self._seq = 0
        self._gap = False
        self._last_drop_ms = 0
        # The other nodes' last batch numbers, and when this node last resynced (ms).
        self._heard: dict[str, int] = {}
        self._resynced_ms = 0
        # Figures for health and metrics.
        self.published = 0
        self.received = 0
        self.dropped = 0
        self.gaps = 0

    def subscribe(self, handler: EventHandler) -> None:
        self._local.subscribe(handler)

    def subscribe_origin(self, handler: EventHandler) -> None:
        self._local.subscribe_origin(handler)

    async def publish(self, events: Iterable[Event]) -> None:
        batch = list(events)
        if not batch:
            return
        await self._local.publish(batch)
        self._seq += 1
        try:
            self._queue.put_nowait(encode(self.node_id, batch, self._seq))
        except asyncio.QueueFull:
            self._drop(len(batch))

    def _drop(self, count: int) -> None:
        self.dropped += count
        self._gap = True
        self._last_drop_ms = int(time.time() * 1000)
        metrics.bus_dropped.inc(count)

    async def start(self) -> None:
        self._redis = aioredis.from_url(
            self._url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10
        )
        self._tasks = [
            asyncio.create_task(self._listen(), name="bus-listen"),
            asyncio.create_task(self._send(), name="bus-send"),
        ]
        # Start serving even if Redis is down; wait briefly so the first requests are
        # already shared when it is up.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._linked.wait(), 2)

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks:
            if task.get_name() == "bus-listen":
                # It ends by itself after its current XREAD; cancelled only if not.
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(task), READ_BLOCK_MS / 1000 + 1)
            task.cancel()
        _, stuck = await asyncio.wait(self._tasks, timeout=CLOSE_WAIT_SECONDS)
        if self._redis is not None:
            # Closing the connections ends a task still stuck in a read.
            await self._redis.aclose()
        if stuck:
            await asyncio.wait(stuck, timeout=CLOSE_WAIT_SECONDS)

    async def ping(self) -> bool:
        if self._redis is None:
            return False
        try:
            return bool(await asyncio.wait_for(self._redis.ping(), 2))
        except (RedisError, OSError, TimeoutError):
            return False

    # Sending.

    async def _send(self) -> None:
        assert self._redis is not None
        pending: list[bytes] = []
        delay = 0.1
        while True:
            if not pending:
                try:
                    first = await asyncio.wait_for(self._queue.get(), GAP_NOTICE_SECONDS)
                except TimeoutError:
                    await self._announce_gap()
                    continue
                pending = [first]
                while len(pending) < SEND_BATCH and not self._queue.empty():
                    pending.append(self._queue.get_nowait())
            try:
                await self._append(pending)
            except (RedisError, OSError) as exc:
                # Kept and sent again when Redis answers (the queue fills meanwhile and
                # drops beyond its bound); a listener skips batch numbers it has heard,
                # should part of this round trip have gone through.
                log.warning("could not send %d messages to Redis: %s", len(pending), exc)
                if await self._wait_for_link(delay):
                    delay = 0.1  # linked again: a stale pooled connection may fail once more
                else:
                    delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            delay = 0.1
            self.published += len(pending)
            metrics.bus_published.inc(len(pending))
            pending = []
            if self._queue.empty():
                # Only behind every batch numbered before it: a notice overtaking
                # queued batches would look like numbers skipped.
                await self._announce_gap()

    async def _wait_for_link(self, delay: float) -> bool:
        """Back off before sending again, but no longer than until the listener links
        again (it notices Redis is back within LISTEN_RETRY_MAX_SECONDS). True when the
        wait ended because the link came back."""
        if self._linked.is_set():
            # The listener has not noticed the outage yet: a plain back-off.
            await asyncio.sleep(delay)
            return False
        try:
            await asyncio.wait_for(self._linked.wait(), delay)
        except TimeoutError:
            return False
        return True

    async def _append(self, payloads: list[bytes]) -> None:
        assert self._redis is not None
        async with self._redis.pipeline(transaction=False) as pipe:
            for payload in payloads:
                pipe.xadd(self._stream, {"m": payload}, maxlen=STREAM_MAXLEN, approximate=True)
            pipe.expire(self._stream, STREAM_TTL_SECONDS)
            # The epoch lives as long as the stream: its expiry is no reason to resync.
            pipe.expire(self._epoch_key, STREAM_TTL_SECONDS)
            await pipe.execute()

    async def _announce_gap(self) -> None:
        """Tell the other nodes that some of this node's events never reached them, so
        that they resync (and their clients reload). Retried until it gets through."""
        if not self._gap or not self.connected or self._redis is None:
            return
        self._gap = False
        self._seq += 1
        try:
            await self._append([encode_gap(self.node_id, self._seq, self._last_drop_ms)])
        except (RedisError, OSError) as exc:
            self._gap = True
            log.warning("could not announce dropped events: %s", exc)

    # Listening.

    async def _listen(self) -> None:
        assert self._redis is not None
        delay = 0.1
        position = b""  # the last stream entry read; none before the first link
        epoch: bytes | None = None
        while not self._closing:
            try:
                now_epoch = await self._epoch()
                lost = not position or now_epoch != epoch or await self._trimmed(position)
                if lost:
                    if position:
                        log.warning("the bus stream lost events while unlinked; resyncing")
                    position = await self._end_of_stream()
                epoch = now_epoch
                self.connected = True
                self._linked.set()
                delay = 0.1
                if lost:
                    self._heard.clear()
                    await self._resync()
                lagging = False
                while not self._closing:
                    if lagging and await self._trimmed(position):
                        # Behind by more than the stream keeps, while linked.
                        log.warning("the bus listener fell behind the stream; resyncing")
                        position = await self._end_of_stream()
                        self._heard.clear()
                        await self._resync()
                    answer: Any = await self._redis.xread(
                        {self._stream: position}, count=READ_BATCH, block=READ_BLOCK_MS
                    )
                    read = 0
                    for _, entries in answer or ():
                        read += len(entries)
                        for entry_id, fields in entries:
                            position = entry_id
                            await self._deliver(fields.get(b"m", b""))
                            # Let the sockets send between messages: a burst (a node's
                            # backlog after an outage, up to READ_BATCH messages in one
                            # read) would otherwise fill their send queues before their
                            # senders run, and close them (1011) as too slow.
                            await asyncio.sleep(0)
                    lagging = read >= READ_BATCH
            except (RedisError, OSError) as exc:
                if self.connected:
                    log.warning("lost Redis (%s); serving this node's clients alone", exc)
                self.connected = False
                self._linked.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, LISTEN_RETRY_MAX_SECONDS)

    async def _epoch(self) -> bytes:
        assert self._redis is not None
        await self._redis.set(self._epoch_key, uuid.uuid4().hex, nx=True)
        await self._redis.expire(self._epoch_key, STREAM_TTL_SECONDS)
        value = await self._redis.get(self._epoch_key)
        return value if isinstance(value, bytes) else str(value).encode()

    async def _end_of_stream(self) -> bytes:
        assert self._redis is not None
        try:
            info = await self._redis.xinfo_stream(self._stream)
        except ResponseError:  # no stream yet
            return b"0-0"
        last = info.get("last-generated-id", b"0-0")
        return last if isinstance(last, bytes) else str(last).encode()

    async def _trimmed(self, position: bytes) -> bool:
        """Whether entries after ``position`` are gone (trimmed, or the stream lost)."""
        assert self._redis is not None
        try:
            info = await self._redis.xinfo_stream(self._stream)
        except ResponseError:
            return position != b"0-0"
        deleted = info.get("max-deleted-entry-id")
        if deleted is not None:  # Redis 7: exactly
            return _stream_id(deleted) > _stream_id(position)
        first: Any = info.get("first-entry")
        return bool(first) and _stream_id(first[0]) > _stream_id(position)

    async def _resync(self) -> None:
        self._resynced_ms = int(time.time() * 1000)
        self.gaps += 1
        try:
            await self._local.deliver([Event("", RESYNC, {})])
        except Exception:  # one bad handler must not stop this node's listening
            log.exception("a subscriber failed on resync")

    def _news(self, message: Message) -> tuple[bool, bool]:
        """(new: not heard before, missed: events of its node were lost on the way)."""
        last = self._heard.get(message.node)
        if last is not None and message.seq <= last:
            return False, False  # sent again after a round trip that half failed
        self._heard[message.node] = message.seq
        if message.gap:
            # Drops from before this node's latest resync are covered by it.
            return True, message.last_drop_ms + GAP_COVERED_MARGIN_MS >= self._resynced_ms
        return True, last is not None and message.seq != last + 1

    async def _deliver(self, raw: bytes) -> None:
        try:
            message = decode_message(raw)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            # Lost events nobody can name: resync rather than stay silently behind.
            log.error("dropping a malformed bus message: %s", exc)
            await self._resync()
            return
        node, events = message.node, message.events
        if node == self.node_id:
            return
        new, missed = self._news(message)
        if missed:
            log.warning("events from node %s were lost on the way; resyncing", node)
            await self._resync()
        if not new or not events:
            return
        self.received += len(events)
        metrics.bus_received.inc(len(events))
        try:
            await self._local.deliver(events)
        except Exception:  # one bad handler must not stop this node's listening
            log.exception("a subscriber failed on events from node %s", node)
