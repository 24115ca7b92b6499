"""The Redis bus notices lost batches: numbers skipped, a gap notice, a malformed
message; a notice about drops its own resync already covered is not a second resync; a
batch sent again is delivered once; a full send queue drops and arms a gap notice."""

from __future__ import annotations

import asyncio
import time

from roost.cluster.redis_bus import (
    GAP_COVERED_MARGIN_MS,
    RedisBus,
    decode_message,
    encode,
    encode_gap,
)
from roost.model.event import Broadcast, Event
from roost.model.events import POSTED, RESYNC

T = "t" * 26


def bus_hearing() -> tuple[RedisBus, list[str]]:
    bus = RedisBus("redis://127.0.0.1:1/0")
    heard: list[str] = []
    bus.subscribe(lambda e: heard.append(e.name))
    return bus, heard


def batch(node: str, seq: int) -> bytes:
    return encode(node, [Event(T, POSTED, {"post": "{}"}, Broadcast())], seq)


def test_messages_carry_their_nodes_batch_number() -> None:
    message = decode_message(batch("n1", 7))
    assert (message.node, message.seq, message.gap, len(message.events)) == ("n1", 7, False, 1)
    notice = decode_message(encode_gap("n1", 8, 1234))
    assert notice.gap and notice.last_drop_ms == 1234 and notice.events == []


async def test_consecutive_batches_pass_a_skipped_number_resyncs() -> None:
    bus, heard = bus_hearing()
    await bus._deliver(batch("n1", 1))
    await bus._deliver(batch("n1", 2))
    assert heard == [POSTED, POSTED]
    await bus._deliver(batch("n1", 4))
    assert heard[2:] == [RESYNC, POSTED]
    # Its own messages come back from Redis and are ignored.
    await bus._deliver(batch(bus.node_id, 9))
    assert len(heard) == 4
    # A batch sent again (its first round trip half failed) is delivered once.
    await bus._deliver(batch("n1", 4))
    assert len(heard) == 4


async def test_a_gap_notice_resyncs_unless_an_own_later_resync_covered_it() -> None:
    bus, heard = bus_hearing()
    now = int(time.time() * 1000)
    await bus._deliver(encode_gap("n2", 3, now))
    assert heard == [RESYNC]
    # Drops long before the resync just made: the clients reloaded after them.
    await bus._deliver(encode_gap("n3", 5, now - 10 * GAP_COVERED_MARGIN_MS))
    assert heard == [RESYNC]


async def test_a_malformed_message_resyncs() -> None:
    bus, heard = bus_hearing()
    await bus._deliver(b'{"node": "n1", "events": [{"name": 1}]}')
    assert heard == [RESYNC]


async def test_a_full_send_queue_drops_and_arms_a_gap_notice() -> None:
    bus, heard = bus_hearing()
    bus._queue = asyncio.Queue(1)
    # Redis away: the first waits in the queue (sent later); the second has no room.
    # Both reach this node's subscribers; the other nodes must be told of the second.
    for _ in range(2):
        await bus.publish([Event(T, POSTED, {"post": "{}"}, Broadcast())])
    assert heard == [POSTED, POSTED] and bus._queue.qsize() == 1
    assert bus.dropped == 1 and bus._gap
