"""Simulated users back off as Mattermost's apps do (3 s plus up to 2 s of jitter,
growing with the square of the failures after 7 in a row, at most 5 minutes, never
less than the server's Retry-After), and refusals are counted apart from errors and
timeouts, with a threshold of their own."""

from __future__ import annotations

import random

import pytest

from roost.loadtest import backoff, model
from roost.loadtest.aggregate import signals
from roost.loadtest.backoff import Backoff
from roost.loadtest.client import is_refusal, retry_after_s
from roost.loadtest.metrics import REFUSED, TIMED_OUT, Recorder


def test_the_schedule_is_the_apps() -> None:
    b = Backoff(random.Random(3))
    waits = [b.next_delay() for _ in range(12)]
    for n, wait in enumerate(waits, start=1):
        base = 3.0 if n <= 7 else min(300.0, 3.0 * n * n)
        assert base <= wait <= base + backoff.JITTER_S, (n, wait)
    # Jitter: users cut off together do not come back together.
    spread = [Backoff(random.Random(i)).next_delay() for i in range(200)]
    assert max(spread) - min(spread) > 1.5
    assert len({round(w, 3) for w in spread}) > 150
    b.reset()
    assert b.next_delay() <= 3.0 + backoff.JITTER_S


def test_the_wait_is_capped_and_honours_retry_after() -> None:
    b = Backoff(random.Random(1))
    for _ in range(50):
        last = b.next_delay()
    assert backoff.MAX_RETRY_S <= last <= backoff.MAX_RETRY_S + backoff.JITTER_S
    fresh = Backoff(random.Random(1))
    assert fresh.next_delay(retry_after=20) >= 20
    assert fresh.next_delay(retry_after=1) >= 3.0  # never shorter than the schedule
    assert fresh.next_delay(retry_after=10_000) <= backoff.MAX_RETRY_S + backoff.JITTER_S


def test_the_wait_follows_the_time_scale() -> None:
    wait = Backoff(random.Random(2), scale=0.01).next_delay(retry_after=100)
    assert 1.0 <= wait <= 1.02


def test_what_counts_as_a_refusal() -> None:
    assert is_refusal(429, None) and is_refusal(429, "1")
    assert is_refusal(503, "5")
    # A 503 that does not say when to come back is a server error, not a refusal.
    assert not is_refusal(503, None) and not is_refusal(500, "5")
    assert retry_after_s("5") == 5.0 and retry_after_s("0.5") == 0.5
    assert retry_after_s(None) is None and retry_after_s("soon") is None
    assert retry_after_s("-1") is None


def test_refusals_are_counted_apart_and_have_a_threshold() -> None:
    rec = Recorder(start_wall=0.0)
    for _ in range(1000):
        rec.request("POST /users/login", "ok", 200, 50.0, wall=1.0)
    rec.request("POST /users/login", REFUSED, 503, 1.0, wall=1.0, detail="busy")
    rec.login(False, 1.0, REFUSED)
    rec.login(False, 1.0, TIMED_OUT)
    rec.login(False, 1.0)
    rec.action("CreatePost", REFUSED, 2.0, 1.0)
    rec.action("CreatePost", TIMED_OUT, 10_000.0, 1.0)
    delta = rec.drain()
    second = delta.seconds[1]
    assert second.requests.refused == 1
    assert second.requests.server_errors == 0  # not a 5xx error
    assert second.requests.latency.n == 1000  # nor in the latency
    assert (delta.login_refusals, delta.login_timeouts, delta.login_failures) == (1, 1, 1)
    post = delta.actions["CreatePost"]
    assert (post.refused, post.timed_out, post.failed) == (1, 1, 0)
    s = signals(second, model.Thresholds())
    assert s.crossed == ["refused_share"]
    assert s.error_5xx_share == 0.0
    assert s.refused_share == pytest.approx(1 / 1001)
    assert signals(second, model.Thresholds(refused_share=None)).crossed == []
