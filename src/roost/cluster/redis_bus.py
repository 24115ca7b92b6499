"""The event bus across nodes: Redis pub/sub.

Each event is delivered to this node's subscribers at once (as the local bus does), then
queued for Redis; one sender task publishes the queue in order, so a request never waits
for Redis and events keep their order. A listener task receives the other nodes' events
and delivers them here. When Redis goes away each node keeps serving its own clients;
when the link comes back, subscribers get a RESYNC event, because events were missed
in between and every cache must start over (and the hub tells every client to reload).

No silent gaps the other way either: every message carries its node's batch number.
A node that could not send some of its events (Redis down or slow, its send queue full)
says so with a gap notice as soon as it can publish again; a listener that sees a
notice, or a number skipped, resyncs too. ``docs/internals/nodes.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from roost import metrics
from roost.cluster.bus import EventHandler, LocalBus
from roost.ids import new_id
from roost.model.event import Broadcast, Event, PerUser
from roost.model.events import RESYNC

log = logging.getLogger("roost.cluster")

# Events waiting for Redis; beyond this (Redis slow or down) new ones are dropped and
# counted, and the other nodes resync when the link recovers.
SEND_QUEUE = 10_000
SEND_BATCH = 500
RETRY_MAX_SECONDS = 5.0
# How soon a node that dropped events tries to tell the others (gap notice).
GAP_NOTICE_SECONDS = 0.5
# A gap notice for drops this much older than the listener's own latest resync is
# already covered by it (the clients reloaded after those changes were committed);
# the margin absorbs clock differences between nodes.
GAP_COVERED_MARGIN_MS = 1_000


@dataclass
class Message:
    """One bus message: a batch of a node's events, numbered per node; or (``gap``) a
    notice that the node dropped batches, the last at ``last_drop_ms``."""

    node: str
    seq: int
    events: list[Event] = field(default_factory=list)
    gap: bool = False
    last_drop_ms: int = 0


def encode(node_id: str, events: list[Event], seq: int = 0) -> bytes:
    return orjson.dumps({"node": node_id, "seq": seq, "events": [_event_dict(e) for e in events]})


def encode_gap(node_id: str, seq: int, last_drop_ms: int) -> bytes:
    return orjson.dumps(
        {"node": node_id, "seq": seq, "events": [], "gap": True, "last_drop_ms": last_drop_ms}
    )


def _event_dict(event: Event) -> dict[str, Any]:
    b = event.broadcast
    p = event.per_user
    return {
        "per_user": None if p is None else {"key": p.key, "tails": p.tails, "extra": p.extra},
        "tenant_id": event.tenant_id,
        "name": event.name,
        "data": event.data,
        "broadcast": {
            "recipients": None if b.recipients is None else sorted(b.recipients),
            "user_id": b.user_id,
            "channel_id": b.channel_id,
            "team_id": b.team_id,
            "omit_users": sorted(b.omit_users),
            "connection_id": b.connection_id,
            "omit_connection_id": b.omit_connection_id,
        },
    }


def decode(raw: bytes) -> tuple[str, list[Event]]:
    message = decode_message(raw)
    return message.node, message.events


def decode_message(raw: bytes) -> Message:
    body = orjson.loads(raw)
    events = []
    for e in body["events"]:
        b = e["broadcast"]
        recipients = b["recipients"]
        broadcast = Broadcast(
            recipients=None if recipients is None else frozenset(recipients),
            user_id=b["user_id"],
            channel_id=b["channel_id"],
            team_id=b["team_id"],
            omit_users=frozenset(b["omit_users"]),
            connection_id=b["connection_id"],
            omit_connection_id=b["omit_connection_id"],
        )
        p = e.get("per_user")
        per_user = None if p is None else PerUser(p["key"], p["tails"], p["extra"])
        events.append(Event(e["tenant_id"], e["name"], e["data"], broadcast, per_user))
    return Message(
        str(body["node"]),
        int(body.get("seq", 0)),
        events,
        bool(body.get("gap", False)),
        int(body.get("last_drop_ms", 0)),
    )


class RedisBus:
    def __init__(self, url: str, prefix: str = "roost") -> None:
        self.node_id = new_id()
        self._url = url
        self._channel = f"{prefix}:events"
        self._local = LocalBus()
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(SEND_QUEUE)
        self._redis: aioredis.Redis | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._linked = asyncio.Event()
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
        if not self.connected:
            self._drop(len(batch))
            return
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
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._redis is not None:
            await self._redis.aclose()

    async def ping(self) -> bool:
        if self._redis is None:
            return False
        try:
            return bool(await asyncio.wait_for(self._redis.ping(), 2))
        except (RedisError, OSError, TimeoutError):
            return False

    async def _send(self) -> None:
        assert self._redis is not None
        while True:
            try:
                first = await asyncio.wait_for(self._queue.get(), GAP_NOTICE_SECONDS)
            except TimeoutError:
                await self._announce_gap()
                continue
            payloads = [first]
            while len(payloads) < SEND_BATCH and not self._queue.empty():
                payloads.append(self._queue.get_nowait())
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for payload in payloads:
                        pipe.publish(self._channel, payload)
                    await pipe.execute()
                self.published += len(payloads)
                metrics.bus_published.inc(len(payloads))
            except (RedisError, OSError) as exc:
                # Announced with a gap notice once Redis answers again.
                self._drop(len(payloads))
                log.warning("could not publish %d events to Redis: %s", len(payloads), exc)
            if self._queue.empty():
                # Only behind every batch numbered before it: a notice overtaking
                # queued batches would look like numbers skipped.
                await self._announce_gap()

    async def _announce_gap(self) -> None:
        """Tell the other nodes that some of this node's events never reached them, so
        that they resync (and their clients reload). Retried until it gets through."""
        if not self._gap or not self.connected or self._redis is None:
            return
        self._gap = False
        self._seq += 1
        try:
            await self._redis.publish(
                self._channel, encode_gap(self.node_id, self._seq, self._last_drop_ms)
            )
        except (RedisError, OSError) as exc:
            self._gap = True
            log.warning("could not announce dropped events: %s", exc)

    async def _listen(self) -> None:
        assert self._redis is not None
        delay = 0.1
        was_linked = False
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self.connected = True
                self._linked.set()
                # Whatever this node cached while unlinked may have been changed
                # elsewhere, and its clients may have missed events from other nodes.
                if was_linked:
                    log.info("link to the other nodes is back; dropping caches")
                self._heard.clear()
                await self._resync()
                was_linked = True
                delay = 0.1
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is not None and message["type"] == "message":
                        await self._deliver(message["data"])
            except (RedisError, OSError) as exc:
                if self.connected:
                    log.warning("lost Redis (%s); serving this node's clients alone", exc)
                self.connected = False
                self._linked.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _resync(self) -> None:
        self._resynced_ms = int(time.time() * 1000)
        self.gaps += 1
        try:
            await self._local.deliver([Event("", RESYNC, {})])
        except Exception:  # one bad handler must not stop this node's listening
            log.exception("a subscriber failed on resync")

    def _missed(self, message: Message) -> bool:
        """Whether this message shows that events of its node were lost on the way."""
        last = self._heard.get(message.node)
        self._heard[message.node] = message.seq
        if message.gap:
            # Drops from before this node's latest resync are covered by it.
            return message.last_drop_ms + GAP_COVERED_MARGIN_MS >= self._resynced_ms
        return last is not None and message.seq != last + 1

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
        if self._missed(message):
            log.warning("events from node %s were lost on the way; resyncing", node)
            await self._resync()
        if not events:
            return
        self.received += len(events)
        metrics.bus_received.inc(len(events))
        try:
            await self._local.deliver(events)
        except Exception:  # one bad handler must not stop this node's listening
            log.exception("a subscriber failed on events from node %s", node)
