"""Incoming webhooks: managing them, and posting to /hooks/{id} with matterhook, JSON,
forms, attachments, overrides and channel changes; their limits."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from matterhook import Attachment, Webhook

from tests.integrations.conftest import HookServer, incoming_hook
from tests.support.chat import make_channel
from tests.support.client import LoggedIn, expect
from tests.support.posting import Room, page


def latest(user: LoggedIn, channel_id: str) -> dict[str, Any]:
    listed = page(user, channel_id, per_page=1)
    found: dict[str, Any] = listed["posts"][listed["order"][0]]
    return found


def send(hooks: HookServer, hook_id: str, **kw: object) -> httpx.Response:
    return httpx.post(f"{hooks.base}/hooks/{hook_id}", timeout=10, **kw)  # type: ignore[arg-type]


def test_manage_incoming_hooks(hooks: HookServer, room: Room) -> None:
    hook = incoming_hook(room.owner, room.channel_id, description="builds", username="ci-bot")
    assert hook["channel_id"] == room.channel_id and hook["team_id"] == room.team_id
    assert hook["user_id"] == room.owner.id and hook["username"] == "ci-bot"
    assert hook["create_at"] > 0 and hook["delete_at"] == 0 and not hook["channel_locked"]

    got = expect(room.owner.api.get(f"/hooks/incoming/{hook['id']}"), 200)
    assert got == hook
    listed = expect(room.owner.api.get("/hooks/incoming", params={"team_id": room.team_id}), 200)
    assert [h["id"] for h in listed] == [hook["id"]]

    other = make_channel(room.owner, room.team_id)
    changed = {**hook, "channel_id": other["id"], "display_name": "deploys", "channel_locked": True}
    updated = expect(room.owner.api.put(f"/hooks/incoming/{hook['id']}", changed), 200)
    assert updated["channel_id"] == other["id"] and updated["display_name"] == "deploys"
    assert updated["channel_locked"] and updated["update_at"] >= hook["update_at"]

    # Team members who are not admins manage nothing; the system admin sees every hook.
    expect(room.alice.api.post("/hooks/incoming", {"channel_id": room.channel_id}), 403)
    expect(room.alice.api.get(f"/hooks/incoming/{hook['id']}"), 403)
    expect(room.alice.api.get("/hooks/incoming"), 403)
    everything = expect(hooks.admin.api.get("/hooks/incoming", params={"per_page": 200}), 200)
    assert hook["id"] in {h["id"] for h in everything}

    expect(room.owner.api.delete(f"/hooks/incoming/{hook['id']}"), 200)
    expect(room.owner.api.get(f"/hooks/incoming/{hook['id']}"), 404)
    assert send(hooks, hook["id"], json={"text": "gone"}).status_code == 404


def test_bad_hook_definitions(room: Room) -> None:
    api = room.owner.api
    expect(api.post("/hooks/incoming", {"channel_id": "nope"}), 400)
    expect(
        api.post("/hooks/incoming", {"channel_id": room.channel_id, "display_name": "x" * 65}), 400
    )
    expect(
        api.post("/hooks/incoming", {"channel_id": room.channel_id, "channel_locked": "yes"}), 400
    )


def test_matterhook_posts_text_and_attachments(hooks: HookServer, room: Room) -> None:
    hook = incoming_hook(room.owner, room.channel_id)
    mwh = Webhook(hooks.base, hook["id"])
    mwh.username = "Build Bot"
    mwh.icon_url = "https://example.com/bot.png"
    mwh.send("build **green** <https://ci.example.com/1|#1>")
    post = latest(room.alice, room.channel_id)
    assert post["message"] == "build **green** [#1](https://ci.example.com/1)"
    assert post["user_id"] == room.owner.id
    assert post["props"]["from_webhook"] == "true"
    assert post["props"]["override_username"] == "Build Bot"
    assert post["props"]["override_icon_url"] == "https://example.com/bot.png"

    attachment = Attachment(fallback="deploy", color="#36a64f", title="Deploy", text="ok")
    mwh.send("", attachments=[attachment.payload])
    post = latest(room.alice, room.channel_id)
    assert post["type"] == "slack_attachment"
    assert post["props"]["attachments"][0]["title"] == "Deploy"
    assert post["props"]["attachments"][0]["color"] == "#36a64f"


def test_form_payload_and_plain_json(hooks: HookServer, room: Room) -> None:
    hook = incoming_hook(room.owner, room.channel_id, username="default-name")
    r = send(hooks, hook["id"], data={"payload": json.dumps({"text": "from a form"})})
    assert r.status_code == 200 and r.text == "ok"
    post = latest(room.alice, room.channel_id)
    assert post["message"] == "from a form"
    assert post["props"]["override_username"] == "default-name"

    r = send(hooks, hook["id"], json={"text": "<!channel> look", "props": {"card": "x"}})
    assert r.status_code == 200
    post = latest(room.alice, room.channel_id)
    assert post["message"] == "@channel look" and post["props"]["card"] == "x"


def test_channel_override_and_lock(hooks: HookServer, room: Room) -> None:
    other = make_channel(room.owner, room.team_id)
    hook = incoming_hook(room.owner, room.channel_id)
    expect(send(hooks, hook["id"], json={"text": "elsewhere", "channel": other["name"]}), 200)
    assert latest(room.owner, other["id"])["message"] == "elsewhere"
    expect(send(hooks, hook["id"], json={"text": "dm", "channel": f"@{room.alice.username}"}), 200)
    dm = expect(room.alice.api.post("/channels/direct", [room.alice.id, room.owner.id]), 201)
    assert latest(room.alice, dm["id"])["message"] == "dm"
    r = send(hooks, hook["id"], json={"text": "x", "channel": "no-such-channel"})
    assert r.status_code == 404

    locked = incoming_hook(room.owner, room.channel_id, channel_locked=True)
    r = send(hooks, locked["id"], json={"text": "elsewhere", "channel": other["name"]})
    assert r.status_code == 403
    assert r.json()["id"] == "web.incoming_webhook.channel_locked.app_error"
    r = send(hooks, locked["id"], json={"text": "dm", "channel": f"@{room.alice.username}"})
    assert r.status_code == 403
    current = expect(room.owner.api.get(f"/channels/{room.channel_id}"), 200)
    expect(send(hooks, locked["id"], json={"text": "here", "channel": current["name"]}), 200)


def test_bad_payloads(hooks: HookServer, room: Room) -> None:
    hook = incoming_hook(room.owner, room.channel_id)
    before = page(room.alice, room.channel_id)["order"]
    r = send(hooks, hook["id"], json={"text": "  "})
    assert r.status_code == 400 and r.json()["id"] == "web.incoming_webhook.text.app_error"
    assert send(hooks, hook["id"], content=b"{not json").status_code == 400
    assert send(hooks, hook["id"], data={"other": "x"}).status_code == 400
    assert send(hooks, hook["id"], json=["a list"]).status_code == 400
    assert send(hooks, hook["id"], json={"text": "x", "attachments": "no"}).status_code == 400
    assert (
        send(hooks, hook["id"], json={"text": "x", "type": "system_join_channel"}).status_code
        == 400
    )
    assert send(hooks, "notanid", json={"text": "x"}).status_code == 404
    assert page(room.alice, room.channel_id)["order"] == before


def test_size_limit(hooks: HookServer, room: Room) -> None:
    # ROOST_INCOMING_WEBHOOK_MAX_BYTES is 65536 on this server.
    hook = incoming_hook(room.owner, room.channel_id)
    r = send(hooks, hook["id"], json={"text": "x" * 70_000})
    assert r.status_code == 413 and r.json()["id"] == "api.incoming_webhook.too_large.app_error"
    too_long = send(hooks, hook["id"], json={"text": "x" * 20_000})  # over the post size
    assert too_long.status_code == 400
    expect(send(hooks, hook["id"], json={"text": "x" * 16_000}), 200)


def test_rate_limit_per_hook(hooks: HookServer, room: Room) -> None:
    # A burst of 10, then 1 a second, per hook (this server's settings). The burst is sent
    # at once, so how many get through depends only on how long it took to arrive (at most
    # one more per second), not on how busy the machine is.
    hook = incoming_hook(room.owner, room.channel_id)
    other = incoming_hook(room.owner, room.channel_id)
    texts = [f"n{i}" for i in range(20)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        answers = list(pool.map(lambda t: send(hooks, hook["id"], json={"text": t}), texts))
    elapsed = time.monotonic() - started
    admitted = [t for t, r in zip(texts, answers, strict=True) if r.status_code == 200]
    refused = [r for r in answers if r.status_code != 200]
    assert 10 <= len(admitted) <= 10 + int(elapsed) + 1
    assert refused and {r.status_code for r in refused} == {429}
    assert {r.json()["id"] for r in refused} == {"api.incoming_webhook.rate_limited.app_error"}
    expect(send(hooks, other["id"], json={"text": "another hook is not limited"}), 200)
    time.sleep(1.1)
    expect(send(hooks, hook["id"], json={"text": "after a second"}), 200)
    posted = [p["message"] for p in page(room.alice, room.channel_id)["posts"].values()]
    assert sorted(t for t in posted if t in texts) == sorted(admitted)
    assert "after a second" in posted


def test_owner_must_reach_the_channel(hooks: HookServer, room: Room) -> None:
    # The hook's owner left the channel: its posts are refused and nothing is written.
    hook = incoming_hook(room.owner, room.channel_id)
    expect(room.owner.api.delete(f"/channels/{room.channel_id}/members/{room.owner.id}"), 200)
    before = page(room.alice, room.channel_id)["order"]
    assert send(hooks, hook["id"], json={"text": "no longer mine"}).status_code == 403
    assert page(room.alice, room.channel_id)["order"] == before


def test_client_config_shows_integrations(hooks: HookServer) -> None:
    config = httpx.get(f"{hooks.base}/api/v4/config/client", params={"format": "old"}).json()
    assert config["EnableIncomingWebhooks"] == "true" and config["EnableCommands"] == "true"
    assert config["EnableOutgoingWebhooks"] == "true"
    assert config["EnablePostUsernameOverride"] == "true"
    assert config["EnablePostIconOverride"] == "true"
