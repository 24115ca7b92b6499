"""Prometheus metrics at /metrics and the health details of /system/ping."""

from __future__ import annotations

import re
import time

import httpx

from tests.support.client import LoggedIn, expect, unique
from tests.support.server import admin_url
from tests.support.ws import WsClient


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def scrape(base: str) -> str:
    r = httpx.get(f"{admin_url(base)}/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


def test_requests_and_latency_are_counted_by_route(admin: LoggedIn) -> None:
    base = admin.api.base
    before = sample(scrape(base), "roost_http_requests_total", route="/users/{user_id}")
    for _ in range(3):
        expect(admin.api.get(f"/users/{admin.id}"), 200)
    assert admin.api.get(f"/users/{'z' * 26}").status_code == 404
    text = scrape(base)
    ok = sample(
        text, "roost_http_requests_total", method="GET", route="/users/{user_id}", status="200"
    )
    missing = sample(
        text, "roost_http_requests_total", method="GET", route="/users/{user_id}", status="404"
    )
    assert ok + missing - before >= 4 and missing >= 1
    count = sample(text, "roost_http_request_duration_seconds_count", route="/users/{user_id}")
    assert count >= 4
    assert "roost_db_connections_in_use" in text


def test_open_websockets_are_a_gauge(admin: LoggedIn) -> None:
    base = admin.api.base
    before = sample(scrape(base), "roost_websocket_connections")
    with WsClient(base, admin.token) as ws:
        ws.wait_for("hello")
        assert sample(scrape(base), "roost_websocket_connections") == before + 1
    # The server notices the close asynchronously.
    deadline = time.monotonic() + 5
    while sample(scrape(base), "roost_websocket_connections") != before:
        assert time.monotonic() < deadline, "the closed socket is still counted"
        time.sleep(0.05)


def test_ping_reports_the_database_and_no_redis_when_alone(admin: LoggedIn) -> None:
    body = expect(admin.api.get("/system/ping", params={"get_server_status": "true"}), 200)
    assert body["status"] == "OK" and body["database_status"] == "OK"
    assert "redis_status" not in body


def test_post_commits_are_timed(admin: LoggedIn) -> None:
    base = admin.api.base
    team = expect(
        admin.api.post(
            "/teams", {"name": unique("commits"), "display_name": "Commits", "type": "O"}
        ),
        201,
    )
    channel = expect(
        admin.api.post(
            "/channels",
            {"team_id": team["id"], "name": unique("c"), "display_name": "C", "type": "O"},
        ),
        201,
    )
    # Counted from here: making the team and the channel wrote their system posts (joins).
    before = sample(scrape(base), "roost_post_commit_seconds_count")
    for n in range(3):
        expect(admin.api.post("/posts", {"channel_id": channel["id"], "message": f"m{n}"}), 201)
    text = scrape(base)
    # Posts arriving together may share a commit: at least one, at most three more.
    assert 1 <= sample(text, "roost_post_commit_seconds_count") - before <= 3
    assert sample(text, "roost_post_commit_seconds_bucket", le="2.5") >= before + 1
