"""What the simulated users measure, in mergeable form.

Every figure is a counter or a log-bucketed histogram, so the numbers of several
worker processes (and of successive seconds) add up exactly; percentiles are read
from the merged histogram with about 2% resolution.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_MIN_MS = 0.05
_BASE = 1.04
_LOG_BASE = math.log(_BASE)
# Distinct error messages kept for the report; a broken server would otherwise flood it.
MAX_ERROR_KINDS = 200


def bucket_of(ms: float) -> int:
    if ms <= _MIN_MS:
        return 0
    return int(math.log(ms / _MIN_MS) / _LOG_BASE) + 1


def bucket_value(index: int) -> float:
    """A representative latency for a bucket: its geometric middle."""
    if index <= 0:
        return _MIN_MS
    return float(_MIN_MS * _BASE ** (index - 0.5))


@dataclass(slots=True)
class Histogram:
    counts: Counter[int] = field(default_factory=Counter)
    n: int = 0
    total: float = 0.0
    max: float = 0.0

    def add(self, ms: float) -> None:
        self.counts[bucket_of(ms)] += 1
        self.n += 1
        self.total += ms
        if ms > self.max:
            self.max = ms

    def merge(self, other: Histogram) -> None:
        self.counts.update(other.counts)
        self.n += other.n
        self.total += other.total
        self.max = max(self.max, other.max)

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    def percentile(self, pct: float) -> float:
        if not self.n:
            return 0.0
        rank = max(1, math.ceil(pct / 100.0 * self.n))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return min(bucket_value(index), self.max)
        return self.max

    def summary(self) -> dict[str, float]:
        return {
            "count": self.n,
            "mean_ms": round(self.mean, 2),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(self.max, 2),
        }


@dataclass(slots=True)
class RequestStats:
    """One endpoint (or all of them): outcomes and the latency of answered requests."""

    count: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    timeouts: int = 0
    conn_errors: int = 0
    unsupported: int = 0
    # Shed by the server (429, or 503 with Retry-After): apart from statuses and errors.
    refused: int = 0
    latency: Histogram = field(default_factory=Histogram)

    def merge(self, other: RequestStats) -> None:
        self.count += other.count
        self.statuses.update(other.statuses)
        self.timeouts += other.timeouts
        self.refused += other.refused
        self.conn_errors += other.conn_errors
        self.unsupported += other.unsupported
        self.latency.merge(other.latency)

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("5"))

    @property
    def client_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("4"))

    def summary(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "statuses": dict(sorted(self.statuses.items())),
            "errors_4xx": self.client_errors,
            "errors_5xx": self.server_errors,
            "timeouts": self.timeouts,
            "refused": self.refused,
            "connection_errors": self.conn_errors,
            "unsupported": self.unsupported,
            "latency": self.latency.summary(),
        }


@dataclass(slots=True)
class ActionStats:
    count: int = 0
    ok: int = 0
    failed: int = 0
    unsupported: int = 0
    skipped: int = 0
    refused: int = 0  # a request of it was shed (429/503 with Retry-After)
    timed_out: int = 0  # a request of it timed out
    duration: Histogram = field(default_factory=Histogram)

    def merge(self, other: ActionStats) -> None:
        self.count += other.count
        self.ok += other.ok
        self.failed += other.failed
        self.refused += other.refused
        self.timed_out += other.timed_out
        self.unsupported += other.unsupported
        self.skipped += other.skipped
        self.duration.merge(other.duration)


@dataclass(slots=True)
class SocketStats:
    connects: int = 0
    connect_failures: int = 0
    reconnects: int = 0
    resumed: int = 0
    dropped: int = 0
    seq_gaps: int = 0
    events: Counter[str] = field(default_factory=Counter)
    posted_delay: Histogram = field(default_factory=Histogram)

    def merge(self, other: SocketStats) -> None:
        self.connects += other.connects
        self.connect_failures += other.connect_failures
        self.reconnects += other.reconnects
        self.resumed += other.resumed
        self.dropped += other.dropped
        self.seq_gaps += other.seq_gaps
        self.events.update(other.events)
        self.posted_delay.merge(other.posted_delay)


@dataclass(slots=True)
class Second:
    """Everything that happened in one second of the run, for rates and the timeline."""

    requests: RequestStats = field(default_factory=RequestStats)
    actions: int = 0
    posts: int = 0
    ws_events: int = 0
    logins: int = 0

    def merge(self, other: Second) -> None:
        self.requests.merge(other.requests)
        self.actions += other.actions
        self.posts += other.posts
        self.ws_events += other.ws_events
        self.logins += other.logins


@dataclass(slots=True)
class Delta:
    """Measurements since the last drain: what a worker ships to the coordinator."""

    seconds: dict[int, Second] = field(default_factory=dict)
    requests: dict[str, RequestStats] = field(default_factory=dict)
    actions: dict[str, ActionStats] = field(default_factory=dict)
    unsupported: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    socket: SocketStats = field(default_factory=SocketStats)
    login_failures: int = 0
    login_refusals: int = 0
    login_timeouts: int = 0

    def merge(self, other: Delta) -> None:
        for sec, data in other.seconds.items():
            self.seconds.setdefault(sec, Second()).merge(data)
        for name, req in other.requests.items():
            self.requests.setdefault(name, RequestStats()).merge(req)
        for name, act in other.actions.items():
            self.actions.setdefault(name, ActionStats()).merge(act)
        self.unsupported.update(other.unsupported)
        for kind, n in other.errors.items():
            if kind in self.errors or len(self.errors) < MAX_ERROR_KINDS:
                self.errors[kind] += n
        self.socket.merge(other.socket)
        self.login_failures += other.login_failures
        self.login_refusals += other.login_refusals
        self.login_timeouts += other.login_timeouts


# Outcomes of one HTTP request, as the client saw it.
OK = "ok"
HTTP_ERROR = "http_error"
UNSUPPORTED = "unsupported"
TIMEOUT = "timeout"
CONN_ERROR = "conn_error"
REFUSED = "refused"
# Outcomes of one action or login attempt besides ok, skipped and unsupported.
FAILED = "failed"
TIMED_OUT = "timeout"


class Recorder:
    """The worker side: cheap calls on the hot path, drained about once a second."""

    def __init__(self, start_wall: float) -> None:
        self.start_wall = start_wall
        self._delta = Delta()

    def _second(self, wall: float) -> Second:
        sec = int(wall - self.start_wall)
        found = self._delta.seconds.get(sec)
        if found is None:
            found = self._delta.seconds[sec] = Second()
        return found

    def request(
        self, name: str, outcome: str, status: int, ms: float, wall: float, detail: str = ""
    ) -> None:
        stats = self._delta.requests.get(name)
        if stats is None:
            stats = self._delta.requests[name] = RequestStats()
        second = self._second(wall).requests
        for target in (stats, second):
            target.count += 1
            if outcome == TIMEOUT:
                target.timeouts += 1
            elif outcome == CONN_ERROR:
                target.conn_errors += 1
            elif outcome == UNSUPPORTED:
                target.unsupported += 1
            elif outcome == REFUSED:
                # A refusal is instant: it would flatter the latency too.
                target.refused += 1
            else:
                target.statuses[str(status)] += 1
                # Unsupported answers are instant 404s: they would flatter the latency.
                target.latency.add(ms)
        if outcome not in (OK, UNSUPPORTED):
            self.error(f"{name}: {status or outcome} {detail}".strip())

    def unsupported_by_action(self, action: str, name: str) -> None:
        self._delta.unsupported[f"{action}: {name}"] += 1

    def error(self, kind: str) -> None:
        errors = self._delta.errors
        if kind in errors or len(errors) < MAX_ERROR_KINDS:
            errors[kind] += 1

    def action(self, name: str, result: str, ms: float, wall: float) -> None:
        stats = self._delta.actions.get(name)
        if stats is None:
            stats = self._delta.actions[name] = ActionStats()
        stats.count += 1
        if result == "ok":
            stats.ok += 1
            stats.duration.add(ms)
        elif result == "unsupported":
            stats.unsupported += 1
        elif result == "skipped":
            stats.skipped += 1
        elif result == REFUSED:
            stats.refused += 1
        elif result == TIMED_OUT:
            stats.timed_out += 1
        else:
            stats.failed += 1
        self._second(wall).actions += 1

    def post_created(self, wall: float) -> None:
        self._second(wall).posts += 1

    def login(self, ok: bool, wall: float, outcome: str = FAILED) -> None:
        """A login attempt; a failed one is a refusal, a timeout, or another failure."""
        if ok:
            self._second(wall).logins += 1
        elif outcome == REFUSED:
            self._delta.login_refusals += 1
        elif outcome == TIMED_OUT:
            self._delta.login_timeouts += 1
        else:
            self._delta.login_failures += 1

    @property
    def socket(self) -> SocketStats:
        return self._delta.socket

    def ws_event(self, event: str, wall: float, delay_ms: float | None = None) -> None:
        self._delta.socket.events[event] += 1
        self._second(wall).ws_events += 1
        if delay_ms is not None:
            self._delta.socket.posted_delay.add(max(0.0, delay_ms))

    def drain(self) -> Delta:
        out, self._delta = self._delta, Delta()
        return out
