"""The composer's slash-command suggestions go on past the trigger: as a person types a
command's arguments the client asks autocomplete_suggestions, and the sub-commands,
the lists a plugin fetches, fixed lists, named arguments and free-text hints are
offered and chosen by keyboard; the command then runs as typed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.plugins.bundles import running
from tests.plugins.conftest import PLUGIN_ENV
from tests.support.client import LoggedIn, create_user, unique
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import post_by_text, shot
from tests.web.people import TwoPeople, two_people

PLUGIN = """
import json
from urllib.parse import parse_qs

from roost.plugin import (
    AutocompleteData, AutocompleteListItem, Command, CommandArgs, CommandResponse,
    HttpRequest, HttpResponse, Plugin,
)


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
        root.add_command(AutocompleteData("status", "", "Show what is deployed"))
        await self.api.register_command(
            Command(trigger="deploy", description="Deploy", hint="[service]",
                    autocomplete_data=root)
        )

    async def execute_command(self, args: CommandArgs) -> CommandResponse:
        return CommandResponse(text="deploying: " + args.text)

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        typed = parse_qs(request.query)["user_input"][0]
        items = [
            {"Item": "api", "Hint": "(go)", "HelpText": "The API, for " + typed},
            {"Item": "webapp", "Hint": "(ts)", "HelpText": "The web client"},
        ]
        return HttpResponse(body=json.dumps(items).encode())
"""


@pytest.fixture(scope="module")
def plugin_site(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-suggest-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, PLUGIN_ENV) as base:
        yield base


@pytest.fixture(scope="module")
def site_admin(plugin_site: str) -> LoggedIn:
    return create_user(plugin_site, username="suggestadmin")


@pytest.fixture(scope="module")
def people(plugin_site: str, site_admin: LoggedIn, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(plugin_site, browser, "suggest")
    yield both
    both.close()


def test_arguments_suggested_as_they_are_typed(people: TwoPeople, site_admin: LoggedIn) -> None:
    with running(site_admin, "test.deploy-web", PLUGIN):
        channel = people.channel(unique("deploys-"))
        page = people.owner_page
        people.open(page, channel["name"])
        box = page.get_by_test_id("message-box")
        listbox = page.get_by_role("listbox", name="Suggestions")
        options = listbox.get_by_role("option")

        box.press_sequentially("/depl")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("/deploy")
        expect(options.first).to_contain_text("Deploy a service")
        box.press("Tab")
        expect(box).to_have_value("/deploy ")
        # The sub-commands, then the list the plugin answers for what was typed.
        expect(options).to_have_count(2)
        expect(listbox).to_contain_text("service")
        expect(listbox).to_contain_text("Show what is deployed")
        box.press_sequentially("ser")
        expect(options).to_have_count(1)
        box.press("Enter")
        expect(box).to_have_value("/deploy service ")
        expect(options).to_have_count(2)
        expect(options.first).to_contain_text("api")
        expect(options.first).to_contain_text("The API, for deploy service ")
        box.press_sequentially("w")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("webapp")
        shot(page, "composer-command-dynamic-suggestions")
        box.press("Enter")
        expect(box).to_have_value("/deploy service webapp ")
        # The fixed list, by arrow keys.
        expect(options).to_have_count(2)
        box.press("ArrowDown")
        box.press("Tab")
        expect(box).to_have_value("/deploy service webapp production ")
        # The optional named argument, then only a hint: Enter sends.
        expect(options.first).to_contain_text("--reason")
        box.press("Enter")
        expect(box).to_have_value("/deploy service webapp production --reason ")
        expect(options.first).to_contain_text("[reason]")
        box.press_sequentially("friday")
        box.press("Enter")
        expect(box).to_have_value("")
        answer = "deploying: service webapp production --reason friday"
        expect(post_by_text(page, answer)).to_be_visible()
        expect(listbox).to_have_count(0)

        # Mentions inside a command's arguments are still people.
        box.press_sequentially(f"/deploy status @{people.member.username[:5]}")
        expect(listbox).to_contain_text(re.compile(f"@{people.member.username}"))
        box.press("Escape")
    assert people.errors == []
