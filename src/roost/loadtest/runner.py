"""One load-test run from start to files: fleet, coordinator, report, chart."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from roost.loadtest.chart import write_chart
from roost.loadtest.coordinator import Coordinator, Display
from roost.loadtest.fleet import Fleet, LocalFleet
from roost.loadtest.live import make_display
from roost.loadtest.model import RunConfig
from roost.loadtest.monitor import ProcessMonitor
from roost.loadtest.report import build_report, to_markdown
from roost.loadtest.workers import ProcessFleet

T = TypeVar("T")


@dataclass(slots=True)
class RunFiles:
    json: Path
    markdown: Path
    chart: Path


async def run_load(cfg: RunConfig, display: Display | None = None) -> dict[str, Any]:
    """Run the load as configured and return the report (a JSON-ready dict)."""
    if not cfg.usernames:
        raise ValueError("no users to simulate: seed first (roost loadtest seed)")
    started = time.time()
    fleet: Fleet
    if cfg.workers > 1:
        fleet = ProcessFleet(cfg, cfg.workers, started)
    else:
        fleet = LocalFleet(cfg, list(range(len(cfg.usernames))), started)
    coordinator = Coordinator(
        cfg, fleet, ProcessMonitor(cfg.server_pids), display or make_display("none"), started
    )
    with _stop_on_signals(coordinator):
        outcome = await coordinator.run()
    return build_report(cfg, outcome, coordinator.agg)


@contextmanager
def _stop_on_signals(coordinator: Coordinator) -> Iterator[None]:
    """The first Ctrl-C (or SIGTERM) ends the run with a report; a second one kills it."""
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []

    def stop(sig: signal.Signals) -> None:
        coordinator.interrupt()
        loop.remove_signal_handler(sig)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig)
            handled.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        yield
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


def write_outputs(report: dict[str, Any], out_dir: Path, stem: str = "loadtest") -> RunFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = RunFiles(
        json=out_dir / f"{stem}.json",
        markdown=out_dir / f"{stem}.md",
        chart=out_dir / f"{stem}.png",
    )
    files.json.write_text(json.dumps(report, indent=2) + "\n")
    files.markdown.write_text(to_markdown(report))
    write_chart(report, files.chart)
    return files


def run_fast(coro: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop where it is installed: thousands of sockets, less loop overhead."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def run_and_write(cfg: RunConfig, out_dir: Path, display_kind: str = "auto") -> RunFiles:
    report = run_fast(run_load(cfg, make_display(display_kind)))
    return write_outputs(report, out_dir)
