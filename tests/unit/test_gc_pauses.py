"""Garbage-collection pauses are timed by generation, and a long one is logged."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY

from roost import server


def _count(generation: str) -> float:
    value = REGISTRY.get_sample_value("roost_gc_pause_seconds_count", {"generation": generation})
    return value or 0.0


def test_each_collection_is_timed_and_a_slow_one_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = iter([10.0, 10.002, 20.0, 20.080])
    monkeypatch.setattr(server, "_gc_clock", lambda: next(clock))
    before = _count("0"), _count("2")
    with caplog.at_level(logging.WARNING, logger="roost.server"):
        server._time_gc("start", {"generation": 0})
        server._time_gc("stop", {"generation": 0, "collected": 3})
        assert caplog.records == []  # 2 ms: timed, not logged
        server._time_gc("start", {"generation": 2})
        server._time_gc("stop", {"generation": 2, "collected": 4_100})
    assert (_count("0"), _count("2")) == (before[0] + 1, before[1] + 1)
    [record] = caplog.records
    assert record.getMessage() == (
        "garbage collection of generation 2 paused the process for 80 ms (4100 collected)"
    )
