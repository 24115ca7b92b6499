"""Slash-command autocomplete with arguments, as Mattermost walks it: a plugin registers
a command with its AutocompleteData (sub-commands, fixed lists, free text, named
arguments, lists fetched from its own HTTP handler or from an outside URL), and
``/teams/{id}/commands/autocomplete_suggestions`` answers in Mattermost's shape, in
process and in the shared plugin host. A list that hangs, fails, is not JSON or is too
big offers nothing, and the rest of the answer still comes back within its bound."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integrations.fake_app import command_binding, install, new_app_id
from tests.integrations.receiver import Answer, Receiver
from tests.plugins.bundles import running
from tests.plugins.conftest import PLUGIN_ENV
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import Room, make_room
from tests.support.server import running_server

# The server's bound on all of one answer's fetches (dynamic_lists.FETCH_SECONDS).
FETCH_SECONDS = 2.0
ENV = {
    **PLUGIN_ENV,
    "ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost",
    "ROOST_OUTBOUND_TIMEOUT_SECONDS": "5",
    "ROOST_OUTBOUND_MAX_RESPONSE_BYTES": "4096",
}

PLUGIN = """
import asyncio
import json
from urllib.parse import parse_qs

from roost.plugin import (
    AutocompleteData, AutocompleteListItem, Command, CommandArgs, CommandResponse,
    HttpRequest, HttpResponse, Plugin,
)

REMOTE = "{remote}"


class Plugin(Plugin):
    async def on_activate(self) -> None:
        root = AutocompleteData("deploy", "[service]", "Deploy a service")
        one = root.add_command(AutocompleteData("service", "[name]", "Deploy one service"))
        one.add_dynamic_list_argument("Which service", "services")
        one.add_static_list_argument(
            "Where",
            [AutocompleteListItem("staging", "", "Try it"),
             AutocompleteListItem("production", "", "For real")],
        )
        one.add_text_argument("Why", "[reason]", name="reason", required=False)
        # A list that may fail, then a fixed one: both optional, so both are offered.
        for name, url in (
            ("slow", "slow"), ("broken", "broken"), ("garbage", "garbage"),
            ("huge", "huge"), ("remote", REMOTE + "/ok"), ("hang", REMOTE + "/hang"),
            ("big", REMOTE + "/big"), ("elsewhere", "builtin:nothing"),
        ):
            sub = root.add_command(AutocompleteData(name, "", "Fetches " + name))
            sub.add_dynamic_list_argument("Fetched", url, required=False)
            sub.add_static_list_argument(
                "Fixed", [AutocompleteListItem("fallback", "", "")], required=False
            )
        root.add_command(AutocompleteData("purge", "", "Admins only", role_id="system_admin"))
        await self.api.register_command(
            Command(trigger="deploy", description="Deploy", hint="[service]",
                    autocomplete_data=root)
        )

    async def execute_command(self, args: CommandArgs) -> CommandResponse:
        return CommandResponse(text="deploying " + args.text)

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        query = {k: v[0] for k, v in parse_qs(request.query).items()}
        if request.path == "/services":
            typed = query["user_input"]
            items = [
                {"Item": "api", "Hint": "(go)",
                 "HelpText": "for " + request.user_id + " in " + query["channel_id"]},
                {"Item": "web", "Hint": "", "HelpText": typed + "|" + query["parsed"]},
            ]
            return HttpResponse(body=json.dumps(items).encode())
        if request.path == "/slow":
            await asyncio.sleep(10)
        if request.path == "/broken":
            return HttpResponse(status=500, body=b"{}")
        if request.path == "/garbage":
            return HttpResponse(body=b"<html>not json</html>")
        if request.path == "/huge":
            items = [{"Item": "x" * 1000 + str(i)} for i in range(400)]
            return HttpResponse(body=json.dumps(items).encode())
        return HttpResponse(status=404)
