"""Who answers a slash-command trigger that several could answer: the order declared in
``roost.compose`` (plugins, then HTTP apps, then the team's custom commands, then the
built-ins; Mattermost's order, where apps run inside a plugin). A team command cannot be
created over a trigger already in use, so the clash arises when a plugin or an app
registers its trigger after the team command exists."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integrations.conftest import HOOK_ENV, path
from tests.integrations.fake_app import command_binding, install
from tests.integrations.receiver import Receiver
from tests.plugins.bundles import running
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import Room, make_room
from tests.support.server import running_server

ENV = {**HOOK_ENV, "ROOST_PLUGIN_ENABLE_UPLOADS": "true"}

ANSWERING_PLUGIN = """
from roost.plugin import Command, CommandArgs, CommandResponse
from roost.plugin import Plugin as Base

class Plugin(Base):
    async def on_activate(self):
        await self.api.register_command(Command(trigger="{trigger}"))

    async def execute_command(self, args: CommandArgs) -> CommandResponse:
        return CommandResponse(response_type="ephemeral", text="from the plugin")
"""


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-precedence-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, ENV) as base:
        yield base


@pytest.fixture(scope="module")
def admin(server: str) -> LoggedIn:
    return create_user(server, username=f"precedence{uuid.uuid4().hex[:6]}")


@pytest.fixture
def room(server: str, admin: LoggedIn) -> Room:
    make: Callable[..., LoggedIn] = lambda **fields: create_user(server, **fields)  # noqa: E731
    return make_room(make)


def run(room: Room, text: str) -> Any:
    body = {"channel_id": room.channel_id, "command": text}
    return expect(room.alice.api.post("/commands/execute", body), 200)


def plugin_source(trigger: str) -> str:
    return ANSWERING_PLUGIN.replace("{trigger}", trigger)


def test_plugin_then_app_then_team_command(admin: LoggedIn, room: Room, receiver: Receiver) -> None:
    trigger = f"clash{uuid.uuid4().hex[:8]}"
    team_url = path()
    receiver.answer_json(team_url, {"response_type": "ephemeral", "text": "from the team"})
    team_command = {
        "team_id": room.team_id,
        "trigger": trigger,
        "url": receiver.url(team_url),
        "method": "P",
    }
    expect(room.owner.api.post("/commands", team_command), 201)
    assert run(room, f"/{trigger}")["text"] == "from the team"

    app = install(admin, receiver, [command_binding(trigger, "/run", [])])
    app.answer("/run", {"type": "ok", "text": "from the app"})
    assert run(room, f"/{trigger} do")["text"] == "from the app"  # apps override teams

    plugin_id = f"test.precedence{uuid.uuid4().hex[:6]}"
    with running(admin, plugin_id, plugin_source(trigger)):
        assert run(room, f"/{trigger} do")["text"] == "from the plugin"  # plugins first

    assert run(room, f"/{trigger} do")["text"] == "from the app"
    expect(admin.api.delete(f"/apps/{app.app_id}"), 200)
    assert run(room, f"/{trigger}")["text"] == "from the team"


def test_plugin_overrides_a_builtin(admin: LoggedIn, room: Room) -> None:
    assert run(room, "/shrug hi")["text"] == ""  # the built-in posts and answers nothing
    with running(admin, f"test.shrug{uuid.uuid4().hex[:6]}", plugin_source("shrug")):
        assert run(room, "/shrug hi")["text"] == "from the plugin"
    assert run(room, "/shrug hi")["text"] == ""
