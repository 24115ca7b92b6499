"""Token buckets by key: ``rate`` calls a second on average, bursts of up to ``burst``.

``TokenBuckets`` keeps them in this process (keys not seen for a while, or beyond
``max_keys``, are forgotten, so memory stays bounded). ``Throttle`` is the request rate
limit's front: it asks a bucket store every node shares (Redis, see
``roost.cluster.redis_rate_limit``) and falls back to this node's own buckets when there
is none or it cannot answer at once; ``spend`` returns the figures the
``X-Ratelimit-*`` headers carry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from cachetools import TTLCache

FORGET_SECONDS = 600.0
MAX_KEYS = 100_000


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int  # the burst: requests allowed at once
    remaining: int  # requests allowed now after this one
    reset_seconds: float  # until the bucket is full again
    retry_after_seconds: float  # until the next request is allowed (0 when allowed)


class TokenBuckets:
    def __init__(self, rate: float, burst: int, max_keys: int = MAX_KEYS) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._buckets: TTLCache[str, tuple[float, float]] = TTLCache(max_keys, FORGET_SECONDS)

    def take(self, key: str, rate: float = 0.0, burst: float = 0.0) -> bool:
        """Spend one token of this key's bucket; False when it is empty. ``rate`` and
        ``burst`` override the defaults for this key."""
        return self.spend(key, rate, burst).allowed

    def spend(self, key: str, rate: float = 0.0, burst: float = 0.0) -> Verdict:
        """As ``take``, with the bucket's state after it."""
        rate, burst = rate or self._rate, burst or self._burst
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        return Verdict(
            allowed=allowed,
            limit=int(burst),
            remaining=int(tokens),
            reset_seconds=(burst - tokens) / rate,
            retry_after_seconds=0.0 if allowed else (1.0 - tokens) / rate,
        )


class SharedBuckets(Protocol):
    """Buckets every node shares. ``spend`` answers (allowed, remaining, reset seconds,
    retry-after seconds), or None when the store cannot answer now."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def spend(
        self, key: str, rate: float, burst: int
    ) -> tuple[bool, int, float, float] | None: ...


class Throttle:
    def __init__(self, memory_keys: int, shared: SharedBuckets | None = None) -> None:
        self._local = TokenBuckets(1.0, 1, max_keys=memory_keys)
        self._shared = shared
        # Keys the shared store refused, until (monotonic) their retry time and bucket
        # reset: a flood is refused here without a round trip per request. Exact, not
        # a guess: other nodes' spending can only push the retry time later.
        self._refused: TTLCache[str, tuple[float, float]] = TTLCache(memory_keys, FORGET_SECONDS)

    async def start(self) -> None:
        if self._shared is not None:
            await self._shared.start()

    async def close(self) -> None:
        if self._shared is not None:
            await self._shared.close()

    async def spend(self, key: str, rate: float, burst: int) -> Verdict:
        if self._shared is not None:
            now = time.monotonic()
            refused = self._refused.get(key)
            if refused is not None and now < refused[0]:
                return Verdict(False, burst, 0, refused[1] - now, refused[0] - now)
            answer = await self._shared.spend(key, rate, burst)
            if answer is not None:
                allowed, remaining, reset, retry = answer
                if not allowed:
                    self._refused[key] = (now + retry, now + reset)
                return Verdict(allowed, burst, remaining, reset, retry)
        # One node alone, or the shared store unreachable (it has logged and counted
        # that): this node's buckets, so a limit still holds, per node.
        return self._local.spend(key, rate, burst)
