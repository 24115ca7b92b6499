"""The rest of what a person does in the web client: sign up, teams and channels,
history, markdown, the channel switcher, search, files, a phone-sized screen, and
getting back in sync after the network drops."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.support.client import PASSWORD, LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import (
    PHONE,
    fill_login,
    login_cookie,
    new_context,
    open_channel,
    post_by_text,
    shot,
)

HISTORY_POSTS = 150


@dataclass
class Team:
    base: str
    raw: dict[str, Any]
    owner: LoggedIn
    member: LoggedIn

    @property
    def name(self) -> str:
        return str(self.raw["name"])

    def channel(self, name: str, **fields: Any) -> dict[str, Any]:
        body = {
            "team_id": self.raw["id"],
            "name": name,
            "display_name": name.title(),
            "type": "O",
            **fields,
        }
        return expect_status(self.owner.api.post("/channels", body), 201)  # type: ignore[no-any-return]

    def post(self, channel_id: str, message: str) -> dict[str, Any]:
        body = {"channel_id": channel_id, "message": message}
        return expect_status(self.owner.api.post("/posts", body), 201)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def team(server: str) -> Team:
    owner = create_user(server, username=unique("owner"))
    member = create_user(server, username=unique("member"))
    raw = expect_status(
        owner.api.post("/teams", {"name": unique("feat"), "display_name": "Features", "type": "O"}),
        201,
    )
    expect_status(
        owner.api.post(f"/teams/{raw['id']}/members", {"team_id": raw["id"], "user_id": member.id}),
        201,
    )
    return Team(server, raw, owner, member)


@pytest.fixture
def member_page(browser: Browser, team: Team) -> Iterator[Page]:
    context = new_context(browser)
    login_cookie(context, team.base, team.member)
    yield context.new_page()
    context.close()


def test_sign_up_create_a_team_and_a_private_channel_then_log_out_and_in(
    server: str, browser: Browser
) -> None:
    context = new_context(browser)
    page = context.new_page()
    username = unique("newbie")
    page.goto(server + "/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(server + "/select_team")
    page.get_by_placeholder("Team name").fill(f"Team {username}")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page).to_have_url(f"{server}/team-{username}/channels/town-square")
    page.get_by_role("button", name="Add channel").click()
    page.get_by_role("button", name="Create a channel").click()
    page.get_by_label("Name").fill("Launch Plans")
    page.get_by_label("Private").check()
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page).to_have_url(f"{server}/team-{username}/channels/launch-plans")
    expect(page.locator(".channel-header h2")).to_have_text("🔒 Launch Plans")
    shot(page, "features-new-private-channel")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Email or username")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Email or username")).to_be_visible()  # the session is gone
    fill_login(page, username)
    # Back where they were.
    expect(page).to_have_url(f"{server}/team-{username}/channels/launch-plans")
    context.close()


def test_a_deep_link_opens_after_logging_in(browser: Browser, team: Team) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{team.base}/{team.name}/channels/off-topic")
    fill_login(page, team.member.username)
    expect(page).to_have_url(f"{team.base}/{team.name}/channels/off-topic")
    expect(page.locator(".channel-header h2")).to_have_text("# Off-Topic")
    context.close()


def test_browse_and_join_a_public_channel(team: Team, member_page: Page) -> None:
    name = unique("open-")
    team.channel(name, purpose="for everyone")
    open_channel(member_page, team.base, team.name, "town-square")
    member_page.get_by_role("button", name="Add channel").click()
    row = member_page.locator(".choices li", has_text=name.title())
    row.get_by_role("button", name="Join").click()
    expect(member_page).to_have_url(f"{team.base}/{team.name}/channels/{name}")
    expect(member_page.locator(f".sidebar a[data-channel='{name}']")).to_be_visible()


def test_history_scrolls_back_to_the_first_message(team: Team, member_page: Page) -> None:
    name = unique("history-")
    channel = team.channel(name)
    for i in range(HISTORY_POSTS):
        team.post(channel["id"], f"history {i:03d}")
    open_channel(member_page, team.base, team.name, name)
    # People's posts: the channel also opens with the system posts of its making.
    messages = member_page.locator(".center .post:not(.system-message) [data-testid=message]")
    expect(messages.last).to_have_text(f"history {HISTORY_POSTS - 1:03d}")
    # One page of 60 posts: the newest 59 of the history and the member's own join.
    expect(member_page.locator(".center .post")).to_have_count(60)
    expect(messages).to_have_count(59)
    beginning = member_page.get_by_text("This is the start of the conversation.")
    for _ in range(10):
        if beginning.is_visible():
            break
        member_page.get_by_test_id("post-list").evaluate("el => { el.scrollTop = 0; }")
        member_page.wait_for_timeout(150)
    expect(beginning).to_be_visible()
    expect(messages).to_have_count(HISTORY_POSTS)
    texts = messages.all_inner_texts()
    assert texts == [f"history {i:03d}" for i in range(HISTORY_POSTS)]
    # Grouped by author: one header for the whole run of one person's posts.
    authored = member_page.locator(".center .post:not(.continued):not(.system-message)")
    expect(authored).to_have_count(1)


def test_markdown_renders_safely(team: Team, member_page: Page) -> None:
    name = unique("md-")
    channel = team.channel(name)
    team.post(
        channel["id"],
        "**bold** _it_ `code` :tada: @" + team.member.username + "\n\n"
        "```python\ndef answer():\n    return 42\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "- one\n- two\n\n"
        "> quoted\n\n"
        "[site](https://example.com) [bad](javascript:alert(1))",
    )
    team.post(channel["id"], "see www.example.com now")
    team.post(channel["id"], "3. third")
    team.post(channel["id"], "plain & simple <b>not bold</b>")
    open_channel(member_page, team.base, team.name, name)
    lines = member_page.locator(".center .post:not(.system-message) [data-testid=message]")
    expect(lines.nth(1).locator("a")).to_have_attribute("href", "http://www.example.com")
    expect(lines.nth(2).locator("ol")).to_have_attribute("start", "3")
    expect(lines.nth(3)).to_have_text("plain & simple <b>not bold</b>")
    message = lines.first
    expect(message.locator("strong").first).to_have_text("bold")
    expect(message.locator("em")).to_have_text("it")
    expect(message.locator("p > code")).to_have_text("code")
    expect(message.locator(".emoji")).to_have_text("🎉")
    expect(message.locator(".mention")).to_have_text("@" + team.member.username)
    expect(message.locator("pre code .hljs-keyword").first).to_have_text("def")
    expect(message.locator("table td")).to_have_text(["1", "2"])
    expect(message.locator("ul li")).to_have_count(2)
    expect(message.locator("blockquote")).to_have_text("quoted")
    link = message.locator("a", has_text="site")
    expect(link).to_have_attribute("href", "https://example.com")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(message.locator("a", has_text="bad")).not_to_have_attribute(
        "href", "javascript:alert(1)"
    )
    shot(member_page, "features-markdown")


def test_ctrl_k_switches_channels(team: Team, member_page: Page) -> None:
    open_channel(member_page, team.base, team.name, "town-square")
    member_page.keyboard.press("Control+k")
    member_page.get_by_label("Find a channel").fill("off")
    member_page.keyboard.press("Enter")
    expect(member_page).to_have_url(f"{team.base}/{team.name}/channels/off-topic")


def test_search_shows_matching_messages(team: Team, member_page: Page) -> None:
    word = unique("needle")
    town = expect_status(
        team.owner.api.get(f"/teams/{team.raw['id']}/channels/name/town-square"), 200
    )
    team.post(town["id"], f"find the {word} here")
    open_channel(member_page, team.base, team.name, "off-topic")
    member_page.get_by_label("Search messages").fill(word)
    member_page.get_by_label("Search messages").press("Enter")
    results = member_page.get_by_role("complementary", name="Search results")
    expect(results.locator("[data-testid=message]")).to_have_text(f"find the {word} here")
    results.get_by_role("link", name="Town Square").click()
    expect(member_page).to_have_url(f"{team.base}/{team.name}/channels/town-square")


def test_an_attached_image_shows_a_preview(team: Team, member_page: Page) -> None:
    open_channel(member_page, team.base, team.name, "off-topic")
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 20)).save(image, format="PNG")
    member_page.get_by_label("Attach files").set_input_files(
        {"name": "orange.png", "mimeType": "image/png", "buffer": image.getvalue()}
    )
    expect(member_page.locator(".pending-files .chip", has_text="orange.png")).to_be_visible()
    member_page.get_by_test_id("message-box").fill("a picture")
    member_page.get_by_test_id("message-box").press("Enter")
    preview = post_by_text(member_page, "a picture").locator(".files img")
    expect(preview).to_have_attribute("alt", "orange.png")
    preview.evaluate("img => img.decode()")
    assert preview.evaluate("img => img.naturalWidth") > 0
    shot(member_page, "features-image")


def test_a_group_message_from_the_people_picker(team: Team, member_page: Page) -> None:
    third = create_user(team.base, username=unique("carol"))
    expect_status(
        team.owner.api.post(
            f"/teams/{team.raw['id']}/members", {"team_id": team.raw["id"], "user_id": third.id}
        ),
        201,
    )
    open_channel(member_page, team.base, team.name, "town-square")
    member_page.get_by_role("button", name="New message").click()
    for person in (team.owner, third):
        member_page.get_by_label("Find people").fill(person.username)
        member_page.locator(".choices li", has_text=person.username).click()
    member_page.get_by_role("button", name="Go", exact=True).click()
    expect(member_page).to_have_url(re.compile(f"{team.base}/{team.name}/messages/[0-9a-f]{{40}}$"))
    header = member_page.locator(".channel-header h2")
    for person in (team.owner, third, team.member):
        expect(header).to_contain_text(person.username)
    member_page.get_by_test_id("message-box").fill("hello both")
    member_page.get_by_test_id("message-box").press("Enter")
    expect(post_by_text(member_page, "hello both")).to_be_visible()
    gm = expect_status(team.owner.api.get(f"/users/me/teams/{team.raw['id']}/channels"), 200)
    assert [c["type"] for c in gm if third.username in c["display_name"]] == ["G"]


def test_phone_sized_layout(browser: Browser, team: Team) -> None:
    context = new_context(browser, PHONE)
    login_cookie(context, team.base, team.member)
    page = context.new_page()
    open_channel(page, team.base, team.name, "town-square")
    sidebar = page.get_by_role("navigation", name="Channels")
    expect(sidebar).not_to_be_in_viewport()
    shot(page, "features-phone-channel")
    page.get_by_role("button", name="Channels", exact=True).click()
    expect(sidebar).to_be_in_viewport()
    page.wait_for_timeout(250)  # the slide-in
    shot(page, "features-phone-sidebar")
    sidebar.locator("a[data-channel='off-topic']").click()
    expect(page).to_have_url(f"{team.base}/{team.name}/channels/off-topic")
    expect(sidebar).not_to_be_in_viewport()
    context.close()


def test_missed_messages_appear_after_the_connection_drops(team: Team, member_page: Page) -> None:
    # Playwright stands between the page and the server's WebSocket, so the test can
    # cut the connection and refuse reconnects for a while, as a network drop would.
    outage = Outage()
    member_page.context.route_web_socket(re.compile(r"/api/v4/websocket"), outage.route)
    open_channel(member_page, team.base, team.name, "town-square")
    expect(member_page.locator(".dot.on")).to_be_visible()
    town = expect_status(
        team.owner.api.get(f"/teams/{team.raw['id']}/channels/name/town-square"), 200
    )
    outage.begin()
    expect(member_page.get_by_test_id("offline")).to_be_visible()
    team.post(town["id"], "sent while you were away")
    for _ in range(50):  # until the client has tried to reconnect and been refused
        if outage.refused:
            break
        member_page.wait_for_timeout(100)
    assert outage.refused > 0
    expect(post_by_text(member_page, "sent while you were away")).to_have_count(0)
    outage.end()
    expect(member_page.locator(".dot.on")).to_be_visible(timeout=15_000)
    expect(post_by_text(member_page, "sent while you were away")).to_be_visible()
    expect(member_page.get_by_test_id("offline")).to_have_count(0)


class Outage:
    def __init__(self) -> None:
        self.down = False
        self.refused = 0
        self.open: list[WebSocketRoute] = []

    def route(self, ws: WebSocketRoute) -> None:
        if self.down:
            self.refused += 1
            ws.close()
            return
        ws.connect_to_server()
        self.open.append(ws)

    def begin(self) -> None:
        self.down = True
        while self.open:
            self.open.pop().close()

    def end(self) -> None:
        self.down = False
