"""The web client under the default rate limits (on; 10 a second, 100 at once): logging
in through the form and opening a channel stays inside the burst, and nothing is
refused, on a server of its own (the session's has the limits off)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Request, Response, expect

from tests.support.client import create_user, unique
from tests.support.client import expect as expect_status
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import login_ui, new_context


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("roost-web-limits")
    env = {"ROOST_RATE_LIMIT_ENABLE": "true"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def test_the_web_client_starts_within_the_default_burst(limited: str, browser: Browser) -> None:
    user = create_user(limited, username=unique("web"))
    team = expect_status(
        user.api.post("/teams", {"name": unique("team"), "display_name": "T", "type": "O"}), 201
    )
    context = new_context(browser)
    page = context.new_page()
    api_calls: list[str] = []
    refused: list[str] = []
    remaining: list[int] = []

    def on_request(request: Request) -> None:
        if "/api/v4/" in request.url:
            api_calls.append(request.url)

    def on_response(response: Response) -> None:
        if "/api/v4/" not in response.url:
            return
        if response.status == 429:
            refused.append(response.url)
        value = response.headers.get("x-ratelimit-remaining")
        if value is not None:
            remaining.append(int(value))

    page.on("request", on_request)
    page.on("response", on_response)
    login_ui(page, limited, user)
    expect(page).to_have_url(f"{limited}/{team['name']}/channels/town-square")
    expect(page.locator(".dot.on")).to_be_visible()  # the WebSocket is up
    page.reload()
    expect(page.locator(".dot.on")).to_be_visible()
    context.close()
    assert refused == []
    assert remaining, "the answers carried no X-Ratelimit-Remaining"
    # A login, a start, a reload: well inside the 100 the burst allows.
    assert len(api_calls) < 100, api_calls
    print(f"web client: {len(api_calls)} API requests; lowest remaining {min(remaining)}")
