"""How a simulated user waits before trying again, as Mattermost's own apps do.

The web app's and the mobile app's WebSocket clients wait 3 s (plus up to 2 s of
random jitter, so that thousands of clients cut off together do not come back
together); after 7 failures in a row the wait grows with the square of the failures,
up to 5 minutes. Their HTTP calls are not retried by the client library at all: a
person tries again, later. A simulated user does the same for every refusal (429, or
503 with ``Retry-After``), timeout or failed connection: it waits at least what the
server asked for (``Retry-After``) and at least this schedule, never retrying at once,
so that an overloaded server is measured, not stormed by its own load generator.
Every wait is multiplied by the run's time scale, like idle times.
"""

from __future__ import annotations

import random

MIN_RETRY_S = 3.0
JITTER_S = 2.0
# Failures in a row before the wait starts to grow.
FAST_FAILURES = 7
MAX_RETRY_S = 300.0


class Backoff:
    """One user's (or one socket's) consecutive failures and the wait they call for."""

    __slots__ = ("_rng", "_scale", "failures")

    def __init__(self, rng: random.Random, scale: float = 1.0) -> None:
        self._rng = rng
        self._scale = scale
        self.failures = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        """Count one more failure; seconds to wait before the next try."""
        self.failures += 1
        wait = MIN_RETRY_S
        if self.failures > FAST_FAILURES:
            wait = min(MAX_RETRY_S, MIN_RETRY_S * self.failures * self.failures)
        if retry_after is not None and retry_after > wait:
            wait = min(MAX_RETRY_S, retry_after)
        return (wait + self._rng.uniform(0.0, JITTER_S)) * self._scale

    def reset(self) -> None:
        """A success: the next failure starts the schedule again."""
        self.failures = 0
