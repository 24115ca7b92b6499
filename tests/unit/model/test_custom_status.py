"""Custom statuses as stored in user props: parsing Go's RFC 3339 times and expiry."""

from __future__ import annotations

import time

import orjson
import pytest

from roost.model.custom_status import PROPS_KEY, CustomStatus, current, parse_time, visible_props


def _props(status: CustomStatus) -> dict[str, str]:
    return {PROPS_KEY: status.to_json(), "other": "kept"}


@pytest.mark.parametrize(
    "value",
    [
        "2030-01-02T03:04:05Z",
        "2030-01-02T03:04:05.123456789Z",
        "2030-01-02T03:04:05.1+02:00",
        "2030-01-02T03:04:05.000Z",
    ],
)
def test_times_clients_and_go_write(value: str) -> None:
    assert parse_time(value).year == 2030


@pytest.mark.parametrize("value", ["", "yesterday", "2030-01-02T03:04:05"])
def test_unreadable_times(value: str) -> None:
    with pytest.raises(ValueError):
        parse_time(value)


def test_expiry() -> None:
    now = int(time.time() * 1000)
    past = CustomStatus("x", "t", "one_hour", "2001-01-01T00:00:00Z")
    future = CustomStatus("x", "t", "one_hour", "2999-01-01T00:00:00Z")
    forever = CustomStatus("x", "t", "", "2001-01-01T00:00:00Z")  # no duration: no end
    assert past.expired(now) and not future.expired(now) and not forever.expired(now)
    assert current(_props(past), now) is None
    assert current(_props(future), now) == future
    assert visible_props(_props(past)) == {PROPS_KEY: "", "other": "kept"}
    assert visible_props(_props(future)) == _props(future)
    assert visible_props({"other": "kept"}) == {"other": "kept"}
    assert visible_props({PROPS_KEY: "not json"}) == {PROPS_KEY: "not json"}


def test_from_dict() -> None:
    assert CustomStatus.from_dict({"emoji": "a"}) == CustomStatus("a")
    assert CustomStatus.from_dict({"emoji": 1}) is None
    assert CustomStatus.from_dict(["a"]) is None
    round_trip = CustomStatus("a", "b", "today", "2030-01-01T00:00:00Z")
    assert CustomStatus.from_dict(orjson.loads(round_trip.to_json())) == round_trip
