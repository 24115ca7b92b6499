"""``roost loadtest run`` against a real, seeded server: the mix, the rates and the report
match what was configured; a server made slow on purpose fails the thresholds; the
find-max search settles where a server degrades."""

from __future__ import annotations

import itertools
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from roost.loadtest.model import RunConfig, Thresholds, normalised_weights
from roost.loadtest.report import to_markdown
from roost.loadtest.runner import run_load
from tests.loadtest.conftest import Seeded
from tests.loadtest.proxy import slow_proxy

USERS = 30
DURATION_S = 10
TIME_SCALE = 0.01


def _run_cli(seeded: Seeded, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "roost.cli",
            "loadtest",
            "run",
            "--url",
            seeded.base,
            "--manifest",
            str(seeded.manifest_path),
            "--out",
            str(out),
            "--display",
            "none",
            *extra,
        ],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bounded_run_matches_the_configured_mix(seeded_sqlite: Seeded, tmp_path: Path) -> None:
    done = _run_cli(
        seeded_sqlite,
        tmp_path,
        "--users",
        str(USERS),
        "--duration",
        f"{DURATION_S}s",
        "--time-scale",
        str(TIME_SCALE),
        "--workers",
        "2",
        "--random-seed",
        "11",
    )
    assert done.returncode == 0, done.stderr
    assert f"{USERS} users:" in done.stdout
    report: dict[str, Any] = json.loads((tmp_path / "loadtest.json").read_text())
    assert (tmp_path / "loadtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = (tmp_path / "loadtest.md").read_text()
    assert f"Bounded run: {USERS} users" in markdown and "## Actions" in markdown

    tot, res = report["totals"], report["result"]
    assert res["users"] == USERS and res["peak_active_users"] == USERS
    assert tot["logins"] == USERS and tot["login_failures"] == 0
    assert tot["errors_5xx"] == 0 and tot["timeouts"] == 0 and tot["connection_errors"] == 0

    # The mix: each action's observed share within sampling error of its weight.
    actions = report["actions"]
    n = tot["actions"]
    assert n == sum(a["count"] for a in actions.values())
    # Enough actions for the shares to mean something (fewer when the machine is busy).
    assert n >= 100, n
    for name, share in normalised_weights().items():
        observed = actions[name]["count"] / n
        tolerance = 4 * math.sqrt(share * (1 - share) / n) + 0.01
        assert abs(observed - share) <= tolerance, (name, observed, share)
    for a in actions.values():
        if a["count"]:
            assert a["count"] == a["ok"] + a["failed"] + a["unsupported"] + a["skipped"]
    # Failures stay rare: a simulated user works on real data it has seen.
    failed = sum(a.get("failed", 0) for a in actions.values())
    assert failed <= 0.02 * n, {k: v for k, v in report["errors"].items()}

    # Rates agree with the counts and with the model (scaled by the time scale).
    elapsed = report["elapsed_s"]
    assert abs(tot["requests_per_s"] - tot["requests"] / elapsed) < 0.01
    assert tot["requests"] == sum(e["count"] for e in report["endpoints"].values())
    expected = tot["expected_actions_per_user_minute"]
    assert 0.5 * expected <= tot["actions_per_user_minute"] <= 1.8 * expected
    assert len(report["timeline"]) >= DURATION_S - 1
    assert report["other_actions"]["Periodic:UserStatuses"]["count"] > 0

    # Endpoints a server lacks are reported per action, never counted as failures.
    for name, a in actions.items():
        if a.get("unsupported"):
            assert any(key.startswith(f"{name}: ") for key in report["unsupported"])

    # Every user kept a socket and saw the others' posts arrive.
    ws = report["websocket"]
    assert ws["connects"] >= USERS and ws["connect_failures"] == 0
    assert ws["events"].get("posted", 0) > 0 and ws["events"].get("hello", 0) >= USERS
    assert ws["posted_delivery"]["count"] > 0
    if actions["ReconnectWebSocket"]["count"]:
        assert ws["reconnects"] >= 1 and ws["resumed"] >= 1


def test_ctrl_c_ends_the_run_with_a_report(seeded_sqlite: Seeded, tmp_path: Path) -> None:
    args = [sys.executable, "-m", "roost.cli", "loadtest", "run", "--url", seeded_sqlite.base]
    args += ["--manifest", str(seeded_sqlite.manifest_path), "--out", str(tmp_path)]
    args += ["--users", "6", "--duration", "10m", "--time-scale", str(TIME_SCALE)]
    args += ["--workers", "2", "--display", "plain"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait until the run reports load, then interrupt it as a terminal's Ctrl-C would.
        assert proc.stderr is not None
        for line in proc.stderr:
            if "users 6/6" in line:
                break
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "6 users:" in out
    report: dict[str, Any] = json.loads((tmp_path / "loadtest.json").read_text())
    assert report["result"]["stop_reason"] == "interrupted"
    assert report["elapsed_s"] < 120
    assert report["totals"]["requests"] > 0 and report["totals"]["logins"] == 6
    assert "stopped by: interrupted" in (tmp_path / "loadtest.md").read_text()


def _config(seeded: Seeded, url: str, **kw: Any) -> RunConfig:
    return RunConfig(
        url=url,
        usernames=seeded.manifest.usernames(),
        password=seeded.manifest.password,
        **kw,
    )


async def test_a_slow_server_fails_the_latency_thresholds(seeded_sqlite: Seeded) -> None:
    async with slow_proxy(seeded_sqlite.base, lambda _sockets: 0.15) as proxy:
        report = await run_load(
            _config(seeded_sqlite, proxy.url, users=8, duration_s=4, time_scale=0.02, seed=3)
        )
    res = report["result"]
    assert res["within_thresholds"] is False
    assert "avg_request_ms" in res["crossed"]
    assert report["totals"]["latency"]["mean_ms"] > 150
    assert report["thresholds"]["intervals_over"] >= 1
    assert report["totals"]["actions"] > 0


async def test_find_max_settles_where_the_server_degrades(seeded_sqlite: Seeded) -> None:
    # Each open socket adds 25 ms to every request: 100 ms is crossed at about 4 users.
    async with slow_proxy(seeded_sqlite.base, lambda sockets: 0.025 * sockets) as proxy:
        cfg = _config(
            seeded_sqlite,
            proxy.url,
            find_max=True,
            max_duration_s=25,
            time_scale=0.02,
            users_inc=2,
            users_dec=2,
            interval_s=0.5,
            rest_s=0.5,
            metrics_window_s=1.5,
            plateau_window_s=5,
            plateau_slope=0.4,
            thresholds=Thresholds(server_cpu_pct=None, server_mem_pct=None),
            seed=5,
        )
        report = await run_load(cfg)
    res = report["result"]
    assert res["supported_users"] is not None, res
    assert 1 <= res["supported_users"] <= 8, res
    assert res["stop_reason"] in ("plateau", "max_duration")
    # It went up, crossed the latency threshold, and backed off.
    targets = [t["target"] for t in report["timeline"]]
    peak = targets.index(max(targets))
    assert max(targets) >= 4 and min(targets[peak:]) < max(targets)
    assert any("avg_request_ms" in t["crossed"] for t in report["timeline"])
    # The top it reached within every threshold is reported, below where it broke.
    assert 1 <= res["top_users_within_thresholds"] <= max(targets), res


async def test_find_max_breaks_where_the_server_starts_refusing(seeded_sqlite: Seeded) -> None:
    """A server that sheds work (429 with Retry-After) once more than 5 users hold a
    socket: refusals are a threshold of their own, so the search tops out there and
    reports it, with the refusals apart from 5xx errors."""

    def refuse(method: str, path: str, _body: bytes) -> tuple[int, str | None] | None:
        if proxy.sockets > 5 and not path.endswith("/users/login"):
            return (429, "1")
        return None

    async with slow_proxy(seeded_sqlite.base, lambda _sockets: 0.0, refuse) as proxy:
        cfg = _config(
            seeded_sqlite,
            proxy.url,
            find_max=True,
            max_duration_s=20,
            time_scale=0.02,
            users_inc=2,
            users_dec=2,
            interval_s=0.5,
            rest_s=0.5,
            metrics_window_s=1.5,
            plateau_window_s=5,
            plateau_slope=0.4,
            thresholds=Thresholds(server_cpu_pct=None, server_mem_pct=None),
            seed=11,
        )
        report = await run_load(cfg)
    res, tot = report["result"], report["totals"]
    assert any("refused_share" in t["crossed"] for t in report["timeline"])
    assert tot["refused"] > 0 and tot["errors_5xx"] == 0
    assert 1 <= res["top_users_within_thresholds"] <= 6, res
    assert res["supported_users"] is not None and res["supported_users"] <= 8, res


async def test_users_back_off_from_refused_logins_and_count_them_apart(
    seeded_sqlite: Seeded,
) -> None:
    """Every login is refused (503, Retry-After) for the first 0.8 s: each user tries
    again only after the apps' back-off (3 s and jitter, scaled: 0.15-0.25 s, so a few
    tries each before the wait starts to grow), never at once; the report counts the
    refusals apart from errors and timeouts; all get in after."""
    scale = 0.05
    attempts: dict[str, list[float]] = {}
    refuse_until = time.monotonic() + 0.8

    def refuse(method: str, path: str, body: bytes) -> tuple[int, str | None] | None:
        if method != "POST" or not path.endswith("/users/login"):
            return None
        who = str(json.loads(body).get("login_id"))
        attempts.setdefault(who, []).append(time.monotonic())
        return (503, "1") if time.monotonic() < refuse_until else None

    users = 6
    async with slow_proxy(seeded_sqlite.base, lambda _sockets: 0.0, refuse) as proxy:
        report = await run_load(
            _config(seeded_sqlite, proxy.url, users=users, duration_s=5, time_scale=scale, seed=9)
        )
    tot = report["totals"]
    assert tot["logins"] == users, (tot, report["errors"])
    assert tot["login_refusals"] >= users and tot["refused"] == tot["login_refusals"]
    assert tot["errors_5xx"] == 0 and tot["login_failures"] == 0
    assert report["endpoints"]["POST /users/login"]["refused"] == tot["refused"]
    assert "refused_share" in report["thresholds"]["whole_run"]["crossed"]
    gaps = [b - a for times in attempts.values() for a, b in itertools.pairwise(times)]
    assert gaps, attempts
    # No retry sooner than the schedule's 3 s (scaled), and no two users in lockstep.
    assert min(gaps) >= 3.0 * scale * 0.95, sorted(gaps)[:5]
    assert max(gaps) - min(gaps) > 0.02
    markdown = to_markdown(report)
    assert "refused (429, 503 with Retry-After)" in markdown
