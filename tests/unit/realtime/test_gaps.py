"""When events may have been missed, the hub tells every client in Mattermost's way: a
fresh hello with a new connection id and seq 0 on the same socket; detached connections
are forgotten, so their resume gets a fresh hello. A resume whose missed events no longer
fit the send queue is refused rather than replayed with a hole."""

from __future__ import annotations

import asyncio
import json

from roost.model.event import Broadcast, Event
from roost.model.events import POSTED, RESYNC
from roost.realtime.connection import Connection
from roost.realtime.hub import RELOADS_AT_ONCE, Hub

T = "t" * 26


def connect(hub: Hub, user: str, queue: int = 16) -> Connection:
    conn = Connection(f"c-{user}", T, user, queue, 64, "s-" + user)
    hub.register(conn)
    conn.attach()
    return conn


def posted(n: int) -> Event:
    return Event(T, POSTED, {"post": json.dumps({"message": str(n)})}, Broadcast())


async def sent(conn: Connection) -> list[dict[str, object]]:
    got = []
    while not conn._queue.empty():
        frame = await conn.next_frame()
        assert frame is not None
        got.append(json.loads(frame))
    return got


async def test_a_resync_restarts_every_active_connection_with_a_fresh_hello() -> None:
    hub = Hub(16, 64, 30)
    hub.server_version, hub.hostname = "10.11.0", "node-a"
    alice, bob = connect(hub, "alice"), connect(hub, "bob")
    old_ids = {alice.id, bob.id}
    hub.dispatch(posted(1))
    hub.dispatch(Event("", RESYNC, {}))
    hub.dispatch(posted(2))
    for conn in (alice, bob):
        frames = await sent(conn)
        # The old numbering ends where the hello starts the new one.
        assert [(f["event"], f["seq"]) for f in frames] == [
            ("posted", 0),
            ("hello", 0),
            ("posted", 1),
        ]
        hello = frames[1]
        assert hello["event"] == "hello"
        data = hello["data"]
        assert isinstance(data, dict)
        assert data["connection_id"] == conn.id and conn.id not in old_ids
        assert data["server_version"] == "10.11.0" and data["server_hostname"] == "node-a"
        assert hub.get(conn.id) is conn
    assert hub.told_to_reload == 2
    assert all(hub.get(old) is None for old in old_ids)


async def test_a_resync_forgets_detached_connections_so_their_resume_starts_over() -> None:
    hub = Hub(16, 64, 30)
    away = connect(hub, "carol")
    hub.dispatch(posted(1))
    away.detach()
    assert away.can_resume_from(1) and hub.get(away.id) is away
    hub.dispatch(Event("", RESYNC, {}))
    assert hub.get(away.id) is None


async def test_a_resume_beyond_the_send_queue_is_refused_not_replayed_with_a_hole() -> None:
    hub = Hub(8, 64, 30)
    conn = connect(hub, "dave", queue=8)
    conn.detach()
    for n in range(20):
        hub.dispatch(posted(n))
    # All 20 are buffered, but only 7 fit the queue: replaying the last 7 would skip 13.
    assert not conn.can_resume_from(0)
    assert conn.can_resume_from(20 - 7)
    conn.attach(resume_from=13)
    assert [f["seq"] for f in await sent(conn)] == list(range(13, 20))


async def test_a_resync_of_many_connections_tells_them_in_turn_not_all_at_once() -> None:
    # A reload is a burst of API calls per client: beyond the first hundred, the
    # connections are told at a bounded rate, every one of them in the end.
    hub = Hub(16, 64, 30)
    conns = [connect(hub, f"user{n}") for n in range(RELOADS_AT_ONCE + 150)]
    old_ids = {conn.id for conn in conns}
    told_now = hub.tell_to_reload()
    assert told_now == RELOADS_AT_ONCE
    assert sum(conn.id not in old_ids for conn in conns) == RELOADS_AT_ONCE
    # The rest follow at RELOADS_PER_SECOND (150 of them: under a second).
    deadline = asyncio.get_running_loop().time() + 5
    while hub.told_to_reload < len(conns):
        assert asyncio.get_running_loop().time() < deadline, hub.told_to_reload
        await asyncio.sleep(0.05)
    for conn in conns:
        assert conn.id not in old_ids and hub.get(conn.id) is conn
        frames = await sent(conn)
        assert [(f["event"], f["seq"]) for f in frames] == [("hello", 0)]
    await hub.close()
