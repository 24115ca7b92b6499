"""Presence across nodes, through Redis (the realtime.presence.Presence protocol).

Each node keeps its count of open sockets per user in one hash per user (field = node
id) and refreshes a heartbeat key; a crashed node's counts stop counting when its
heartbeat expires. If Redis fails, the node falls back to its own counts: a user may
then show offline while connected elsewhere, until their next activity.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("roost.cluster")

HEARTBEAT_SECONDS = 10
HEARTBEAT_TTL_SECONDS = 30
KEY_TTL_SECONDS = 7 * 24 * 3600
# Redis connections one node uses for presence. Sockets opening in a burst (an office
# reconnecting) queue for one for up to POOL_WAIT_SECONDS instead of failing: redis-py's
# own pool fails at once past 100, and a socket its node did not record let another
# node mark its user offline (tests/cluster/test_presence_burst.py).
POOL_CONNECTIONS = 32
POOL_WAIT_SECONDS = 5.0


class RedisPresence:
    def __init__(self, url: str, prefix: str, node_id: str) -> None:
        self._url = url
        self._prefix = prefix
        self._node = node_id
        self._here: Counter[tuple[str, str]] = Counter()
        self._redis: aioredis.Redis | None = None
        self._heartbeat: asyncio.Task[None] | None = None

    def _key(self, tenant_id: str, user_id: str) -> str:
        return f"{self._prefix}:presence:{tenant_id}:{user_id}"

    def _node_key(self, node_id: str) -> str:
        return f"{self._prefix}:node:{node_id}"

    async def start(self) -> None:
        pool = aioredis.BlockingConnectionPool.from_url(
            self._url,
            max_connections=POOL_CONNECTIONS,
            timeout=POOL_WAIT_SECONDS,
            socket_connect_timeout=2,
            socket_timeout=5,
        )
        self._redis = aioredis.Redis.from_pool(pool)  # closing the client closes the pool
        self._heartbeat = asyncio.create_task(self._beat(), name="presence-heartbeat")

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        if self._redis is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._redis.delete(self._node_key(self._node))
            await self._redis.aclose()

    async def _beat(self) -> None:
        assert self._redis is not None
        while True:
            with contextlib.suppress(RedisError, OSError):
                await self._redis.set(self._node_key(self._node), "1", ex=HEARTBEAT_TTL_SECONDS)
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def connected(self, tenant_id: str, user_id: str) -> None:
        self._here[(tenant_id, user_id)] += 1
        if self._redis is None:
            return
        key = self._key(tenant_id, user_id)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hincrby(key, self._node, 1)
                pipe.expire(key, KEY_TTL_SECONDS)  # fields of crashed nodes do not pile up
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("presence not shared (%s)", exc)

    async def disconnected(self, tenant_id: str, user_id: str) -> bool:
        self._here[(tenant_id, user_id)] -= 1
        last_here = self._here[(tenant_id, user_id)] <= 0
        if last_here:
            del self._here[(tenant_id, user_id)]
        if self._redis is None:
            return last_here
        key = self._key(tenant_id, user_id)
        try:
            if last_here:
                await self._redis.hdel(key, self._node)
            else:
                await self._redis.hincrby(key, self._node, -1)
                return False
            counts = await self._redis.hgetall(key)
            for node, count in counts.items():
                name = node.decode() if isinstance(node, bytes) else str(node)
                if int(count) > 0 and await self._redis.exists(self._node_key(name)):
                    return False
            return True
        except (RedisError, OSError, ValueError) as exc:
            log.warning("presence not shared (%s)", exc)
            return last_here
