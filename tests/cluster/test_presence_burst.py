"""Presence stays shared when many sockets open at once (a whole office reconnecting
after a network blip): every node must record each socket in Redis, or another node
that sees a user's last socket there close marks them offline while they are online."""

from __future__ import annotations

import asyncio
import json
import time

from websockets.asyncio.client import ClientConnection, connect

from tests.cluster.conftest import Cluster
from tests.support.client import LoggedIn, create_user, expect

# More than the Redis client's default pool (100 connections in redis-py 8), all at once.
USERS = 160


async def _open(base: str, token: str) -> ClientConnection:
    ws = await connect(base.replace("http://", "ws://") + "/api/v4/websocket", open_timeout=30)
    await ws.send(
        json.dumps({"seq": 1, "action": "authentication_challenge", "data": {"token": token}})
    )
    while json.loads(await asyncio.wait_for(ws.recv(), 30)).get("event") != "hello":
        pass
    return ws


async def _burst(cluster: Cluster, users: list[LoggedIn]) -> list[ClientConnection]:
    """Each user's socket on node 2, then all of their sockets on node 1 at once, then
    the node-2 sockets closed: only node 1's sockets remain."""
    on_2 = [await _open(cluster.nodes[1], u.token) for u in users]
    on_1 = await asyncio.gather(*(_open(cluster.nodes[0], u.token) for u in users))
    await asyncio.gather(*(ws.close() for ws in on_2))
    return list(on_1)


def test_a_burst_of_sockets_keeps_everyone_online_on_every_node(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    users = [create_user(cluster.nodes[0]) for _ in range(USERS)]
    ids = [u.id for u in users]

    async def scenario() -> list[str]:
        on_1 = await _burst(cluster, users)
        # Node 2 has seen its sockets close; give it time to decide about each user.
        await asyncio.sleep(2.0)
        statuses = await asyncio.to_thread(
            lambda: expect(cluster_admin.api.post("/users/status/ids", ids), 200)
        )
        await asyncio.gather(*(ws.close() for ws in on_1))
        return [s["user_id"] for s in statuses if s["status"] != "online"]

    offline = asyncio.run(scenario())
    assert offline == [], f"{len(offline)} of {USERS} users shown offline with a socket open"
    # And once the last sockets close, everyone goes offline.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        statuses = expect(cluster_admin.api.post("/users/status/ids", ids), 200)
        if all(s["status"] == "offline" for s in statuses):
            break
        time.sleep(0.25)
    else:
        raise AssertionError("users stayed online after their last socket closed")
