"""The end-of-run report: one JSON document, and the same as markdown for people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from roost import __version__
from roost.loadtest import model
from roost.loadtest.aggregate import Aggregate, signals
from roost.loadtest.coordinator import Outcome
from roost.loadtest.model import RunConfig

TOP_ERRORS = 50


def _iso(wall: float) -> str:
    return dt.datetime.fromtimestamp(wall, dt.UTC).isoformat(timespec="seconds")


def _rate(n: float, seconds: float) -> float:
    return round(n / seconds, 3) if seconds > 0 else 0.0


def build_report(cfg: RunConfig, outcome: Outcome, agg: Aggregate) -> dict[str, Any]:
    total = agg.total
    whole = agg.whole()
    elapsed = max(outcome.elapsed_s, 1e-9)
    # Request signals over the whole run; CPU and memory at their worst trailing minute.
    cpu = [s.window.cpu_pct for s in outcome.samples if s.window.cpu_pct is not None]
    mem = [s.window.mem_pct for s in outcome.samples if s.window.mem_pct is not None]
    run_signals = signals(
        whole, cfg.thresholds, max(cpu) if cpu else None, max(mem) if mem else None
    )
    alert_intervals = sum(1 for s in outcome.samples if s.window.crossed)
    active = [s.active for s in outcome.samples]
    mean_active = sum(active) / len(active) if active else 0.0
    weights = model.normalised_weights(cfg.weights)
    mix_total = sum(st.count for name, st in total.actions.items() if name in weights)

    actions: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for name, st in sorted(total.actions.items(), key=lambda kv: -kv[1].count):
        entry = {
            "count": st.count,
            "ok": st.ok,
            "failed": st.failed,
            "unsupported": st.unsupported,
            "skipped": st.skipped,
            "refused": st.refused,
            "timed_out": st.timed_out,
            "duration": st.duration.summary(),
        }
        if name in weights:
            entry["share"] = round(st.count / mix_total, 5) if mix_total else 0.0
            entry["expected_share"] = round(weights[name], 5)
            actions[name] = entry
        else:
            other[name] = entry
    for name, share in weights.items():
        if name not in actions and share > 0:
            actions[name] = {"count": 0, "share": 0.0, "expected_share": round(share, 5)}

    req = whole.requests
    mode = "find-max" if cfg.find_max else "bounded"
    supported = None if outcome.supported is None else round(outcome.supported)
    result: dict[str, Any] = {
        "mode": mode,
        "stop_reason": outcome.stop_reason,
        "peak_active_users": outcome.peak_active,
        "mean_active_users": round(mean_active, 1),
    }
    if cfg.find_max:
        result["supported_users"] = supported
        result["plateau_found"] = outcome.plateau_found
        result["top_users_within_thresholds"] = outcome.top_within
    else:
        result["users"] = min(cfg.users, len(cfg.usernames))
        result["within_thresholds"] = not run_signals.crossed
        result["crossed"] = list(run_signals.crossed)

    user_minutes = mean_active * elapsed / 60.0
    sock = total.socket
    return {
        "tool": f"roost loadtest {__version__}",
        "url": cfg.url,
        "started_at": _iso(outcome.started_wall),
        "elapsed_s": outcome.elapsed_s,
        "settings": cfg.public_dict(),
        "result": result,
        "totals": {
            "requests": req.count,
            "requests_per_s": _rate(req.count, elapsed),
            "actions": mix_total,
            "actions_per_s": _rate(mix_total, elapsed),
            "actions_per_user_minute": round(mix_total / user_minutes, 3) if user_minutes else 0.0,
            "expected_actions_per_user_minute": round(
                model.mean_actions_per_minute() / cfg.time_scale, 3
            ),
            "posts": whole.posts,
            "posts_per_s": _rate(whole.posts, elapsed),
            "logins": whole.logins,
            "login_failures": total.login_failures,
            "login_refusals": total.login_refusals,
            "login_timeouts": total.login_timeouts,
            "latency": req.latency.summary(),
            "errors_4xx": req.client_errors,
            "errors_5xx": req.server_errors,
            "error_5xx_share": run_signals.error_5xx_share,
            "timeouts": req.timeouts,
            "timeout_share": run_signals.timeout_share,
            "refused": req.refused,
            "refused_share": run_signals.refused_share,
            "connection_errors": req.conn_errors,
            "unsupported_requests": req.unsupported,
        },
        "thresholds": {
            "limits": cfg.thresholds.to_dict(),
            "whole_run": run_signals.to_dict(),
            "intervals": len(outcome.samples),
            "intervals_over": alert_intervals,
        },
        "actions": actions,
        "other_actions": other,
        "endpoints": {
            name: st.summary()
            for name, st in sorted(total.requests.items(), key=lambda kv: -kv[1].count)
        },
        "unsupported": dict(sorted(total.unsupported.items(), key=lambda kv: -kv[1])),
        "websocket": {
            "connects": sock.connects,
            "connect_failures": sock.connect_failures,
            "reconnects": sock.reconnects,
            "resumed": sock.resumed,
            "dropped": sock.dropped,
            "seq_gaps": sock.seq_gaps,
            "events": dict(sorted(sock.events.items(), key=lambda kv: -kv[1])),
            "events_total": sum(sock.events.values()),
            "posted_delivery": sock.posted_delay.summary(),
        },
        "errors": dict(sorted(total.errors.items(), key=lambda kv: -kv[1])[:TOP_ERRORS]),
        "timeline": _timeline(cfg, outcome, agg),
    }


def _timeline(cfg: RunConfig, outcome: Outcome, agg: Aggregate) -> list[dict[str, Any]]:
    """Each sample's figures recomputed from everything measured (workers report a little
    late, so the live figures may miss the last second); ``crossed`` is what the
    coordinator saw and acted on at the time."""
    tick = cfg.interval_s if cfg.find_max else 1.0
    span = max(1, int(tick))
    out = []
    for s in outcome.samples:
        recent = agg.window(s.sec, tick)
        window = signals(agg.window(s.sec, cfg.metrics_window_s), cfg.thresholds)
        out.append(
            {
                "t": s.t,
                "target": s.target,
                "active": s.active,
                "rps": round(recent.requests.count / span, 2),
                "actions_ps": round(recent.actions / span, 2),
                **window.to_dict(),
                "server_cpu_pct": s.window.to_dict()["server_cpu_pct"],
                "server_mem_pct": s.window.to_dict()["server_mem_pct"],
                "crossed": list(s.window.crossed),
            }
        )
    return out


def _pct(x: float) -> str:
    return f"{x:.3%}"


def to_markdown(r: dict[str, Any]) -> str:
    res, tot, th = r["result"], r["totals"], r["thresholds"]
    lat = tot["latency"]
    lines = [f"# Load test report: {r['url']}", ""]
    lines.append(
        f"{r['tool']}, started {r['started_at']}, ran {r['elapsed_s']} s, "
        f"stopped by: {res['stop_reason']}."
    )
    lines.append("")
    if res["mode"] == "find-max":
        found = res["supported_users"]
        if found is None:
            lines.append(
                f"**Supported users: not found** (peak {res['peak_active_users']} active "
                "users without crossing a threshold long enough to settle)."
            )
        else:
            how = "plateau" if res["plateau_found"] else "no plateau yet; last window"
            lines.append(f"**Supported users: {found}** ({how}).")
        lines.append(
            f"Top reached within every threshold (a full trailing window, nothing crossed): "
            f"{res['top_users_within_thresholds']} active users."
        )
    else:
        verdict = "within" if res["within_thresholds"] else "OVER"
        crossed = ", ".join(res["crossed"]) or "none"
        lines.append(
            f"**Bounded run: {res['users']} users, {verdict} thresholds** (crossed: {crossed})."
        )
    s = r["settings"]
    lines += [
        "",
        f"Settings: time scale {s['time_scale']}, workers {s['workers']}, "
        f"request timeout {s['request_timeout_s']} s, seeded users available "
        f"{s['available_users']}.",
        "",
        "## Totals",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {tot['requests']} ({tot['requests_per_s']}/s) |",
        f"| actions | {tot['actions']} ({tot['actions_per_s']}/s) |",
        f"| actions per user-minute | {tot['actions_per_user_minute']} "
        f"(model: {tot['expected_actions_per_user_minute']}) |",
        f"| posts created | {tot['posts']} ({tot['posts_per_s']}/s) |",
        f"| logins | {tot['logins']} (refused {tot['login_refusals']}, timed out "
        f"{tot['login_timeouts']}, other failures {tot['login_failures']}) |",
        f"| latency mean / p50 / p95 / p99 / max | {lat['mean_ms']} / {lat['p50_ms']} / "
        f"{lat['p95_ms']} / {lat['p99_ms']} / {lat['max_ms']} ms |",
        f"| 4xx / 5xx | {tot['errors_4xx']} / {tot['errors_5xx']} ({_pct(tot['error_5xx_share'])}) |",
        f"| timeouts | {tot['timeouts']} ({_pct(tot['timeout_share'])}) |",
        f"| refused (429, 503 with Retry-After) | {tot['refused']} "
        f"({_pct(tot['refused_share'])}) |",
        f"| connection errors | {tot['connection_errors']} |",
        f"| unsupported requests | {tot['unsupported_requests']} |",
        "",
        "## Thresholds (whole run)",
        "",
        "| signal | limit | measured |",
        "|---|---|---|",
    ]
    measured = th["whole_run"]
    for name, limit in th["limits"].items():
        value = measured.get(name)
        flag = " **crossed**" if name in measured["crossed"] else ""
        lines.append(f"| {name} | {limit} | {value}{flag} |")
    lines += [
        "",
        f"Intervals over a threshold (trailing-minute signals): {th['intervals_over']} "
        f"of {th['intervals']}.",
        "",
        "## Actions",
        "",
        "| action | count | share | model | ok | failed | refused | timed out | unsupported | skipped | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, a in r["actions"].items():
        d = a.get("duration") or {"p50_ms": "-", "p95_ms": "-", "p99_ms": "-"}
        lines.append(
            f"| {name} | {a['count']} | {a['share']:.2%} | {a['expected_share']:.2%} | "
            f"{a.get('ok', 0)} | {a.get('failed', 0)} | {a.get('refused', 0)} | "
            f"{a.get('timed_out', 0)} | {a.get('unsupported', 0)} | "
            f"{a.get('skipped', 0)} | {d['p50_ms']} | {d['p95_ms']} | {d['p99_ms']} |"
        )
    if r["other_actions"]:
        lines += ["", "Outside the mix (login, periodic, event follow-ups):", ""]
        for name, a in r["other_actions"].items():
            lines.append(
                f"- {name}: {a['count']} (ok {a['ok']}, failed {a['failed']}, refused "
                f"{a['refused']}, timed out {a['timed_out']}, unsupported "
                f"{a['unsupported']}), p95 {a['duration']['p95_ms']} ms"
            )
    lines += [
        "",
        "## Endpoints",
        "",
        "| endpoint | count | p50 ms | p95 ms | p99 ms | 4xx | 5xx | timeouts | refused | unsupported |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, e in r["endpoints"].items():
        el = e["latency"]
        lines.append(
            f"| `{name}` | {e['count']} | {el['p50_ms']} | {el['p95_ms']} | {el['p99_ms']} | "
            f"{e['errors_4xx']} | {e['errors_5xx']} | {e['timeouts']} | {e['refused']} | "
            f"{e['unsupported']} |"
        )
    if r["unsupported"]:
        lines += ["", "## Not supported by the server (404/405/501)", ""]
        lines += [f"- {k}: {v}" for k, v in r["unsupported"].items()]
    ws = r["websocket"]
    pd = ws["posted_delivery"]
    lines += [
        "",
        "## WebSocket",
        "",
        f"Connects {ws['connects']} (failures {ws['connect_failures']}), reconnects "
        f"{ws['reconnects']} (resumed {ws['resumed']}), drops {ws['dropped']}, sequence gaps "
        f"{ws['seq_gaps']}.",
        "",
        f"Events received: {ws['events_total']} "
        + "("
        + ", ".join(f"{k} {v}" for k, v in ws["events"].items())
        + ").",
        "",
        f"`posted` delivery delay (post create_at to receipt, {pd['count']} events): "
        f"p50 {pd['p50_ms']} ms, p95 {pd['p95_ms']} ms, p99 {pd['p99_ms']} ms, "
        f"max {pd['max_ms']} ms.",
    ]
    if r["errors"]:
        lines += ["", "## Errors (most frequent)", ""]
        lines += [f"- `{k}`: {v}" for k, v in r["errors"].items()]
    lines.append("")
    return "\n".join(lines)
