"""Outgoing webhooks: trigger words, form and JSON bodies, replies as posts or thread
replies, retries with backoff, failures listed for admins."""

from __future__ import annotations

import time
from typing import Any

from tests.integrations.conftest import HookServer, path
from tests.integrations.receiver import Answer, Receiver
from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, page, post


def outgoing_hook(owner: LoggedIn, team_id: str, **fields: Any) -> dict[str, Any]:
    body = {"team_id": team_id, "display_name": "bot", **fields}
    hook: dict[str, Any] = expect(owner.api.post("/hooks/outgoing", body), 201)
    return hook


def wait_for_post(
    user: LoggedIn, channel_id: str, message: str, timeout: float = 10.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        posts: dict[str, dict[str, Any]] = page(user, channel_id)["posts"]
        for found in posts.values():
            if found["message"] == message:
                return found
        time.sleep(0.1)
    raise AssertionError(f"no post {message!r} in time")


def failed_deliveries(admin: LoggedIn) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = expect(
        admin.api.get("/outbound_deliveries", params={"state": "failed", "per_page": 200}), 200
    )
    return listed


def test_manage_outgoing_hooks(room: Room, receiver: Receiver) -> None:
    url = receiver.url(path())
    hook = outgoing_hook(room.owner, room.team_id, trigger_words=["deploy"], callback_urls=[url])
    assert hook["token"] and hook["creator_id"] == room.owner.id
    assert hook["trigger_when"] == 0 and hook["content_type"] == "application/x-www-form-urlencoded"
    expect(room.owner.api.get(f"/hooks/outgoing/{hook['id']}"), 200)
    listed = expect(room.owner.api.get("/hooks/outgoing", params={"team_id": room.team_id}), 200)
    assert [h["id"] for h in listed] == [hook["id"]]
    regen = expect(room.owner.api.post(f"/hooks/outgoing/{hook['id']}/regen_token"), 200)
    assert regen["token"] != hook["token"]
    updated = expect(
        room.owner.api.put(
            f"/hooks/outgoing/{hook['id']}",
            {
                **hook,
                "trigger_words": ["ship"],
                "trigger_when": 1,
                "content_type": "application/json",
            },
        ),
        200,
    )
    assert updated["trigger_words"] == ["ship"] and updated["trigger_when"] == 1

    bad = {"team_id": room.team_id, "callback_urls": [url]}
    expect(room.owner.api.post("/hooks/outgoing", bad), 400)  # no trigger, no channel
    expect(
        room.owner.api.post(
            "/hooks/outgoing", {**bad, "trigger_words": ["x"], "callback_urls": ["ftp://x"]}
        ),
        400,
    )
    expect(
        room.owner.api.post("/hooks/outgoing", {**bad, "trigger_words": ["x"], "trigger_when": 3}),
        400,
    )
    expect(room.alice.api.post("/hooks/outgoing", {**bad, "trigger_words": ["x"]}), 403)
    expect(room.owner.api.delete(f"/hooks/outgoing/{hook['id']}"), 200)
    expect(room.owner.api.get(f"/hooks/outgoing/{hook['id']}"), 404)


def test_trigger_words_form_body_and_reply(room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer_json(where, {"text": "deploying!", "username": "deployer"})
    hook = outgoing_hook(
        room.owner, room.team_id, trigger_words=["deploy"], callback_urls=[receiver.url(where)]
    )
    post(room.alice, room.channel_id, "deployment of something")  # not the exact word
    trigger = post(room.alice, room.channel_id, "deploy api now")
    got = receiver.wait(where)
    assert got.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = got.form()
    assert form["token"] == hook["token"] and form["trigger_word"] == "deploy"
    assert form["post_id"] == trigger["id"] and form["text"] == "deploy api now"
    assert form["user_id"] == room.alice.id and form["user_name"] == room.alice.username
    assert form["channel_id"] == room.channel_id and form["team_id"] == room.team_id
    receiver.nothing(where)

    reply = wait_for_post(room.alice, room.channel_id, "deploying!")
    assert reply["root_id"] == "" and reply["user_id"] == room.owner.id
    assert reply["props"]["from_webhook"] == "true"
    assert reply["props"]["override_username"] == "deployer"
    # The reply came from a webhook, so it triggers nothing itself.
    receiver.nothing(where)


def test_prefix_json_and_thread_reply(room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer_json(where, {"text": "on it", "response_type": "comment"})
    outgoing_hook(
        room.owner,
        room.team_id,
        channel_id=room.channel_id,
        trigger_words=["!bot"],
        trigger_when=1,
        content_type="application/json",
        callback_urls=[receiver.url(where)],
    )
    trigger = post(room.bob, room.channel_id, "!botstatus please")
    got = receiver.wait(where)
    assert got.headers["Content-Type"] == "application/json"
    assert got.json()["trigger_word"] == "!bot" and got.json()["post_id"] == trigger["id"]
    reply = wait_for_post(room.bob, room.channel_id, "on it")
    assert reply["root_id"] == trigger["id"]


def test_private_channels_do_not_fire(room: Room, receiver: Receiver, user_on: Any) -> None:
    where = path()
    outgoing_hook(
        room.owner, room.team_id, trigger_words=["secret"], callback_urls=[receiver.url(where)]
    )
    private = expect(
        room.owner.api.post(
            "/channels",
            {"team_id": room.team_id, "name": f"p{where[1:12]}", "display_name": "p", "type": "P"},
        ),
        201,
    )
    post(room.owner, private["id"], "secret plans")
    receiver.nothing(where, within=1.0)


def test_retry_with_backoff_then_delivered(room: Room, receiver: Receiver) -> None:
    where = path()
    receiver.answer(where, Answer(503), Answer(200, b'{"text": "second time lucky"}'))
    outgoing_hook(
        room.owner, room.team_id, trigger_words=["flaky"], callback_urls=[receiver.url(where)]
    )
    post(room.alice, room.channel_id, "flaky thing")
    first = receiver.wait(where)
    second = receiver.wait(where, timeout=10)
    assert first.body == second.body
    wait_for_post(room.alice, room.channel_id, "second time lucky")


def test_failures_are_listed_and_retried_by_admins(
    hooks: HookServer, room: Room, receiver: Receiver
) -> None:
    where = path()
    receiver.answer(where, Answer(500))
    hook = outgoing_hook(
        room.owner,
        room.team_id,
        trigger_words=["doomed"],
        callback_urls=[receiver.url(where) + "?key=s3cret"],
    )
    post(room.alice, room.channel_id, "doomed call")
    for _ in range(3):  # ROOST_DELIVERY_MAX_ATTEMPTS
        receiver.wait(where, timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        mine = [d for d in failed_deliveries(hooks.admin) if d["source_id"] == hook["id"]]
        if mine:
            break
        time.sleep(0.2)
    assert len(mine) == 1
    failed = mine[0]
    assert failed["kind"] == "outgoing_webhook" and failed["attempts"] == 3
    assert failed["state"] == "failed" and "500" in failed["last_error"]
    # The query (where secrets live) and the body (the token) are never shown.
    assert "s3cret" not in str(failed) and "body" not in failed
    assert hook["token"] not in str(failed)
    expect(room.owner.api.get("/outbound_deliveries"), 403)

    receiver.answer_json(where, {"text": "finally"})
    expect(hooks.admin.api.post(f"/outbound_deliveries/{failed['id']}/retry"), 200)
    receiver.wait(where, timeout=10)
    wait_for_post(room.alice, room.channel_id, "finally")
    assert not [d for d in failed_deliveries(hooks.admin) if d["id"] == failed["id"]]
    expect(hooks.admin.api.post(f"/outbound_deliveries/{failed['id']}/retry"), 404)
    assert hook["token"] not in hooks.log_text() and "s3cret" not in hooks.log_text()
