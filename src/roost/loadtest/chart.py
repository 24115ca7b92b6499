"""A PNG of the run over time: users on top, request latency and rate below.

matplotlib comes with the ``loadtest`` extra and is imported only when a chart is drawn,
so a server that never runs a load test does not need it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_chart(report: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # no display here; must precede pyplot
    import matplotlib.pyplot as plt

    timeline = report["timeline"]
    t = [p["t"] for p in timeline]
    fig, (users_ax, lat_ax) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    try:
        users_ax.plot(t, [p["active"] for p in timeline], label="active users", color="tab:blue")
        users_ax.plot(
            t, [p["target"] for p in timeline], label="target", color="tab:gray", linestyle="--"
        )
        over = [p["t"] for p in timeline if p["crossed"]]
        if over:
            top = max([p["target"] for p in timeline] + [1])
            users_ax.scatter(
                over, [top] * len(over), marker="|", color="tab:red", label="threshold crossed"
            )
        supported = report["result"].get("supported_users")
        if supported:
            users_ax.axhline(supported, color="tab:green", linestyle=":", label="supported")
        users_ax.set_ylabel("users")
        users_ax.legend(loc="upper left")
        users_ax.set_title(f"roost loadtest: {report['url']}")
        users_ax.grid(alpha=0.3)

        lat_ax.plot(t, [p["avg_request_ms"] for p in timeline], label="avg ms (1 min)")
        lat_ax.plot(t, [p["p99_request_ms"] for p in timeline], label="p99 ms (1 min)")
        limits = report["thresholds"]["limits"]
        if limits.get("avg_request_ms"):
            lat_ax.axhline(limits["avg_request_ms"], color="tab:red", linestyle=":", linewidth=1)
        lat_ax.set_yscale("symlog", linthresh=10)
        lat_ax.set_ylim(bottom=0)  # autoscale margins would show negative times
        lat_ax.set_ylabel("request time (ms)")
        lat_ax.set_xlabel("seconds")
        lat_ax.grid(alpha=0.3)
        rate_ax = lat_ax.twinx()
        rate_ax.plot(t, [p["rps"] for p in timeline], color="tab:purple", alpha=0.4, label="req/s")
        rate_ax.set_ylabel("requests/s")
        handles, labels = lat_ax.get_legend_handles_labels()
        h2, l2 = rate_ax.get_legend_handles_labels()
        lat_ax.legend(handles + h2, labels + l2, loc="upper left")
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)
    return path
