"""Server CPU and memory from /proc, for a server running on this machine.

CPU is the busiest thread's share of one core, over the given processes and their
descendants. A Python server saturates when its event-loop thread does: one process at
100%, or one of several worker processes at 100% while the others still have room. The
published "app CPU > 85%" signal guards against saturation, and for a Go server the whole
machine's CPU is that measure; for Roost it is this one. (Threads that do not hold the
event loop, such as password hashing, count separately.)
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC = Path("/proc")


def _ticks_per_second() -> int:
    try:
        return int(os.sysconf("SC_CLK_TCK"))
    except (ValueError, OSError, AttributeError):
        return 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def _children(roots: set[int]) -> set[int]:
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                parents[int(entry.name)] = int(fields[1])
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                grew = True
    return found


def _mem_total_kb() -> int:
    try:
        for line in (PROC / "meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class ProcessMonitor:
    """Samples CPU and resident memory of some processes; each sample covers the time since
    the previous one."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = set(pids)
        self._tick = _ticks_per_second()
        self._page_kb = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4
        self._mem_total_kb = _mem_total_kb()
        self._last_ticks = 0.0
        self._last_wall = 0.0
        self._prev_cpu: dict[tuple[int, int], float] = {}
        if self.pids:
            self.sample()

    @property
    def enabled(self) -> bool:
        return bool(self.pids)

    def sample(self) -> tuple[float | None, float | None]:
        """(busiest thread's CPU % of one core, memory % of the machine) since the last
        sample."""
        if not self.pids:
            return None, None
        pids = _children(self.pids)
        cpu_now: dict[tuple[int, int], float] = {}
        rss_pages = 0
        for pid in pids:
            fields = _stat_fields(pid)
            if fields is None:
                continue
            rss_pages += int(fields[21])
            for tid, ticks in _thread_ticks(pid):
                cpu_now[(pid, tid)] = ticks
        wall = time.monotonic()
        # Count only what each thread spent since we last saw it, so a thread that
        # appears or exits does not swing the figure.
        busiest = max((t - self._prev_cpu.get(key, t) for key, t in cpu_now.items()), default=0.0)
        elapsed = wall - self._last_wall if self._last_wall else 0.0
        self._prev_cpu = cpu_now
        self._last_wall = wall
        cpu = (busiest / self._tick) / elapsed * 100.0 if elapsed > 0 else None
        mem = None
        if self._mem_total_kb:
            mem = rss_pages * self._page_kb / self._mem_total_kb * 100.0
        return cpu, mem


def _thread_ticks(pid: int) -> list[tuple[int, float]]:
    """(thread id, user + system clock ticks) of each thread of a process."""
    found: list[tuple[int, float]] = []
    try:
        tids = [int(t.name) for t in (PROC / str(pid) / "task").iterdir() if t.name.isdigit()]
    except OSError:
        return found
    for tid in tids:
        try:
            raw = (PROC / str(pid) / "task" / str(tid) / "stat").read_text()
        except OSError:
            continue
        # utime and stime are fields 14 and 15; split after the parenthesised name.
        fields = raw[raw.rindex(")") + 2 :].split()
        found.append((tid, float(fields[11]) + float(fields[12])))
    return found
