"""``--workers K``: the users spread over K processes, their measurements merged here.

Worker k runs the users whose index is k modulo K in a LocalFleet of its own. The
parent sends each its share of the target; each worker sends back, about once a
second, its active-user count and what it measured since (a Delta, pickled).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import queue
import signal
from dataclasses import dataclass
from typing import Any

from roost.loadtest.fleet import LocalFleet
from roost.loadtest.metrics import Delta
from roost.loadtest.model import RunConfig

REPORT_S = 1.0
STOP_TIMEOUT_S = 30.0
STARTUP_TIMEOUT_S = 60.0


@dataclass(slots=True)
class _Report:
    worker: int
    active: int
    running: int
    delta: Delta
    final: bool = False


def _worker_main(
    cfg: RunConfig, worker: int, workers: int, start_wall: float, commands: Any, reports: Any
) -> None:
    # Ctrl-C reaches the whole process group: the coordinator alone decides when to stop,
    # so that workers still report what they measured.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import uvloop
    except ImportError:
        asyncio.run(_worker(cfg, worker, workers, start_wall, commands, reports))
        return
    uvloop.run(_worker(cfg, worker, workers, start_wall, commands, reports))


async def _worker(
    cfg: RunConfig, worker: int, workers: int, start_wall: float, commands: Any, reports: Any
) -> None:
    indices = list(range(worker, len(cfg.usernames), workers))
    fleet = LocalFleet(cfg, indices, start_wall)
    await fleet.open()
    reports.put(_Report(worker, 0, 0, fleet.drain()))  # ready
    loop = asyncio.get_running_loop()
    command: asyncio.Future[Any] = loop.run_in_executor(None, commands.get)
    try:
        while True:
            done, _ = await asyncio.wait({command}, timeout=REPORT_S)
            if done:
                kind, value = command.result()
                if kind == "stop":
                    break
                fleet.set_target(int(value))
                command = loop.run_in_executor(None, commands.get)
            reports.put(_Report(worker, fleet.active, fleet.running, fleet.drain()))
    finally:
        await fleet.close()
        reports.put(_Report(worker, 0, 0, fleet.drain(), final=True))


class ProcessFleet:
    def __init__(self, cfg: RunConfig, workers: int, start_wall: float) -> None:
        self.cfg = cfg
        self.workers = workers
        self.start_wall = start_wall
        self._ctx = mp.get_context("spawn")
        self._commands = [self._ctx.Queue() for _ in range(workers)]
        self._reports = self._ctx.Queue()
        self._procs: list[Any] = []
        self._active = [0] * workers
        self._running = [0] * workers
        self._pending = Delta()
        self._finished: set[int] = set()
        self._closed = False
        self._seen: set[int] = set()

    @property
    def active(self) -> int:
        return sum(self._active)

    @property
    def running(self) -> int:
        return sum(self._running)

    async def open(self) -> None:
        for k in range(self.workers):
            proc = self._ctx.Process(
                target=_worker_main,
                args=(self.cfg, k, self.workers, self.start_wall, self._commands[k], self._reports),
                name=f"roost-loadtest-worker-{k}",
                daemon=True,
            )
            proc.start()
            self._procs.append(proc)
        # The run's clock starts when every worker can take users, not while they import.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_TIMEOUT_S
        while len(self._seen) < self.workers:
            if loop.time() > deadline or not all(p.is_alive() for p in self._procs):
                raise RuntimeError("load-test workers did not start")
            self._collect()
            await asyncio.sleep(0.05)

    def set_target(self, users: int) -> None:
        users = max(0, min(users, len(self.cfg.usernames)))
        base, extra = divmod(users, self.workers)
        for k, commands in enumerate(self._commands):
            commands.put(("target", base + (1 if k < extra else 0)))

    def _collect(self) -> None:
        while True:
            try:
                report: _Report = self._reports.get_nowait()
            except queue.Empty:
                return
            self._seen.add(report.worker)
            self._active[report.worker] = report.active
            self._running[report.worker] = report.running
            self._pending.merge(report.delta)
            if report.final:
                self._finished.add(report.worker)

    def drain(self) -> Delta:
        if not self._closed:
            self._collect()
        out, self._pending = self._pending, Delta()
        return out

    async def close(self) -> None:
        for commands in self._commands:
            commands.put(("stop", 0))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_TIMEOUT_S
        while len(self._finished) < self.workers and loop.time() < deadline:
            self._collect()
            await asyncio.sleep(0.1)
        for proc in self._procs:
            await loop.run_in_executor(None, proc.join, 5.0)
            if proc.is_alive():
                proc.terminate()
        self._collect()
        self._closed = True
        for q in (*self._commands, self._reports):
            with contextlib.suppress(Exception):
                q.close()
                q.join_thread()
