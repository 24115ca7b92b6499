"""Admission control: take work only while it can finish within a budget.

A ``Limiter`` guards one kind of expensive work (password hashing, search, previews,
exports, outbound integration calls). At most ``concurrency`` run at once; the rest wait
in the limiter's own queue, and a newcomer is admitted only while it is expected to be
done well within ``max_wait_seconds`` (``ADMISSION_HEADROOM``): its wait (the work ahead of it times the measured
time per item, shared over the slots) plus its own run. Beyond that it is refused at once: 503
``api.context.server_busy.app_error`` with ``Retry-After``, Mattermost's answer for a
busy server. Nothing queues without bound.

Waiting work is dropped, never done late:
- a waiter whose task is cancelled (its client left) leaves the queue at once;
- a waiter that can no longer start in time (the machine got slower than measured:
  its turn comes later than admission + ``max_wait_seconds`` - its expected run) is
  refused when its turn comes, before it runs;
- ``close()`` (shutdown) refuses everything queued and everything new.

Fair share: each waiter names a key (e.g. the client's address). The queue is one
line per key, served in turn (round robin), and the expected wait counts only the work
that round robin puts ahead: a source sending a stream of requests waits behind its own
stream, not in front of everyone else's. Within a key the order is first-in-first-out,
or last-in-first-out (freshest first, so that under a surge the work served is the
work whose clients are most likely still waiting; the deadline drops the stale rest).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from roost import metrics
from roost.app.kernel.errors import AppError, server_busy

# How fast the measured time per item follows change: each completion moves the
# average this fraction of the way.
EWMA_WEIGHT = 0.2
# Never tell a client to come back sooner than this (whole seconds, as HTTP says).
MIN_RETRY_AFTER_SECONDS = 1
# The official apps' own longest back-off; promises beyond it are not made.
MAX_RETRY_AFTER_SECONDS = 300
# Admit only while the forecast is within this share of the budget: times per item vary
# (a busy machine, a slow query), and the headroom keeps the work admitted on a forecast
# from missing its deadline and being refused late, after waiting.
ADMISSION_HEADROOM = 0.75


@dataclass(eq=False, slots=True)
class _Waiter:
    key: str
    deadline: float
    granted: asyncio.Future[None] = field(repr=False)


class Limiter:
    def __init__(
        self,
        kind: str,
        concurrency: int,
        max_wait_seconds: float,
        *,
        expected_seconds: float = 0.05,
        lifo: bool = False,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.kind = kind
        self.concurrency = concurrency
        self.max_wait_seconds = max_wait_seconds
        self.lifo = lifo
        # Measured seconds one item takes once it runs (moving average).
        self.seconds_per_item = expected_seconds
        self._running = 0
        self._queued = 0
        self._lines: OrderedDict[str, deque[_Waiter]] = OrderedDict()
        self._closed = False
        # Until when (monotonic) refused clients have been promised slots (retry_after).
        self._booked_until = 0.0
        self._admitted = metrics.admission_admitted.labels(kind)
        self._refused = metrics.admission_refused.labels(kind)
        self._dropped_gone = metrics.admission_dropped.labels(kind, "client_gone")
        self._dropped_late = metrics.admission_dropped.labels(kind, "deadline")
        self._dropped_shutdown = metrics.admission_dropped.labels(kind, "shutdown")

    @property
    def running(self) -> int:
        return self._running

    @property
    def queued(self) -> int:
        return self._queued

    def expected_wait(self, key: str = "") -> float:
        """Seconds a newcomer under ``key`` would wait for a slot, served in turn."""
        own = len(self._lines.get(key, ())) + 1
        # Round robin serves every line up to the newcomer's own depth first.
        ahead = sum(min(len(line), own) for line in self._lines.values())
        # It starts once the running items and those ahead have left a slot free.
        busy = self._running + ahead - self.concurrency + 1
        if busy <= 0:
            return 0.0
        return busy * self.seconds_per_item / self.concurrency

    def retry_after(self) -> int:
        """The refusal's Retry-After: a slot of its own after the work queued now and
        after every slot promised to the clients refused before it. Telling every
        refused client "after the backlog" sends them back together into the same
        storm (each refused again, until their own back-off grows to minutes); booking
        one slot each spreads their returns over the time the work takes. The booking
        counts refusals, which the rate limits bound per address, so a client ignoring
        Retry-After cannot push everyone's promise out faster than it may ask."""
        now = time.monotonic()
        backlog = (self._running + self._queued) * self.seconds_per_item / self.concurrency
        start = max(now + backlog, self._booked_until)
        if start - now >= MAX_RETRY_AFTER_SECONDS:
            return MAX_RETRY_AFTER_SECONDS  # the book is full: no slot taken
        self._booked_until = start + self.seconds_per_item / self.concurrency
        return min(MAX_RETRY_AFTER_SECONDS, max(MIN_RETRY_AFTER_SECONDS, math.ceil(start - now)))

    def _refusal(self) -> AppError:
        return server_busy(self.retry_after())

    @asynccontextmanager
    async def slot(self, key: str = "") -> AsyncIterator[None]:
        """Hold one of the slots for the body; raises the busy error (503 with
        Retry-After) when the wait would exceed the budget."""
        await self.acquire(key)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.observe(time.perf_counter() - started)
            self.release()

    def _over_budget(self, key: str) -> bool:
        forecast = self.expected_wait(key) + self.seconds_per_item
        return forecast > self.max_wait_seconds * ADMISSION_HEADROOM

    def check(self, key: str = "") -> None:
        """Raise the refusal now if ``acquire(key)`` would refuse (nothing is held)."""
        if self._closed or (self._queued_or_full() and self._over_budget(key)):
            self._refused.inc()
            raise self._refusal()

    async def acquire(self, key: str = "") -> None:
        if self._closed:
            self._refused.inc()
            raise self._refusal()
        if not self._queued_or_full():
            self._running += 1
            self._admitted.inc()
            return
        if self._over_budget(key):
            self._refused.inc()
            raise self._refusal()
        loop = asyncio.get_running_loop()
        # The latest start that still finishes within the budget, as measured now.
        latest_start = time.monotonic() + self.max_wait_seconds - self.seconds_per_item
        waiter = _Waiter(key, latest_start, loop.create_future())
        self._lines.setdefault(key, deque()).append(waiter)
        self._queued += 1
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                if waiter.granted.exception() is None:
                    # Granted just as the client left: hand the slot on.
                    self.release()
            else:
                self._remove(waiter)
                self._dropped_gone.inc()
            raise
        self._admitted.inc()

    def _queued_or_full(self) -> bool:
        return bool(self._queued) or self._running >= self.concurrency

    def release(self) -> None:
        self._running -= 1
        self._dispatch()

    def observe(self, seconds: float) -> None:
        """One item took ``seconds`` once running: the estimate follows."""
        self.seconds_per_item += EWMA_WEIGHT * (seconds - self.seconds_per_item)

    def _remove(self, waiter: _Waiter) -> None:
        line = self._lines.get(waiter.key)
        if line is None:
            return
        try:
            line.remove(waiter)
        except ValueError:
            return
        self._queued -= 1
        if not line:
            del self._lines[waiter.key]

    def _next(self) -> _Waiter | None:
        while self._lines:
            key, line = next(iter(self._lines.items()))
            waiter = line.pop() if self.lifo else line.popleft()
            self._queued -= 1
            if line:
                self._lines.move_to_end(key)
            else:
                del self._lines[key]
            return waiter
        return None

    def _dispatch(self) -> None:
        now = time.monotonic()
        while self._running < self.concurrency:
            waiter = self._next()
            if waiter is None:
                return
            if waiter.granted.done():
                continue
            if waiter.deadline < now:
                # Admitted on a forecast the machine did not keep: refuse it now
                # rather than do it late.
                self._dropped_late.inc()
                waiter.granted.set_exception(self._refusal())
                continue
            self._running += 1
            waiter.granted.set_result(None)

    def close(self) -> None:
        """Shutting down: refuse everything queued and everything new."""
        self._closed = True
        while (waiter := self._next()) is not None:
            if not waiter.granted.done():
                self._dropped_shutdown.inc()
                waiter.granted.set_exception(self._refusal())


class Admission:
    """A node's limiters, one per kind of expensive work (``roost.compose`` builds it
    from ``settings.admission``); ``close`` at shutdown refuses all queued work."""

    def __init__(
        self,
        search: Limiter,
        previews: Limiter,
        exports: Limiter,
        integrations: Limiter,
        hashing: Limiter,
    ) -> None:
        self.search = search
        self.previews = previews
        self.exports = exports
        self.integrations = integrations
        self.hashing = hashing

    def all(self) -> list[Limiter]:
        return [self.hashing, self.search, self.previews, self.exports, self.integrations]

    def close(self) -> None:
        for limiter in self.all():
            limiter.close()