"""


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-autocomplete-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, ENV) as base:
        yield base


@pytest.fixture(scope="module")
def admin(server: str) -> LoggedIn:
    return create_user(server, username="acadmin")


@pytest.fixture
def room(server: str, admin: LoggedIn) -> Room:
    return make_room(lambda **fields: create_user(server, **fields))


def suggest(user: LoggedIn, room: Room, typed: str) -> list[dict[str, Any]]:
    params = {"user_input": typed, "channel_id": room.channel_id}
    path = f"/teams/{room.team_id}/commands/autocomplete_suggestions"
    found: list[dict[str, Any]] = expect(user.api.get(path, params=params), 200)
    return found


def completions(user: LoggedIn, room: Room, typed: str) -> list[str]:
    return [s["Complete"] for s in suggest(user, room, typed)]


def source(receiver: Receiver, prefix: str) -> str:
    return PLUGIN.replace("{remote}", receiver.url(prefix))


@pytest.mark.parametrize("trusted", [True, False], ids=["in-process", "plugin-host"])
def test_plugin_tree_walked_with_dynamic_lists(
    trusted: bool, admin: LoggedIn, room: Room, receiver: Receiver
) -> None:
    plugin_id = f"test.deploy-{'in' if trusted else 'host'}"
    with running(admin, plugin_id, source(receiver, "/unused"), trusted):
        alice = room.alice
        assert suggest(alice, room, "/dep") == [
            {
                "Complete": "deploy",
                "Suggestion": "deploy",
                "Hint": "[service]",
                "Description": "Deploy a service",
                "IconData": "",
            }
        ]
        # Sub-commands in their order; the admin-only one for admins alone.
        subs = completions(alice, room, "/deploy ")
        assert subs[:2] == ["deploy service", "deploy slow"] and "deploy purge" not in subs
        assert "deploy purge" in completions(admin_in(room, admin), room, "/deploy ")
        assert completions(alice, room, "/deploy s") == ["deploy service", "deploy slow"]

        # The plugin's own list, asked with Mattermost's query, as the user.
        services = suggest(alice, room, "/deploy service ")
        assert [s["Suggestion"] for s in services] == ["api", "web"]
        assert services[0] == {
            "Complete": "deploy service api",
            "Suggestion": "api",
            "Hint": "(go)",
            "Description": f"for {alice.id} in {room.channel_id}",
            "IconData": "",
        }
        assert services[1]["Description"] == "deploy service |deploy service "
        assert completions(alice, room, "/deploy service W") == ["deploy service web"]
        # Then the fixed list, then the optional named argument and its hint.
        assert completions(alice, room, "/deploy service api ") == [
            "deploy service api staging",
            "deploy service api production",
        ]
        assert suggest(alice, room, "/deploy service api staging ") == [
            {
                "Complete": "deploy service api staging --reason ",
                "Suggestion": "--reason",
                "Hint": "",
                "Description": "Why",
                "IconData": "",
            }
        ]
        hint = suggest(alice, room, "/deploy service api staging --reason ")
        assert [(s["Suggestion"], s["Hint"]) for s in hint] == [("", "[reason]")]
        assert suggest(alice, room, "/deploy nothing ") == []

        # The listing carries the tree in Mattermost's JSON, its URLs the plugin's own.
        listed = expect(alice.api.get("/commands", params={"team_id": room.team_id}), 200)
        deploy = next(c for c in listed if c["trigger"] == "deploy")
        service = deploy["autocomplete_data"]["SubCommands"][0]
        assert service["Arguments"][0]["Type"] == "DynamicList"
        assert service["Arguments"][0]["Data"] == {"FetchURL": f"/plugins/{plugin_id}/services"}

        # Running it is unchanged.
        body = {"channel_id": room.channel_id, "command": "/deploy service api staging"}
        answer = expect(alice.api.post("/commands/execute", body), 200)
        assert answer["text"] == "deploying service api staging"


def admin_in(room: Room, admin: LoggedIn) -> LoggedIn:
    """The system admin as a member of the room's team."""
    body = {"team_id": room.team_id, "user_id": admin.id}
    response = room.owner.api.post(f"/teams/{room.team_id}/members", body)
    assert response.status_code in (200, 201), response.text
    return admin


@pytest.mark.parametrize("trusted", [True, False], ids=["in-process", "plugin-host"])
def test_bad_lists_leave_the_rest_of_the_answer(
    trusted: bool, admin: LoggedIn, room: Room, receiver: Receiver
) -> None:
    prefix = f"/ac-{'in' if trusted else 'host'}"
    receiver.answer_json(f"{prefix}/ok", [{"Item": "remote-one", "Hint": "", "HelpText": "r"}])
    receiver.answer(f"{prefix}/hang", Answer(body=b"[]", delay=8))
    big = json.dumps([{"Item": f"item{i}", "Hint": "h" * 50} for i in range(200)]).encode()
    receiver.answer(f"{prefix}/big", Answer(body=big))
    plugin_id = f"test.badlists-{'in' if trusted else 'host'}"
    with running(admin, plugin_id, source(receiver, prefix), trusted):
        alice = room.alice
        # An outside URL, through the outbound client, with Mattermost's query.
        assert completions(alice, room, "/deploy remote ") == [
            "deploy remote remote-one",
            "deploy remote fallback",
        ]
        asked = receiver.wait(f"{prefix}/ok")
        assert asked.method == "GET"
        assert asked.query["user_input"] == ["deploy remote "]
        assert asked.query["user_id"] == [alice.id]
        assert asked.query["channel_id"] == [room.channel_id]
        assert asked.query["team_id"] == [room.team_id]

        # Each failing list offers nothing; the fixed list still comes back.
        for name in ("broken", "garbage", "huge", "big", "elsewhere"):
            assert completions(alice, room, f"/deploy {name} ") == [f"deploy {name} fallback"], name
        # Hanging (the plugin, or an outside URL): answered within the bound.
        for name in ("slow", "hang"):
            started = time.monotonic()
            assert completions(alice, room, f"/deploy {name} ") == [f"deploy {name} fallback"]
            assert time.monotonic() - started < FETCH_SECONDS + 1.5, name


