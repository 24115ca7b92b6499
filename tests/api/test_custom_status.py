"""Custom statuses over HTTP and WebSocket: set, cleared, the recent list, validation,
expiry, and other people's statuses."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.client import LoggedIn, expect, unique
from tests.support.files import png
from tests.support.ws import listening

UserFactory = Callable[..., LoggedIn]


def _status(user: LoggedIn, other: LoggedIn | None = None) -> dict[str, Any] | None:
    """The status as another user reads it from the profile (None: none)."""
    reader = other or user
    raw = expect(reader.api.get(f"/users/{user.id}"), 200)["props"].get("customStatus")
    return json.loads(raw) if raw else None


def _recent(user: LoggedIn) -> list[dict[str, Any]]:
    prefs = expect(user.api.get("/users/me/preferences/custom_status"), 200)
    for p in prefs:
        if p["name"] == "recent_custom_statuses":
            found: list[dict[str, Any]] = json.loads(p["value"])
            return found
    return []


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


def _error(response: httpx.Response, status: int) -> str:
    return str(expect(response, status)["id"])


INVALID = "api.custom_status.set_custom_statuses.update.app_error"


def test_set_is_seen_by_others_and_remembered(server: str, make_user: UserFactory) -> None:
    alice, bob = make_user(), make_user()
    status = {"emoji": "calendar", "text": "In a meeting", "duration": "", "expires_at": ""}
    with listening(server, alice, bob) as (own, other):
        assert expect(alice.api.put("/users/me/status/custom", status), 200) == {"status": "OK"}
        updated = other.wait_for("user_updated", lambda f: f["data"]["user"]["id"] == alice.id)
        prefs = own.wait_for("preferences_changed")
        other.assert_no_event("preferences_changed")
    assert json.loads(updated["data"]["user"]["props"]["customStatus"]) == status
    changed = json.loads(prefs["data"]["preferences"])
    assert changed[0]["category"] == "custom_status"
    assert changed[0]["name"] == "recent_custom_statuses"
    assert _status(alice, bob) == status
    assert _recent(alice) == [status]

    # Text alone gets the default emoji; the recent list is newest first, without repeats.
    expect(alice.api.put(f"/users/{alice.id}/status/custom", {"text": "Lunch"}), 200)
    lunch = {"emoji": "speech_balloon", "text": "Lunch", "duration": "", "expires_at": ""}
    assert _status(alice) == lunch
    expect(alice.api.put("/users/me/status/custom", status), 200)
    assert _recent(alice) == [status, lunch]
    for i in range(6):
        expect(alice.api.put("/users/me/status/custom", {"emoji": "coffee", "text": f"t{i}"}), 200)
    recent = _recent(alice)
    assert len(recent) == 5 and recent[0]["text"] == "t5"

    with listening(server, bob) as (other,):
        assert expect(alice.api.delete("/users/me/status/custom"), 200) == {"status": "OK"}
        other.wait_for("user_updated", lambda f: f["data"]["user"]["id"] == alice.id)
    assert _status(alice, bob) is None
    assert len(_recent(alice)) == 5  # clearing keeps the recent ones


def test_removing_a_recent_status(make_user: UserFactory) -> None:
    alice = make_user()
    one = {"emoji": "coffee", "text": "Break", "duration": "", "expires_at": ""}
    two = {"emoji": "house", "text": "Home", "duration": "", "expires_at": ""}
    expect(alice.api.put("/users/me/status/custom", one), 200)
    expect(alice.api.put("/users/me/status/custom", two), 200)
    url = "/users/me/status/custom/recent/delete"
    assert expect(alice.api.post(url, one), 200) == {"status": "OK"}
    assert _recent(alice) == [two]
    assert _error(alice.api.post(url, one), 400) == (
        "api.custom_status.recent_custom_statuses.delete.app_error"
    )
    assert _recent(alice) == [two]


def test_durations_and_expiry(make_user: UserFactory) -> None:
    alice, bob = make_user(), make_user()
    later = _at(timedelta(hours=1))
    hour = {"emoji": "clock1", "text": "Focus", "duration": "one_hour", "expires_at": later}
    expect(alice.api.put("/users/me/status/custom", hour), 200)
    assert _status(alice, bob) == hour
    # Without a duration the time is ignored: it never ends.
    forever = {"emoji": "clock1", "text": "x", "duration": "", "expires_at": later}
    expect(alice.api.put("/users/me/status/custom", forever), 200)
    assert _status(alice)["expires_at"] == ""  # type: ignore[index]
    # A status whose end has passed reads as none.
    soon = _at(timedelta(seconds=1.5))
    brief = {"emoji": "clock1", "text": "brief", "duration": "date_and_time", "expires_at": soon}
    expect(alice.api.put("/users/me/status/custom", brief), 200)
    assert _status(alice, bob) == brief
    time.sleep(2)
    assert _status(alice, bob) is None
    me = expect(alice.api.get("/users/me"), 200)
    assert not me["props"].get("customStatus")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"emoji": "", "text": ""},
        {"emoji": "no such emoji"},
        {"emoji": "definitely_not_an_emoji_name"},
        {"text": "x", "duration": "forever"},
        {"text": "x", "duration": "one_hour"},
        {"text": "x", "duration": "one_hour", "expires_at": "yesterday"},
        {"text": "x", "duration": "one_hour", "expires_at": "2001-01-01T00:00:00Z"},
    ],
)
def test_bad_statuses(make_user: UserFactory, body: dict[str, Any]) -> None:
    alice = make_user()
    assert _error(alice.api.put("/users/me/status/custom", body), 400) == INVALID
    assert _status(alice) is None and _recent(alice) == []


def test_bodies_that_are_not_statuses(make_user: UserFactory) -> None:
    alice = make_user()
    for body in (["emoji"], {"emoji": 5}, "text"):
        assert _error(alice.api.put("/users/me/status/custom", body), 400) == (
            "api.context.invalid_body_param.app_error"
        )


def test_text_is_cut_to_100_characters(make_user: UserFactory) -> None:
    alice = make_user()
    expect(alice.api.put("/users/me/status/custom", {"emoji": "tada", "text": "é" * 150}), 200)
    assert _status(alice) == {
        "emoji": "tada",
        "text": "é" * 100,
        "duration": "",
        "expires_at": "",
    }


def test_custom_emoji_may_be_the_status(make_user: UserFactory) -> None:
    alice = make_user()
    name = unique("st")
    meta = json.dumps({"name": name, "creator_id": alice.id})
    files = {"image": ("e.png", png(16, 16), "image/png")}
    expect(alice.api.http.post("/emoji", data={"emoji": meta}, files=files), 200)
    expect(alice.api.put("/users/me/status/custom", {"emoji": name, "text": "mine"}), 200)
    assert _status(alice)["emoji"] == name  # type: ignore[index]
    # A skin-tone variant of a system emoji is a system emoji.
    expect(alice.api.put("/users/me/status/custom", {"emoji": "thumbsup_tone2"}), 200)


def test_someone_elses_status(make_user: UserFactory, admin: LoggedIn) -> None:
    alice, bob = make_user(), make_user()
    status = {"emoji": "coffee", "text": "Break"}
    for method, path, body in (
        ("PUT", f"/users/{alice.id}/status/custom", status),
        ("DELETE", f"/users/{alice.id}/status/custom", None),
        ("POST", f"/users/{alice.id}/status/custom/recent/delete", status),
    ):
        r = bob.api.http.request(method, path, json=body)
        assert _error(r, 403) == "api.context.permissions.app_error"
    assert _status(alice) is None
    # A system admin may.
    expect(admin.api.put(f"/users/{alice.id}/status/custom", status), 200)
    assert _status(alice, bob)["text"] == "Break"  # type: ignore[index]
    assert _error(bob.api.put("/users/not-an-id/status/custom", status), 400) == (
        "api.context.invalid_url_param.app_error"
    )
