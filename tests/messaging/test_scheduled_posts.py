"""Scheduled posts: the /posts/schedule routes and their events, sending at the time
as the author (permissions checked then), and the bad input they refuse."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tests.messaging.pages import wait_until
from tests.support.chat import add_to_channel, join_team, make_channel, make_dm, make_team
from tests.support.client import LoggedIn, expect
from tests.support.ws import WsClient

User = Callable[..., LoggedIn]
DAY_MS = 86_400_000


def now_ms() -> int:
    return int(time.time() * 1000)


def schedule(user: LoggedIn, channel_id: str, message: str, at: int, **more: Any) -> Any:
    body = {"channel_id": channel_id, "message": message, "scheduled_at": at, **more}
    return user.api.post("/posts/schedule", body)


def messages(user: LoggedIn, channel_id: str) -> list[str]:
    listed = expect(user.api.get(f"/channels/{channel_id}/posts"), 200)
    return [listed["posts"][i]["message"] for i in listed["order"]]


def test_schedule_list_update_delete(msg_server: str, user_on: User) -> None:
    alice, bob = user_on(), user_on()
    team = make_team(alice)
    join_team(alice, team["id"], bob)
    channel = make_channel(alice, team["id"])
    dm = make_dm(alice, bob)
    later = now_ms() + DAY_MS
    with WsClient(msg_server, alice.token) as ws:
        ws.wait_for("hello")
        created = expect(schedule(alice, channel["id"], "tomorrow", later), 201)
        frame = ws.wait_for("scheduled_post_created")
    assert json.loads(frame["data"]["scheduledPost"])["id"] == created["id"]
    assert created["scheduled_at"] == later and created["user_id"] == alice.id
    assert created["processed_at"] == 0 and created["error_code"] == ""
    direct = expect(schedule(alice, dm["id"], "to bob", later + 1000), 201)
    listed = expect(
        alice.api.get(
            f"/posts/scheduled/team/{team['id']}", params={"includeDirectChannels": "true"}
        ),
        200,
    )
    assert [p["id"] for p in listed[team["id"]]] == [created["id"]]
    assert [p["id"] for p in listed["directChannels"]] == [direct["id"]]
    # Only the author changes it.
    changed = {**created, "message": "the day after", "scheduled_at": later + DAY_MS}
    r = bob.api.put(f"/posts/schedule/{created['id']}", changed)
    assert r.status_code == 403
    assert r.json()["id"] == "app.update_scheduled_post.update_permission.error"
    saved = expect(alice.api.put(f"/posts/schedule/{created['id']}", changed), 201)
    assert saved["message"] == "the day after" and saved["scheduled_at"] == later + DAY_MS
    r = bob.api.delete(f"/posts/schedule/{created['id']}")
    assert r.json()["id"] == "app.delete_scheduled_post.delete_permission.error"
    expect(alice.api.delete(f"/posts/schedule/{created['id']}"), 201)
    r = alice.api.delete(f"/posts/schedule/{created['id']}")
    assert r.status_code == 404
    assert r.json()["id"] == "app.delete_scheduled_post.existing_scheduled_post.not_exist"
    listed = expect(alice.api.get(f"/posts/scheduled/team/{team['id']}"), 200)
    assert listed == {team["id"]: []}
    # Bob sees none of alice's.
    assert expect(bob.api.get(f"/posts/scheduled/team/{team['id']}"), 200) == {team["id"]: []}


def test_bad_schedules_are_refused(msg_server: str, user_on: User) -> None:
    alice, outsider = user_on(), user_on()
    team = make_team(alice)
    join_team(alice, team["id"], outsider)
    private = make_channel(alice, team["id"], type="P")
    cases: list[tuple[dict[str, Any], int, str]] = [
        (
            {"scheduled_at": now_ms() - 1000},
            400,
            "model.scheduled_post.is_valid.scheduled_at.app_error",
        ),
        (
            {"scheduled_at": now_ms() + 3 * 365 * DAY_MS},
            400,
            "model.scheduled_post.is_valid.scheduled_at.app_error",
        ),
        ({"scheduled_at": "soon"}, 400, "model.scheduled_post.is_valid.scheduled_at.app_error"),
        ({"message": "   "}, 400, "model.scheduled_post.is_valid.empty_post.app_error"),
        ({"message": "x" * 20000}, 400, "model.post.is_valid.message_length.app_error"),
        ({"channel_id": "nope"}, 400, "api.context.invalid_body_param.app_error"),
    ]
    for change, status, error_id in cases:
        body = {"channel_id": private["id"], "message": "hi", "scheduled_at": now_ms() + 60_000}
        r = alice.api.post("/posts/schedule", {**body, **change})
        assert (r.status_code, r.json()["id"]) == (status, error_id), change
    # Not a member of the channel.
    r = schedule(outsider, private["id"], "let me in", now_ms() + 60_000)
    assert r.status_code in (403, 404), r.text
    # An archived channel.
    gone = make_channel(alice, team["id"])
    expect(alice.api.delete(f"/channels/{gone['id']}"), 200)
    r = schedule(alice, gone["id"], "too late", now_ms() + 60_000)
    assert r.status_code == 400
    assert r.json()["id"] == "app.save_scheduled_post.channel_deleted.app_error"


def test_sent_at_its_time_as_the_author(msg_server: str, user_on: User) -> None:
    alice, bob = user_on(), user_on()
    team = make_team(alice)
    join_team(alice, team["id"], bob)
    channel = make_channel(alice, team["id"])
    add_to_channel(alice, channel["id"], bob)
    with WsClient(msg_server, bob.token) as wb, WsClient(msg_server, alice.token) as wa:
        wb.wait_for("hello")
        wa.wait_for("hello")
        created = expect(schedule(alice, channel["id"], "on time", now_ms() + 1500), 201)
        assert "on time" not in messages(bob, channel["id"])
        posted = wb.wait_for("posted", timeout=10)
        deleted = wa.wait_for("scheduled_post_deleted", timeout=10)
    post = json.loads(posted["data"]["post"])
    assert post["message"] == "on time" and post["user_id"] == alice.id
    assert post["create_at"] >= created["scheduled_at"]
    assert json.loads(deleted["data"]["scheduledPost"])["id"] == created["id"]
    assert messages(bob, channel["id"]).count("on time") == 1
    assert expect(alice.api.get(f"/posts/scheduled/team/{team['id']}"), 200)[team["id"]] == []


def test_permission_checked_at_send_time(msg_server: str, user_on: User) -> None:
    owner, alice = user_on(), user_on()
    team = make_team(owner)
    join_team(owner, team["id"], alice)
    private = make_channel(owner, team["id"], type="P")
    add_to_channel(owner, private["id"], alice)
    created = expect(schedule(alice, private["id"], "after I left", now_ms() + 1200), 201)
    expect(owner.api.delete(f"/channels/{private['id']}/members/{alice.id}"), 200)

    def failed() -> list[dict[str, Any]]:
        listed = expect(alice.api.get(f"/posts/scheduled/team/{team['id']}"), 200)
        return [p for p in listed[team["id"]] if p["error_code"]]

    found = wait_until(failed, what="the failed send")
    assert found[0]["id"] == created["id"]
    assert found[0]["error_code"] == "no_channel_permission" and found[0]["processed_at"] > 0
    assert "after I left" not in messages(owner, private["id"])
