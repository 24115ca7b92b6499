"""All measurements of a run merged, the trailing window, and the threshold check."""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.loadtest.metrics import Delta, Second
from roost.loadtest.model import Thresholds


class Aggregate:
    def __init__(self) -> None:
        self.total = Delta()

    def add(self, delta: Delta) -> None:
        self.total.merge(delta)

    def window(self, end_sec: int, span_s: float) -> Second:
        """Everything in the seconds [end_sec - span, end_sec)."""
        out = Second()
        start = end_sec - max(1, int(span_s))
        for sec, data in self.total.seconds.items():
            if start <= sec < end_sec:
                out.merge(data)
        return out

    def whole(self) -> Second:
        out = Second()
        for data in self.total.seconds.values():
            out.merge(data)
        return out


@dataclass(slots=True)
class Signals:
    """The published signals over some span of the run."""

    requests: int = 0
    avg_ms: float = 0.0
    p99_ms: float = 0.0
    error_5xx_share: float = 0.0
    timeout_share: float = 0.0
    refused_share: float = 0.0
    cpu_pct: float | None = None
    mem_pct: float | None = None
    crossed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "avg_request_ms": round(self.avg_ms, 2),
            "p99_request_ms": round(self.p99_ms, 2),
            "error_5xx_share": self.error_5xx_share,
            "timeout_share": self.timeout_share,
            "refused_share": self.refused_share,
            "server_cpu_pct": None if self.cpu_pct is None else round(self.cpu_pct, 1),
            "server_mem_pct": None if self.mem_pct is None else round(self.mem_pct, 1),
            "crossed": list(self.crossed),
        }


def signals(
    span: Second, th: Thresholds, cpu_pct: float | None = None, mem_pct: float | None = None
) -> Signals:
    req = span.requests
    answered = req.latency.n
    s = Signals(
        requests=req.count,
        avg_ms=req.latency.mean,
        p99_ms=req.latency.percentile(99),
        error_5xx_share=req.server_errors / req.count if req.count else 0.0,
        timeout_share=req.timeouts / req.count if req.count else 0.0,
        refused_share=req.refused / req.count if req.count else 0.0,
        cpu_pct=cpu_pct,
        mem_pct=mem_pct,
    )
    checks: list[tuple[str, float | None, float | None]] = [
        ("error_5xx_share", s.error_5xx_share if req.count else None, th.error_5xx_share),
        ("avg_request_ms", s.avg_ms if answered else None, th.avg_request_ms),
        ("p99_request_ms", s.p99_ms if answered else None, th.p99_request_ms),
        ("timeout_share", s.timeout_share if req.count else None, th.timeout_share),
        ("refused_share", s.refused_share if req.count else None, th.refused_share),
        ("server_cpu_pct", cpu_pct, th.server_cpu_pct),
        ("server_mem_pct", mem_pct, th.server_mem_pct),
    ]
    s.crossed = [
        name
        for name, value, limit in checks
        if value is not None and limit is not None and value > limit
    ]
    return s
