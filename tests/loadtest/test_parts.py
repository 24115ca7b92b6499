"""The pieces without a server: the model's numbers, histograms, the feedback loop,
the seed plan, and the command line's refusals."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from roost.cli.main import main
from roost.loadtest import model
from roost.loadtest.actions import ACTIONS
from roost.loadtest.aggregate import signals
from roost.loadtest.client import is_unsupported
from roost.loadtest.coordinator import FeedbackLoop, slope
from roost.loadtest.metrics import Histogram, Recorder
from roost.loadtest.monitor import ProcessMonitor
from roost.loadtest.seed_plan import SeedConfig, plan, split_counts
from roost.loadtest.user import pick_rate_factor


def test_model_numbers_are_the_published_ones() -> None:
    weights = model.normalised_weights()
    assert abs(sum(weights.values()) - 1) < 1e-9
    assert set(weights) <= set(ACTIONS)
    assert abs(sum(share for share, _ in model.RATE_FACTORS) - 1) < 1e-9
    assert model.mean_actions_per_minute() == pytest.approx(0.68, abs=0.005)
    assert model.idle_bounds() == (1.0, 39.0)
    rng = random.Random(1)
    factors = [pick_rate_factor(rng) for _ in range(20_000)]
    assert factors.count(30.0) / len(factors) == pytest.approx(0.30, abs=0.02)
    assert factors.count(1.0) / len(factors) == pytest.approx(0.05, abs=0.01)
    with pytest.raises(ValueError):
        model.normalised_weights({"SwitchChannel": 0})


def test_histogram_percentiles_and_merge() -> None:
    a, b = Histogram(), Histogram()
    for ms in range(1, 1001):
        (a if ms % 2 else b).add(float(ms))
    a.merge(b)
    assert a.n == 1000 and a.max == 1000
    assert a.mean == pytest.approx(500.5)
    for pct in (50, 95, 99):
        assert a.percentile(pct) == pytest.approx(pct * 10, rel=0.03)
    assert Histogram().percentile(99) == 0.0


def test_signals_cross_the_thresholds() -> None:
    rec = Recorder(start_wall=0.0)
    for _ in range(1000):
        rec.request("GET /x", "ok", 200, 50.0, wall=1.0)
    rec.request("GET /x", "http_error", 503, 5.0, wall=1.0)
    rec.request("GET /x", "timeout", 0, 10_000.0, wall=1.0)
    second = rec.drain().seconds[1]
    s = signals(second, model.Thresholds())
    assert s.requests == 1002
    assert set(s.crossed) == {"error_5xx_share", "timeout_share"}
    slow = signals(
        second,
        model.Thresholds(avg_request_ms=10, error_5xx_share=None, timeout_share=None),
        cpu_pct=90.0,
    )
    assert set(slow.crossed) == {"avg_request_ms", "server_cpu_pct"}


def test_unsupported_means_no_such_route() -> None:
    assert is_unsupported(404, {"id": "api.context.404.app_error"})
    assert is_unsupported(404, None) and is_unsupported(405, {}) and is_unsupported(501, {})
    assert not is_unsupported(404, {"id": "app.post.get.app_error"})
    assert not is_unsupported(400, {"id": "api.context.404.app_error"})


def test_slope() -> None:
    assert slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    assert slope([(0, 4)]) == 0.0


def test_feedback_loop_finds_the_capacity() -> None:
    """A server whose latency climbs past 2,000 users, seen through a trailing-minute
    average as the published monitor sees it: the loop ramps up, backs off, settles."""
    loop = FeedbackLoop(inc=8, dec=8, rest_s=2, flat_slope=0.2, window_s=300, max_users=10_000)
    users, now = 0, 0.0
    minute: list[tuple[float, int]] = []  # (latency ms, requests) per 2 s interval
    while not loop.done and now < 4 * 3600:
        minute = [*minute[-29:], (20 + 0.5 * max(0, users - 2000), max(users, 1))]
        avg = sum(ms * n for ms, n in minute) / sum(n for _, n in minute)
        users = max(0, users + loop.step(now, users, avg > 100))
        now += 2.0
    assert loop.done, "no plateau"
    # Latency reaches the 100 ms threshold at 2,160 users.
    assert loop.supported == pytest.approx(2160, rel=0.05)


def test_feedback_loop_stops_at_the_user_limit() -> None:
    loop = FeedbackLoop(inc=8, dec=8, rest_s=2, flat_slope=0.2, window_s=60, max_users=20)
    users = 0
    for i in range(10):
        users += loop.step(i * 2.0, users, alert=False)
    assert users == 20 and not loop.done


def test_seed_plan_proportions_and_sizes() -> None:
    cfg = SeedConfig(posts=5000, users=80, teams=3, seed=1).resolved()
    assert cfg.channels == 160
    layout = plan(cfg, now=10**12, rng=random.Random(1))
    kinds = [pc.channel.type for pc in layout.channels]
    assert {k: kinds.count(k) for k in "DOPG"} == split_counts(160, model.CHANNEL_MIX)
    assert sum(pc.posts for pc in layout.channels) == 5000
    for pc in layout.channels:
        assert len(set(pc.members)) == len(pc.members) >= 2
        if pc.channel.type == "D":
            assert len(pc.members) == 2
        if pc.channel.type == "G":
            assert 3 <= len(pc.members) <= 8
    assert split_counts(7, {"a": 1, "b": 1}) in ({"a": 4, "b": 3}, {"a": 3, "b": 4})


def test_run_refuses_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ROOST_DATA_DIR": str(tmp_path)}
    no_manifest = runner.invoke(main, ["loadtest", "run", "--duration", "1"], env=env)
    assert no_manifest.exit_code == 2 and "no manifest" in no_manifest.output
    bad_duration = runner.invoke(main, ["loadtest", "run", "--duration", "soon"], env=env)
    assert bad_duration.exit_code == 2 and "not a duration" in bad_duration.output
    zero = runner.invoke(main, ["loadtest", "run", "--duration", "0"], env=env)
    assert zero.exit_code == 2
    bad_limit = runner.invoke(main, ["loadtest", "run", "--max-avg-ms", "fast"], env=env)
    assert bad_limit.exit_code == 2 and "'off'" in bad_limit.output
    common = ["loadtest", "run", "--username-prefix", "x", "--user-count", "3", "--password", "p"]
    bad_weight = runner.invoke(main, [*common, "--weight", "Nope=3"], env=env)
    assert bad_weight.exit_code == 2 and "NAME=WEIGHT" in bad_weight.output
    too_many = runner.invoke(main, [*common, "--users", "5"], env=env)
    assert too_many.exit_code == 2 and "only 3 seeded users" in too_many.output
    half = runner.invoke(main, ["loadtest", "run", "--username-prefix", "x"], env=env)
    assert half.exit_code == 2 and "--user-count" in half.output


def test_monitor_reports_the_busiest_thread_of_a_process_tree() -> None:
    # An idle shell whose child spins one thread while another thread sleeps.
    spin = (
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
        "end = time.time() + 5\n"
        "while time.time() < end: pass\n"
    )
    shell = subprocess.Popen(
        ["sh", "-c", f'"{sys.executable}" -c "{spin}"; true'], start_new_session=True
    )
    try:
        time.sleep(0.5)  # the child is running: the monitor measures from its first look
        monitor = ProcessMonitor([shell.pid])
        time.sleep(1.5)
        cpu, mem = monitor.sample()
    finally:
        os.killpg(shell.pid, signal.SIGKILL)
        shell.wait()
    assert cpu is not None and mem is not None
    # One spinning thread: near one core, never the sum of several.
    assert 50 <= cpu <= 110, cpu
    assert 0 < mem < 50
