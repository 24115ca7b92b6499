"""Exporting a tenant: Mattermost bulk-import JSONL with everything it holds, in the
order the importer reads it, and nothing of any other tenant."""

from __future__ import annotations

from typing import Any

import orjson

from tests.support.chat import channel_with, team_with
from tests.support.client import create_user, expect
from tests.support.posting import post
from tests.tenants.conftest import Deployment, host_of, new_tenant

ORDER = ["version", "team", "channel", "user", "direct_channel", "post", "direct_post"]


def export(d: Deployment, tenant_id: str) -> list[dict[str, Any]]:
    with d.operator() as op:
        r = op.get(f"/tenants/{tenant_id}/export")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-ndjson")
    return [orjson.loads(line) for line in r.content.splitlines()]


def test_export_holds_the_tenant_in_bulk_import_form(deployment: Deployment) -> None:
    t, other = new_tenant(deployment), new_tenant(deployment)
    host = host_of(t)
    alice = create_user(deployment.base, host=host, nickname="Al")
    bob = create_user(deployment.base, host=host)
    stranger = create_user(deployment.base, host=host_of(other))
    team_with(stranger, display_name="Not theirs")
    team = team_with(alice, bob, display_name="Export Team")
    channel = channel_with(alice, team["id"], bob, display_name="Plans")
    private = channel_with(alice, team["id"], type="P", display_name="Secret")
    root = post(alice, channel["id"], "the plan")
    post(bob, channel["id"], "agreed", root_id=root["id"])
    expect(
        bob.api.post("/reactions", {"user_id": bob.id, "post_id": root["id"], "emoji_name": "+1"}),
        200,
    )
    post(alice, private["id"], "between us")
    dm = expect(alice.api.post("/channels/direct", [alice.id, bob.id]), 201)
    post(bob, dm["id"], "psst")

    lines = export(deployment, t["name"])
    kinds = [line["type"] for line in lines]
    assert kinds[0] == "version" and lines[0]["version"] == 1
    # Every kind appears in the importer's order.
    assert [k for k in ORDER if k in kinds] == sorted(set(kinds), key=ORDER.index)
    assert kinds == sorted(kinds, key=ORDER.index)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        by_kind.setdefault(line["type"], []).append(line[line["type"]])

    assert [x["display_name"] for x in by_kind["team"]] == ["Export Team"]
    kinds_of = {x["display_name"]: x["type"] for x in by_kind["channel"]}
    assert kinds_of["Plans"] == "O" and kinds_of["Secret"] == "P"
    users = {u["username"]: u for u in by_kind["user"]}
    assert set(users) == {alice.username, bob.username}
    assert users[alice.username]["nickname"] == "Al"
    assert "password" not in orjson.dumps(users).decode()
    bob_team = users[bob.username]["teams"][0]
    assert bob_team["name"] == team["name"] and bob_team["roles"] == "team_user"
    assert channel["name"] in {c["name"] for c in bob_team["channels"]}
    assert private["name"] not in {c["name"] for c in bob_team["channels"]}

    posts = {p["message"]: p for p in by_kind["post"]}
    plan = posts["the plan"]
    assert (plan["team"], plan["channel"], plan["user"]) == (
        team["name"],
        channel["name"],
        alice.username,
    )
    assert [r["message"] for r in plan["replies"]] == ["agreed"]
    assert plan["reactions"] == [
        {"user": bob.username, "emoji_name": "+1", "create_at": plan["reactions"][0]["create_at"]}
    ]
    assert posts["between us"]["channel"] == private["name"]
    assert sorted(by_kind["direct_channel"][0]["members"]) == sorted([alice.username, bob.username])
    psst = by_kind["direct_post"][0]
    assert psst["message"] == "psst" and psst["user"] == bob.username
    text = orjson.dumps(lines).decode()
    assert stranger.username not in text and "Not theirs" not in text


def test_exporting_an_unknown_tenant_is_a_404(deployment: Deployment) -> None:
    with deployment.operator() as op:
        r = op.get("/tenants/no-such-tenant/export")
    assert r.status_code == 404 and r.json()["id"] == "api.tenant.get.app_error"
