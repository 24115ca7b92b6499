"""Progress while a run goes: a live rich panel on a terminal, a line every few seconds
otherwise (logs, CI), or nothing.

rich comes with the ``loadtest`` extra and is imported only by the live panel."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

from roost.loadtest.aggregate import Aggregate
from roost.loadtest.coordinator import Sample

PLAIN_EVERY_S = 10.0
TOP_ACTIONS = 8


class NoDisplay:
    def update(self, sample: Sample, agg: Aggregate, note: str) -> None:
        pass

    def close(self) -> None:
        pass


def _line(sample: Sample, note: str) -> str:
    w = sample.window
    cpu = "-" if w.cpu_pct is None else f"{w.cpu_pct:.0f}%"
    alert = ",".join(w.crossed) or "ok"
    return (
        f"[{sample.t:7.1f}s] {note}: users {sample.active}/{sample.target} "
        f"req/s {sample.rps:.1f} actions/s {sample.actions_ps:.1f} "
        f"avg {w.avg_ms:.1f}ms p99 {w.p99_ms:.0f}ms 5xx {w.error_5xx_share:.3%} "
        f"timeouts {w.timeout_share:.3%} refused {w.refused_share:.3%} cpu {cpu} "
        f"thresholds: {alert}"
    )


class PlainDisplay:
    def __init__(self, every_s: float = PLAIN_EVERY_S) -> None:
        self.every_s = every_s
        self._last = 0.0

    def update(self, sample: Sample, agg: Aggregate, note: str) -> None:
        now = time.monotonic()
        if now - self._last >= self.every_s:
            self._last = now
            print(_line(sample, note), file=sys.stderr, flush=True)

    def close(self) -> None:
        pass


class RichDisplay:
    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = console or Console(stderr=True)
        self._live = Live(console=self.console, refresh_per_second=2, transient=False)
        self._live.start()

    def update(self, sample: Sample, agg: Aggregate, note: str) -> None:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        w = sample.window
        head = Table.grid(padding=(0, 2))
        for _ in range(4):
            head.add_column()
        cpu = "-" if w.cpu_pct is None else f"{w.cpu_pct:.0f}%"
        head.add_row("elapsed", f"{sample.t:.0f} s", "mode", note)
        head.add_row("active users", str(sample.active), "target", str(sample.target))
        head.add_row("requests/s", f"{sample.rps:.1f}", "actions/s", f"{sample.actions_ps:.1f}")
        head.add_row("avg (1 min)", f"{w.avg_ms:.1f} ms", "p99 (1 min)", f"{w.p99_ms:.0f} ms")
        head.add_row("5xx", f"{w.error_5xx_share:.3%}", "timeouts", f"{w.timeout_share:.3%}")
        head.add_row("refused", f"{w.refused_share:.3%}", "", "")
        sock = agg.total.socket
        head.add_row(
            "server cpu", cpu, "ws events", f"{sum(sock.events.values())} ({sock.dropped} drops)"
        )
        status = Text(
            "thresholds crossed: " + ", ".join(w.crossed) if w.crossed else "within thresholds",
            style="bold red" if w.crossed else "bold green",
        )
        actions = Table(title="actions so far", show_edge=False)
        for col in ("action", "count", "ok", "failed", "unsupported", "p95 ms"):
            actions.add_column(col, justify="right" if col != "action" else "left")
        ranked = sorted(agg.total.actions.items(), key=lambda kv: -kv[1].count)
        for name, st in ranked[:TOP_ACTIONS]:
            actions.add_row(
                name,
                str(st.count),
                str(st.ok),
                str(st.failed),
                str(st.unsupported),
                f"{st.duration.percentile(95):.0f}",
            )
        self._live.update(Group(head, status, actions))

    def close(self) -> None:
        self._live.stop()


def make_display(kind: str) -> RichDisplay | PlainDisplay | NoDisplay:
    """``auto``: the live panel on a terminal, plain lines elsewhere."""
    if kind == "none":
        return NoDisplay()
    if kind == "plain" or (kind == "auto" and not sys.stderr.isatty()):
        return PlainDisplay()
    return RichDisplay()
