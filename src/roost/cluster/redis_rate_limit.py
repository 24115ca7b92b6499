"""Rate-limit buckets every node shares, in Redis (``roost.app.kernel.rate_limits``'s
``SharedBuckets``).

Each key holds one number, its GCRA "theoretical arrival time" in microseconds of Redis's
own clock (so the nodes' clocks do not matter), updated by one Lua script: reading,
deciding and writing are one atomic step however many nodes ask at once. A request takes
one round trip.

Redis must never hold a request up: every call has a short timeout and a bounded pool,
and after a failure the node stops asking for ``RETRY_SECONDS``; meanwhile ``spend``
answers None and the caller uses the node's own buckets. Each such decision is counted
(``roost_rate_limit_local_total``) and the outage is logged when it starts and ends.
"""

from __future__ import annotations

import logging
import math
import time

import redis.asyncio as aioredis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from roost import metrics

log = logging.getLogger("roost.cluster")

# A rate-limit answer adds at most this to a request when Redis hangs.
TIMEOUT_SECONDS = 0.25
# After a failure, how long the node decides alone before asking Redis again.
RETRY_SECONDS = 2.0
MAX_CONNECTIONS = 64

# KEYS[1]: the bucket. ARGV[1]: the emission interval (microseconds per request),
# ARGV[2]: the burst. Returns {allowed, remaining, reset_us, retry_after_us}.
_GCRA = """
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance
if now < allow_at then
  return {0, 0, tat - now, allow_at - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX',
  math.max(1, math.ceil((new_tat - now) / 1000)))
return {1, math.floor((tolerance - (new_tat - now)) / interval), new_tat - now, 0}
"""


class RedisBuckets:
    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = f"{prefix}:rl:"
        self._redis: aioredis.Redis | None = None
        self._script: AsyncScript | None = None
        self._down_until = 0.0

    async def start(self) -> None:
        pool = aioredis.BlockingConnectionPool.from_url(
            self._url,
            max_connections=MAX_CONNECTIONS,
            timeout=TIMEOUT_SECONDS,  # waiting for a free connection
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
        )
        self._redis = aioredis.Redis(connection_pool=pool)
        self._script = self._redis.register_script(_GCRA)

    async def close(self) -> None:
        if self._redis is not None:
            self._script = None
            # A pool handed to the client is not closed with it.
            await self._redis.aclose()
            await self._redis.connection_pool.aclose()
            self._redis = None

    async def spend(
        self, key: str, rate: float, burst: int
    ) -> tuple[bool, int, float, float] | None:
        if self._script is None or time.monotonic() < self._down_until:
            metrics.rate_limit_local.inc()
            return None
        interval = max(1, math.ceil(1_000_000 / rate))
        try:
            answer = await self._script(keys=[self._prefix + key], args=[interval, burst])
        except (RedisError, OSError) as exc:
            metrics.rate_limit_local.inc()
            if self._down_until == 0.0:
                log.warning("rate limits: Redis unreachable (%s); each node limits on its own", exc)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return None
        if self._down_until:
            log.warning("rate limits: Redis is back; limits are shared by the nodes again")
            self._down_until = 0.0
        allowed, remaining, reset_us, retry_us = (int(v) for v in answer)
        return allowed == 1, max(0, remaining), reset_us / 1e6, retry_us / 1e6
