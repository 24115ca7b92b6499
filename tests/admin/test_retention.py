"""Data retention (issue 24): policies (Mattermost's API shape), and the job that deletes
exactly the expired posts with their replies, reactions and files."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.admin.conftest import AdminSite
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, expect, unique
from tests.support.files import upload_one

DAY_MS = 86_400_000
JOB_TIMEOUT_SECONDS = 60.0


@pytest.fixture
def site(admin_site: AdminSite) -> AdminSite:
    return admin_site


def _post(user: LoggedIn, channel_id: str, age_days: float, **fields: Any) -> dict[str, Any]:
    body = {
        "channel_id": channel_id,
        "message": unique("m"),
        "create_at": int(time.time() * 1000 - age_days * DAY_MS),
        **fields,
    }
    return dict(expect(user.api.post("/posts", body), 201))


def _run_job(admin: LoggedIn) -> dict[str, Any]:
    job = expect(admin.api.post("/jobs", {"type": "data_retention"}), 201)
    assert job["status"] == "pending"
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        job = expect(admin.api.get(f"/jobs/{job['id']}"), 200)
        if job["status"] in ("success", "error", "canceled"):
            return dict(job)
        time.sleep(0.1)
    raise AssertionError(f"job not done: {job}")


def test_policies_in_mattermosts_shape_and_bad_input(site: AdminSite) -> None:
    admin = site.admin
    team = team_with(admin)
    channel = channel_with(admin, team["id"])
    body = {
        "display_name": "Legal hold",
        "post_duration": 30,
        "team_ids": [team["id"]],
        "channel_ids": [channel["id"]],
    }
    made = expect(admin.api.post("/data_retention/policies", body), 201)
    assert made["display_name"] == "Legal hold" and made["post_duration"] == 30
    assert made["team_count"] == 1 and made["channel_count"] == 1
    policy = f"/data_retention/policies/{made['id']}"
    # The policies over a user's teams and channels (the user's own, or an admin's look).
    mine = expect(admin.api.get("/users/me/data_retention/team_policies"), 200)
    assert {"team_id": team["id"], "post_duration": 30} in mine["policies"]
    mine = expect(admin.api.get(f"/users/{admin.id}/data_retention/channel_policies"), 200)
    assert {"channel_id": channel["id"], "post_duration": 30} in mine["policies"]
    theirs = site.member.api.get("/users/me/data_retention/team_policies")
    assert team["id"] not in [p["team_id"] for p in expect(theirs, 200)["policies"]]
    peek = site.member.api.get(f"/users/{admin.id}/data_retention/team_policies")
    assert expect(peek, 403)["id"] == "api.context.permissions.app_error"
    assert expect(admin.api.get(policy), 200) == made
    listed = expect(admin.api.get("/data_retention/policies"), 200)
    assert made["id"] in [p["id"] for p in listed["policies"]]
    assert listed["total_count"] >= 1
    assert expect(admin.api.get("/data_retention/policies_count"), 200)["total_count"] >= 1
    assert expect(admin.api.get(f"{policy}/teams"), 200) == [{"id": team["id"]}]
    expect(admin.api.http.request("DELETE", f"{policy}/channels", json=[channel["id"]]), 200)
    assert expect(admin.api.get(policy), 200)["channel_count"] == 0
    expect(admin.api.post(f"{policy}/channels", [channel["id"]]), 200)
    patched = expect(admin.api.http.patch(policy, json={"post_duration": -1}), 200)
    assert patched["post_duration"] == -1 and patched["channel_count"] == 1

    bad = [
        ({**body, "post_duration": 0}, "post_duration"),
        ({**body, "post_duration": "30"}, "post_duration"),
        ({**body, "display_name": ""}, "display_name"),
        ({**body, "team_ids": ["x" * 26]}, "team_ids"),
        ({**body, "channel_ids": "nope"}, "channel_ids"),
    ]
    for doc, field in bad:
        refused = expect(admin.api.post("/data_retention/policies", doc), 400)
        assert refused["id"] == f"model.retention_policy.is_valid.{field}.app_error", doc
    assert expect(admin.api.http.patch(policy, json={"post_duration": 0}), 400)
    assert expect(admin.api.get(policy), 200)["post_duration"] == -1  # nothing half-applied
    assert expect(site.member.api.get("/data_retention/policies"), 403)
    assert expect(site.member.api.post("/data_retention/policies", body), 403)
    assert expect(site.member.api.post("/jobs", {"type": "data_retention"}), 403)
    assert expect(admin.api.post("/jobs", {"type": "mine_bitcoin"}), 400)
    expect(admin.api.delete(policy), 200)
    assert expect(admin.api.get(policy), 404)["id"] == "app.retention_policy.get.app_error"


def test_the_global_policy_follows_the_configuration(site: AdminSite) -> None:
    admin = site.admin
    assert expect(admin.api.get("/data_retention/policy"), 200)["message_deletion_enabled"] is False
    patch = {"DataRetentionSettings": {"EnableMessageDeletion": True, "MessageRetentionDays": 0}}
    refused = expect(admin.api.put("/config/patch", patch), 400)
    assert refused["id"] == "model.config.is_valid.messageretentiondays.app_error"
    patch["DataRetentionSettings"]["MessageRetentionDays"] = 3650
    expect(admin.api.put("/config/patch", patch), 200)
    try:
        policy = expect(admin.api.get("/data_retention/policy"), 200)
        assert policy["message_deletion_enabled"] is True
        expected = time.time() * 1000 - 3650 * DAY_MS
        assert abs(policy["message_retention_cutoff"] - expected) < 60_000
    finally:
        off = {"DataRetentionSettings": {"EnableMessageDeletion": False}}
        expect(admin.api.put("/config/patch", off), 200)


def test_the_job_deletes_exactly_the_expired_posts_and_their_files(site: AdminSite) -> None:
    admin, member = site.admin, site.member
    team = team_with(admin, member)
    held = team_with(admin)  # a team policy of 10 days
    short = channel_with(admin, team["id"], member)  # a channel policy of 30 days
    forever = channel_with(admin, held["id"])  # a channel policy of -1 in a 10-day team
    by_team = channel_with(admin, held["id"])  # the team's 10 days
    untouched = channel_with(admin, team["id"])  # no policy, global deletion off
    policies = [
        {"display_name": "30 days", "post_duration": 30, "channel_ids": [short["id"]]},
        {"display_name": "10 days", "post_duration": 10, "team_ids": [held["id"]]},
        {"display_name": "Forever", "post_duration": -1, "channel_ids": [forever["id"]]},
    ]
    made = [expect(admin.api.post("/data_retention/policies", p), 201) for p in policies]

    expired: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    old_files: list[str] = []
    kept_files: list[str] = []
    for i in range(12):
        file_id = upload_one(admin, short["id"], f"old{i}.txt", b"old")["id"]
        old_files.append(file_id)
        expired.append(_post(admin, short["id"], 40 + i, file_ids=[file_id]))
    root = expired[0]
    # A reply newer than the cutoff goes with its expired root.
    expired.append(_post(member, short["id"], 1, root_id=root["id"]))
    expect(
        member.api.post(
            "/reactions", {"user_id": member.id, "post_id": root["id"], "emoji_name": "smile"}
        ),
        200,
    )
    fresh_file = upload_one(admin, short["id"], "fresh.txt", b"fresh")["id"]
    kept_files.append(fresh_file)
    kept.append(_post(admin, short["id"], 29, file_ids=[fresh_file]))
    kept.append(_post(admin, short["id"], 0))
    expired += [_post(admin, by_team["id"], 11 + i) for i in range(3)]
    kept.append(_post(admin, by_team["id"], 9))
    kept += [_post(admin, forever["id"], 400 + i) for i in range(3)]
    kept += [_post(admin, untouched["id"], 500 + i) for i in range(3)]
    expect(
        member.api.post(
            "/reactions", {"user_id": member.id, "post_id": kept[0]["id"], "emoji_name": "smile"}
        ),
        200,
    )

    job = _run_job(admin)
    assert job["status"] == "success", job
    assert job["progress"] == 100
    assert int(job["data"]["posts_deleted"]) == len(expired)
    assert int(job["data"]["files_deleted"]) == len(old_files)
    for gone in expired:
        assert expect(admin.api.get(f"/posts/{gone['id']}"), 404)
    for still in kept:
        assert expect(admin.api.get(f"/posts/{still['id']}"), 200)["id"] == still["id"]
    for file_id in old_files:
        assert expect(admin.api.get(f"/files/{file_id}"), 404)
    for file_id in kept_files:
        assert expect(admin.api.get(f"/files/{file_id}"), 200) == b"fresh"
    reactions = expect(admin.api.get(f"/posts/{kept[0]['id']}/reactions"), 200)
    assert [r["emoji_name"] for r in reactions] == ["smile"]
    listed = expect(admin.api.get("/jobs", params={"job_type": "data_retention"}), 200)
    assert listed[0]["id"] == job["id"]
    # Nothing more to do: a second run deletes nothing.
    again = _run_job(admin)
    assert again["status"] == "success" and int(again["data"]["posts_deleted"]) == 0
    for policy in made:
        expect(admin.api.delete(f"/data_retention/policies/{policy['id']}"), 200)
