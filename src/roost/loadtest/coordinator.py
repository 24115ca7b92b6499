"""Drive a fleet: hold a fixed user count (bounded), or search for the most users the
setup supports within the thresholds (unbounded, ``--find-max``).

The search is the published feedback loop: every interval, add users when every
signal is within its threshold, remove some when any is crossed, and rest a
little after a change. Once a threshold has been crossed the active-user count is
sampled; when its best-fit line over the last window is flat (slope below the
limit, users per second) the run is done and the window's average is the answer.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from roost.loadtest.aggregate import Aggregate, Signals, signals
from roost.loadtest.fleet import Fleet
from roost.loadtest.model import RunConfig
from roost.loadtest.monitor import ProcessMonitor


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    if n < 2:
        return 0.0
    x0 = points[0][0]
    sx = sy = sxy = sxx = 0.0
    for x, y in points:
        x -= x0
        sx += x
        sy += y
        sxy += x * y
        sxx += x * x
    denom = n * sxx - sx * sx
    return (n * sxy - sx * sy) / denom if denom else 0.0


class FeedbackLoop:
    """The decision of each interval; pure, so it is tested without a server."""

    def __init__(
        self,
        inc: int,
        dec: int,
        rest_s: float,
        flat_slope: float,
        window_s: float,
        max_users: int,
    ) -> None:
        self.inc = inc
        self.dec = dec
        self.rest_s = rest_s
        self.flat_slope = flat_slope
        self.window_s = window_s
        self.max_users = max_users
        self.samples: list[tuple[float, float]] = []
        self.last_alert: float | None = None
        self.last_change: float | None = None
        self.supported: float | None = None

    @property
    def done(self) -> bool:
        return self.supported is not None

    def latest(self, now: float) -> list[tuple[float, float]]:
        return [p for p in self.samples if p[0] >= now - self.window_s]

    def step(self, now: float, active: int, alert: bool) -> int:
        """How many users to add (positive) or remove (negative) now."""
        if alert:
            self.last_alert = now
        if self.last_alert is not None:
            self.samples.append((now, float(active)))
            latest = self.latest(now)
            # A full window is needed: some samples must be older than it.
            if latest and len(latest) < len(self.samples) and abs(slope(latest)) < self.flat_slope:
                self.supported = sum(y for _, y in latest) / len(latest)
                return 0
            if len(self.samples) >= 2 * len(latest):
                self.samples = latest
        rested = self.last_change is None or now - self.last_change >= self.rest_s
        if self.last_alert is not None and not rested:
            return 0
        if alert:
            self.last_change = now
            return -self.dec
        if self.last_alert is None or now - self.last_alert >= self.rest_s:
            room = self.max_users - active
            if room > 0:
                self.last_change = now
                return min(self.inc, room)
        return 0


@dataclass(slots=True)
class Sample:
    t: float
    sec: int  # index of the wall-clock second, as the measurements are keyed
    target: int
    active: int
    rps: float
    actions_ps: float
    window: Signals


class Display(Protocol):
    def update(self, sample: Sample, agg: Aggregate, note: str) -> None: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class Outcome:
    started_wall: float
    elapsed_s: float = 0.0
    stop_reason: str = ""
    samples: list[Sample] = field(default_factory=list)
    supported: float | None = None
    plateau_found: bool = False
    peak_active: int = 0
    # Find-max: the most active users at the end of a full trailing window in which
    # no threshold was crossed (the top the search reached within them).
    top_within: int = 0


class Coordinator:
    def __init__(
        self,
        cfg: RunConfig,
        fleet: Fleet,
        monitor: ProcessMonitor,
        display: Display,
        started_wall: float,
    ) -> None:
        self.cfg = cfg
        self.fleet = fleet
        self.monitor = monitor
        self.display = display
        self.agg = Aggregate()
        self.outcome = Outcome(started_wall)
        self._cpu: deque[tuple[float, float]] = deque()
        self._mem: float | None = None
        self._interrupted = asyncio.Event()

    def interrupt(self) -> None:
        """Stop at the next tick and report what was measured (Ctrl-C, SIGTERM)."""
        self._interrupted.set()

    async def _pause(self, seconds: float) -> bool:
        """Wait until the next tick; False once the run has been interrupted."""
        try:
            await asyncio.wait_for(self._interrupted.wait(), max(0.0, seconds))
        except TimeoutError:
            return True
        self.outcome.stop_reason = "interrupted"
        return False

    def _resources(self, now: float) -> tuple[float | None, float | None]:
        cpu, mem = self.monitor.sample()
        if cpu is not None:
            self._cpu.append((now, cpu))
        while self._cpu and self._cpu[0][0] < now - self.cfg.metrics_window_s:
            self._cpu.popleft()
        avg = sum(c for _, c in self._cpu) / len(self._cpu) if self._cpu else None
        return avg, mem

    def _sample(self, now: float, target: int, tick: float) -> Sample:
        self.agg.add(self.fleet.drain())
        sec = int(time.time() - self.outcome.started_wall)
        cpu, mem = self._resources(now)
        window = signals(
            self.agg.window(sec, self.cfg.metrics_window_s), self.cfg.thresholds, cpu, mem
        )
        recent = self.agg.window(sec, tick)
        span = max(1, int(tick))
        sample = Sample(
            t=round(now, 2),
            sec=sec,
            target=target,
            active=self.fleet.active,
            rps=recent.requests.count / span,
            actions_ps=recent.actions / span,
            window=window,
        )
        self.outcome.samples.append(sample)
        self.outcome.peak_active = max(self.outcome.peak_active, sample.active)
        return sample

    async def run(self) -> Outcome:
        cfg = self.cfg
        loop = asyncio.get_running_loop()
        await self.fleet.open()
        t0 = loop.time()
        try:
            if cfg.find_max:
                await self._find_max(loop, t0)
            else:
                await self._bounded(loop, t0)
        finally:
            self.display.close()
            await self.fleet.close()
            self.agg.add(self.fleet.drain())
            self.outcome.elapsed_s = round(loop.time() - t0, 2)
        return self.outcome

    async def _bounded(self, loop: asyncio.AbstractEventLoop, t0: float) -> None:
        cfg = self.cfg
        tick = 1.0
        users = min(cfg.users, len(cfg.usernames))
        self.fleet.set_target(users if cfg.ramp_s <= 0 else 0)
        while True:
            if not await self._pause(tick - ((loop.time() - t0) % tick)):
                self._sample(loop.time() - t0, users, tick)
                return
            now = loop.time() - t0
            target = users
            if cfg.ramp_s > 0:
                target = min(users, max(1, round(users * now / cfg.ramp_s)))
            sample = self._sample(now, target, tick)
            self.display.update(sample, self.agg, f"bounded {users} users")
            if now >= cfg.duration_s:
                self.outcome.stop_reason = "duration"
                return
            self.fleet.set_target(target)

    async def _find_max(self, loop: asyncio.AbstractEventLoop, t0: float) -> None:
        cfg = self.cfg
        max_users = len(cfg.usernames)
        control = FeedbackLoop(
            cfg.users_inc,
            cfg.users_dec,
            cfg.rest_s,
            cfg.plateau_slope,
            cfg.plateau_window_s,
            max_users,
        )
        target = 0
        full_since: float | None = None
        while True:
            now = loop.time() - t0
            sample = self._sample(now, target, cfg.interval_s)
            # As the published monitor, judge nothing before a full window of measurements.
            judged = now >= cfg.metrics_window_s
            alert = bool(sample.window.crossed) and judged
            if judged and not sample.window.crossed:
                self.outcome.top_within = max(self.outcome.top_within, sample.active)
            change = control.step(now, sample.active, alert)
            target = max(0, min(max_users, target + change))
            note = "searching" if control.last_alert is None else "settling"
            self.display.update(sample, self.agg, f"find-max: {note}")
            if control.done:
                self.outcome.stop_reason = "plateau"
                self.outcome.plateau_found = True
                self.outcome.supported = control.supported
                return
            # Every seeded user is on and no alert for a whole window: a lower bound.
            if sample.active >= max_users and not sample.window.crossed:
                full_since = now if full_since is None else full_since
                if now - full_since >= cfg.metrics_window_s:
                    self.outcome.stop_reason = "user_limit"
                    self.outcome.supported = float(sample.active)
                    return
            else:
                full_since = None
            if now >= cfg.max_duration_s:
                self.outcome.stop_reason = "max_duration"
                latest = control.latest(now)
                if latest:
                    self.outcome.supported = sum(y for _, y in latest) / len(latest)
                return
            self.fleet.set_target(target)
            if not await self._pause(cfg.interval_s - ((loop.time() - t0) % cfg.interval_s)):
                # No plateau yet: the recent average is reported, marked as unsettled.
                latest = control.latest(loop.time() - t0)
                if latest:
                    self.outcome.supported = sum(y for _, y in latest) / len(latest)
                return
