"""Token buckets by key (per node): ``rate`` calls a second on average, bursts of up to
``burst``. Keys not seen for a while are forgotten, so memory stays bounded."""

from __future__ import annotations

import time

from cachetools import TTLCache

FORGET_SECONDS = 600.0
MAX_KEYS = 100_000


class TokenBuckets:
    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._buckets: TTLCache[str, tuple[float, float]] = TTLCache(MAX_KEYS, FORGET_SECONDS)

    def take(self, key: str, rate: float = 0.0, burst: float = 0.0) -> bool:
        """Spend one token of this key's bucket; False when it is empty. ``rate`` and
        ``burst`` override the defaults for this key."""
        rate, burst = rate or self._rate, burst or self._burst
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True
