"""``GET /logs``, ``GET /cluster/status`` and ``GET /analytics/old`` (issue 24), on a server
of this module's own that logs at debug level."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.admin.conftest import OPERATOR_TOKEN, AdminSite
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.posting import post


@pytest.fixture
def node(admin_site: AdminSite) -> AdminSite:
    return admin_site


def _stats(user: LoggedIn, name: str = "standard") -> dict[str, int]:
    rows = expect(user.api.get("/analytics/old", params={"name": name}), 200)
    return {row["name"]: row["value"] for row in rows}


def test_logs_are_json_lines_without_secrets(node: AdminSite) -> None:
    # Lines that carry secrets (POST /logs: a client's message in the server's log).
    leaky = [
        f"operator {OPERATOR_TOKEN}",
        f"Authorization: Bearer {node.admin.token}",
        "postgresql://roost:hunter2secret@db:5432/roost",
        'login {"password": "hunter3secret"}',
    ]
    for message in leaky:
        logged = node.admin.api.post("/logs", {"level": "ERROR", "message": message})
        assert expect(logged, 200)["message"] == message
    assert expect(node.member.api.post("/logs", {"level": "ERROR", "message": "x"}), 403)
    assert expect(node.admin.api.post("/logs", {"level": "LOUD", "message": "x"}), 400)
    answer = node.admin.api.get("/logs")
    lines = expect(answer, 200)
    assert isinstance(lines, list) and lines
    parsed = [json.loads(line) for line in lines]
    # One node (no Redis): its own lines, each naming it, and no node missing.
    node_id = expect(node.admin.api.get("/cluster/status"), 200)[0]["id"]
    assert "X-Roost-Missing-Nodes" not in answer.headers
    for entry in parsed:
        assert {"timestamp", "level", "msg", "caller"} <= set(entry)
        assert entry["node"] == node_id and not entry.get("missing")
    assert any("startup complete" in e["msg"].lower() for e in parsed)
    text = "\n".join(lines)
    client_lines = [e["msg"] for e in parsed if e["msg"].startswith("client: ")]
    assert len(client_lines) == len(leaky)
    assert all("********" in m for m in client_lines)
    for secret in (OPERATOR_TOKEN, node.admin.token, "hunter2secret", "hunter3secret"):
        assert secret not in text
    password = node.database_url.partition("://")[2].partition("@")[0].partition(":")[2]
    if password:
        assert password not in text
    # The level filter, and paging from the newest.
    errors_only = expect(node.admin.api.get("/logs", params={"level": "error"}), 200)
    assert len(errors_only) >= len(leaky)
    assert all(json.loads(line)["level"] in ("error", "critical") for line in errors_only)
    newest = expect(node.admin.api.get("/logs", params={"logs_per_page": 2}), 200)
    assert len(newest) == 2
    assert expect(node.admin.api.get("/logs", params={"level": "loud"}), 400)
    assert expect(node.admin.api.get("/logs", params={"logs_per_page": 0}), 400)
    assert expect(node.member.api.get("/logs"), 403)["id"] == "api.context.permissions.app_error"


def test_cluster_status_of_a_single_node(node: AdminSite) -> None:
    nodes = expect(node.admin.api.get("/cluster/status"), 200)
    assert len(nodes) == 1
    info = nodes[0]
    config = node.admin.api.get("/config")
    assert info["config_hash"] == config.headers["ETag"].strip('"')
    assert (
        info["version"] == expect(node.admin.api.get("/config/client?format=old"), 200)["Version"]
    )
    assert info["id"] and info["hostname"]
    assert info["address"].endswith(":" + node.base.rpartition(":")[2])
    assert info["uptime_seconds"] >= 0 and info["start_at"] > 0
    assert expect(node.member.api.get("/cluster/status"), 403)


def test_statistics_count_what_happened(node: AdminSite) -> None:
    alice, bob = create_user(node.base), create_user(node.base)
    team = team_with(node.admin, alice, bob)
    channel = channel_with(node.admin, team["id"], alice, bob)
    before = _stats(node.admin)
    before_days = _stats(node.admin, "post_counts_day")
    before_posters = _stats(node.admin, "user_counts_with_posts_day")
    for i in range(3):
        post(alice, channel["id"], f"a{i}")
    for i in range(2):
        post(bob, channel["id"], f"b{i}")
    after = _stats(node.admin)
    assert after["post_count"] == before["post_count"] + 5
    assert after["team_count"] == before["team_count"]
    assert after["unique_user_count"] >= 4
    assert after["channel_open_count"] + after["channel_private_count"] >= 3
    days = _stats(node.admin, "post_counts_day")
    (today,) = [d for d in days if d >= max(days)]
    assert days[today] == before_days.get(today, 0) + 5
    posters = _stats(node.admin, "user_counts_with_posts_day")
    # Alice and Bob posted today already (their joins are system posts in their name, as
    # in Mattermost): they were counted then, and five posts more count no one twice.
    assert before_posters[today] >= 2
    assert posters[today] == before_posters[today]
    # Per team: the team's channels only.
    rows: list[dict[str, Any]] = expect(
        node.admin.api.get("/analytics/old", params={"name": "standard", "team_id": team["id"]}),
        200,
    )
    per_team = {r["name"]: r["value"] for r in rows}
    assert per_team["unique_user_count"] == 3
    assert per_team["post_count"] <= after["post_count"]
    assert expect(node.admin.api.get("/analytics/old", params={"name": "nope"}), 400)
    assert expect(node.member.api.get("/analytics/old"), 403)