BAD_TREE = """
from roost.plugin import (
    APIError, AutocompleteData, AutocompleteListItem, Command, Plugin,
)


class Plugin(Plugin):
    async def on_activate(self) -> None:
        bad = {
            "mismatch": AutocompleteData("other"),
            "upper": AutocompleteData("upper", sub_commands=[AutocompleteData("Sub")]),
            "emptyitem": AutocompleteData("emptyitem"),
            "mixed": AutocompleteData("mixed"),
            "role": AutocompleteData("role", role_id="owner"),
        }
        bad["emptyitem"].add_static_list_argument("x", [AutocompleteListItem("")])
        bad["mixed"].add_text_argument("n", "[n]", name="named")
        bad["mixed"].add_text_argument("p", "[p]")
        for trigger, data in bad.items():
            try:
                await self.api.register_command(Command(trigger=trigger, autocomplete_data=data))
                said = "registered"
            except APIError as exc:
                said = exc.error_id + ": " + exc.message
            await self.api.register_command(Command(trigger="said-" + trigger, description=said))
"""


def test_invalid_trees_are_refused_and_bad_input_is_an_error(
    admin: LoggedIn, room: Room, server: str
) -> None:
    with running(admin, "test.badtree", BAD_TREE):
        listed = expect(room.alice.api.get("/commands", params={"team_id": room.team_id}), 200)
        said = {c["trigger"]: c["description"] for c in listed if c["trigger"].startswith("said-")}
        assert set(said) == {
            f"said-{n}" for n in ("mismatch", "upper", "emptyitem", "mixed", "role")
        }
        for trigger, text in said.items():
            assert text.startswith("app.plugin.command.autocomplete.app_error: Invalid"), trigger
        assert not {"mismatch", "upper", "emptyitem", "mixed", "role"} & {
            c["trigger"] for c in listed
        }

    path = f"/teams/{room.team_id}/commands/autocomplete_suggestions"
    missing = expect(room.alice.api.get(path), 400)
    assert missing["id"] == "api.context.invalid_param.app_error"
    bad_channel = room.alice.api.get(path, params={"user_input": "/e", "channel_id": "nope"})
    expect(bad_channel, 400)
    stranger = create_user(server)
    expect(stranger.api.get(path, params={"user_input": "/e"}), 403)


def test_app_command_bindings_suggested(admin: LoggedIn, room: Room, receiver: Receiver) -> None:
    """An HTTP app's /command bindings: sub-bindings, then its form's fields (positional,
    static and dynamic selects, named flags); a dynamic_select asks the app's lookup."""
    trigger = f"t{new_app_id()}"
    fields: list[dict[str, Any]] = [
        {
            "name": "city",
            "type": "dynamic_select",
            "is_required": True,
            "position": 1,
            "lookup": {"path": "/cities"},
        },
        {
            "name": "units",
            "type": "static_select",
            "description": "Which units",
            "options": [{"label": "Metric", "value": "metric"}, {"label": "US", "value": "us"}],
        },
        {"name": "alerts", "type": "bool"},
    ]
    app = install(admin, receiver, [command_binding(trigger, "/weather", fields)])
    app.answer("/cities", {"type": "ok", "data": {"items": [{"label": "Oslo", "value": "osl"}]}})
    alice = room.alice
    assert completions(alice, room, f"/{trigger} ") == [f"{trigger} do"]
    assert suggest(alice, room, f"/{trigger} do ") == [
        {
            "Complete": f"{trigger} do osl",
            "Suggestion": "osl",
            "Hint": "",
            "Description": "Oslo",
            "IconData": "",
        }
    ]
    asked = app.wait("/cities").json()
    assert asked["selected_field"] == "city" and asked["query"] == ""
    assert asked["context"]["acting_user_id"] == alice.id
    assert asked["context"]["channel_id"] == room.channel_id
    assert completions(alice, room, f"/{trigger} do osl ") == [
        f"{trigger} do osl --units ",
        f"{trigger} do osl --alerts ",
    ]
    assert completions(alice, room, f"/{trigger} do osl --units ") == [
        f"{trigger} do osl --units metric",
        f"{trigger} do osl --units us",
    ]
    # The app failing: its list offers nothing, the answer still comes back.
    app.answer("/cities", {"oops": True}, status=500)
    assert suggest(alice, room, f"/{trigger} do o") == []
    assert completions(alice, room, f"/{trigger} d") == [f"{trigger} do"]
    expect(admin.api.delete(f"/apps/{app.app_id}"), 200)
