"""The example app in JavaScript (examples/apps/hello-node), started with ``node``:
installed from its manifest, then a slash command, a form (lookup and submit), and a
subscription, each ending with the app posting back with its bot's token."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integrations.conftest import HookServer
from tests.integrations.fake_app import PLUGIN
from tests.integrations.test_outgoing_webhooks import wait_for_post
from tests.support.chat import add_to_channel
from tests.support.client import LoggedIn, create_user, expect
from tests.support.posting import Room, post

APP = Path(__file__).resolve().parents[2] / "examples" / "apps" / "hello-node" / "app.js"
SECRET = "node-app-secret-0123456789abcdef"
START_SECONDS = 10.0


@contextmanager
def node_app(app_id: str, log_path: Path) -> Iterator[str]:
    """Start the app; yield its root URL."""
    env = {**os.environ, "APP_SECRET": SECRET, "APP_ID": app_id, "PORT": "0"}
    with open(log_path, "wb") as err:
        proc = subprocess.Popen(["node", str(APP)], env=env, stdout=subprocess.PIPE, stderr=err)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert "listening on " in line, log_path.read_text()
        yield line.split("listening on ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def hello(hooks: HookServer, room: Room, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The app running and installed, its bot in the room; (app id, root URL)."""
    app_id = f"hello-{os.urandom(4).hex()}"
    with node_app(app_id, tmp_path / "node.log") as root:
        body = {"manifest_url": f"{root}/manifest.json", "secret": SECRET}
        installed = expect(hooks.admin.api.post("/apps", body), 201)
        bot = LoggedIn(installed["bot_user_id"], app_id, "", "", room.owner.api, {})
        expect(
            room.owner.api.post(
                f"/teams/{room.team_id}/members", {"team_id": room.team_id, "user_id": bot.id}
            ),
            201,
        )
        add_to_channel(room.owner, room.channel_id, bot)
        try:
            yield app_id, root
        finally:
            expect(hooks.admin.api.delete(f"/apps/{app_id}"), 200)


def app_call(user: LoggedIn, body: dict[str, Any]) -> Any:
    return expect(user.api.http.post(f"{user.api.base}{PLUGIN}/call", json=body), 200)


def test_node_app_end_to_end(hooks: HookServer, room: Room, hello: tuple[str, str]) -> None:
    app_id, root = hello
    bot_message = f"via {app_id}"

    # Its bindings, as a client gets them.
    found = expect(
        room.alice.api.http.get(
            f"{hooks.base}{PLUGIN}/bindings", params={"channel_id": room.channel_id}
        ),
        200,
    )
    labels = {
        top["location"]: [b["label"] for b in top["bindings"] if b["app_id"] == app_id]
        for top in found
    }
    assert labels == {
        "/command": ["hello"],
        "/channel_header": ["Say hello"],
        "/post_menu": ["Echo"],
    }

    # Slash command -> the app's submit -> it posts with its bot token.
    run = {"channel_id": room.channel_id, "command": "/hello send Bob"}
    answer = expect(room.alice.api.post("/commands/execute", run), 200)
    assert answer == {"response_type": "ephemeral", "text": "Greeted Bob."}
    greeting = wait_for_post(
        room.alice, room.channel_id, f"Hello, Bob! -- {room.alice.username} {bot_message}"
    )
    assert greeting["user_id"] != room.alice.id

    # The form: a lookup for the dynamic select, then the submit.
    context = {"app_id": app_id, "channel_id": room.channel_id, "location": "/channel_header/send"}
    looked = app_call(
        room.alice, {"path": "/lookup", "context": context, "selected_field": "mood", "query": "c"}
    )
    assert [i["value"] for i in looked["data"]["items"]] == ["cheerful", "calm", "curious"]
    submitted = app_call(
        room.alice,
        {
            "path": "/send",
            "context": context,
            "values": {"name": "Ann", "mood": {"label": "Calm", "value": "calm"}},
            "expand": {"acting_user": "summary"},
        },
    )
    assert submitted == {"type": "ok", "text": "Greeted Ann."}
    wait_for_post(
        room.alice, room.channel_id, f"Hello, Ann (calm)! -- {room.alice.username} {bot_message}"
    )

    # Subscriptions: the app answers posts in the channel, and greets newcomers.
    watch = {"channel_id": room.channel_id, "command": "/hello watch"}
    assert (
        expect(room.alice.api.post("/commands/execute", watch), 200)["text"]
        == "Watching this channel."
    )
    asked = post(room.alice, room.channel_id, "anyone there?")
    heard = wait_for_post(room.alice, room.channel_id, "Heard: anyone there?")
    assert heard["root_id"] == asked["id"] and heard["user_id"] == greeting["user_id"]
    newcomer = create_user(hooks.base)
    expect(
        room.owner.api.post(
            f"/teams/{room.team_id}/members", {"team_id": room.team_id, "user_id": newcomer.id}
        ),
        201,
    )
    add_to_channel(room.owner, room.channel_id, newcomer)
    wait_for_post(room.alice, room.channel_id, f"Welcome, @{newcomer.username}!")
    events = httpx.get(f"{root}/events").json()
    assert [e["subject"] for e in events] == ["post_created", "user_joined_channel"]

    # The app takes no call that Roost did not sign.
    unsigned = httpx.post(f"{root}/send", json={"values": {"name": "Mallory"}})
    assert unsigned.status_code == 401
