"""Server-side drafts and their sync events."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.support.chat import channel_with, make_dm, team_with
from tests.support.client import LoggedIn, expect
from tests.support.ws import WsClient


def test_draft_lifecycle_with_events(server: str, make_user: Callable[..., LoggedIn]) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    with WsClient(server, alice.token) as ws, WsClient(server, bob.token) as other:
        ws.wait_reply(1)
        other.wait_reply(1)
        body = {"channel_id": channel["id"], "message": "half a thought"}
        draft = expect(alice.api.post("/drafts", body), 201)
        assert draft["user_id"] == alice.id and draft["root_id"] == ""
        created = ws.wait_for("draft_created")
        assert json.loads(created["data"]["draft"])["message"] == "half a thought"
        body["message"] = "a whole thought"
        again = expect(alice.api.post("/drafts", body), 201)
        assert again["create_at"] == draft["create_at"]
        assert again["update_at"] >= draft["update_at"]
        ws.wait_for("draft_updated")
        listed = expect(alice.api.get(f"/users/me/teams/{team['id']}/drafts"), 200)
        assert [d["message"] for d in listed] == ["a whole thought"]
        assert expect(alice.api.delete(f"/users/me/channels/{channel['id']}/drafts"), 200)
        ws.wait_for("draft_deleted")
        assert expect(alice.api.get(f"/users/me/teams/{team['id']}/drafts"), 200) == []
        other.assert_no_event("draft_created", within=0.2)


def test_thread_and_dm_drafts_are_listed_per_team(make_user: Callable[..., LoggedIn]) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    dm = make_dm(alice, bob)
    root = expect(alice.api.post("/posts", {"channel_id": channel["id"], "message": "root"}), 201)
    expect(
        alice.api.post(
            "/drafts", {"channel_id": channel["id"], "root_id": root["id"], "message": "reply"}
        ),
        201,
    )
    expect(alice.api.post("/drafts", {"channel_id": dm["id"], "message": "psst"}), 201)
    listed = expect(alice.api.get(f"/users/me/teams/{team['id']}/drafts"), 200)
    assert sorted(d["message"] for d in listed) == ["psst", "reply"]
    path = f"/users/me/channels/{channel['id']}/drafts/{root['id']}"
    expect(alice.api.delete(path), 200)
    listed = expect(alice.api.get(f"/users/me/teams/{team['id']}/drafts"), 200)
    assert [d["message"] for d in listed] == ["psst"]
    # Deleting a draft that is not there is fine: clients do it after every send.
    expect(alice.api.delete(path), 200)


def test_draft_rules(make_user: Callable[..., LoggedIn]) -> None:
    alice, bob, outsider = make_user(), make_user(), make_user()
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    assert (
        outsider.api.post("/drafts", {"channel_id": channel["id"], "message": "x"}).status_code
        == 403
    )
    too_long = {"channel_id": channel["id"], "message": "x" * 16_384}
    assert alice.api.post("/drafts", too_long).status_code == 400
    ok = {"channel_id": channel["id"], "message": "x" * 16_383}
    assert alice.api.post("/drafts", ok).status_code == 201
    assert alice.api.post("/drafts", {"channel_id": "bad"}).status_code == 400
    other_user = {"channel_id": channel["id"], "user_id": bob.id, "message": "x"}
    assert alice.api.post("/drafts", other_user).status_code == 403
    assert alice.api.get(f"/users/{bob.id}/teams/{team['id']}/drafts").status_code == 403
    assert alice.api.post("/client_perf", {"counters": [], "histograms": []}).status_code == 200
