"""axe-core (from npm, installed by scripts/setup-clients) run inside the web client's
main screens: no serious or critical WCAG 2.1 A/AA violations on the login page, a
channel with posts, a thread, the threads view, account settings and the phone layout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.client import LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import DESKTOP, PHONE, TIMEOUT_MS, login_cookie, post_by_text, shot
from tests.web.people import TwoPeople, two_people

AXE = Path(__file__).resolve().parents[1] / "clients" / "js" / "node_modules" / "axe-core"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's own grading: "serious" and "critical" are the ones that lock people out.
BLOCKING = {"serious", "critical"}


def violations(page: Page) -> list[str]:
    """The blocking violations on the page as it is now, one line each (rule: elements)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE / "axe.min.js"))
    found: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)",
        WCAG,
    )
    return [
        f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def page_for(browser: Browser, people: TwoPeople) -> Iterator[Callable[..., Page]]:
    """A page of its own for a person (None: signed out). axe is a script the test adds
    to the page, which the client's CSP (script-src 'self') would refuse: these contexts
    bypass the CSP, and nothing else differs."""
    contexts: list[BrowserContext] = []

    def make(user: LoggedIn | None, viewport: dict[str, int] = DESKTOP) -> Page:
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if user is not None:
            login_cookie(context, people.base, user)
        page = context.new_page()
        page.on("pageerror", lambda error: people.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "axe")
    yield both
    both.close()


@pytest.fixture(scope="module")
def busy_channel(people: TwoPeople) -> dict[str, Any]:
    """A channel with the kinds of posts people see every day."""
    channel = people.channel(unique("axe-"))
    body = {"user_id": people.member.id}
    expect_status(people.member.api.post(f"/channels/{channel['id']}/members", body), 201)
    root = people.post(channel["id"], "Release **today**: see `notes.md` and https://example.com")
    people.post(channel["id"], "On it", by=people.member, root_id=root["id"])
    people.post(channel["id"], "> quoted\n\n- one\n- two\n\n```py\nprint(1)\n```")
    reaction = {"user_id": people.member.id, "post_id": root["id"], "emoji_name": "thumbsup"}
    expect_status(people.member.api.post("/reactions", reaction), 200)
    return channel


def test_the_login_page(people: TwoPeople, page_for: Callable[..., Page]) -> None:
    page = page_for(None)
    page.goto(people.base + "/login")
    expect(page.get_by_label("Email or username")).to_be_visible()
    assert violations(page) == []


def test_a_channel_a_thread_and_the_threads_view(
    people: TwoPeople, busy_channel: dict[str, Any], page_for: Callable[..., Page]
) -> None:
    page = page_for(people.member)
    people.open(page, busy_channel["name"])
    expect(post_by_text(page, "On it")).to_have_count(0)  # a reply lives in its thread
    expect(post_by_text(page, "quoted")).to_be_visible()
    assert violations(page) == []

    post_by_text(page, "Release").get_by_role("button", name="1 reply").click()
    expect(page.locator(".rhs").get_by_text("On it")).to_be_visible()
    assert violations(page) == []

    page.goto(f"{people.base}/{people.team_name}/threads")
    expect(page.get_by_text("Release").first).to_be_visible()
    assert violations(page) == []


def test_account_settings(people: TwoPeople, page_for: Callable[..., Page]) -> None:
    page = page_for(people.owner)
    people.open(page, "town-square")
    page.get_by_role("button", name="Settings").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert violations(page) == []
    assert people.errors == []


def test_the_phone_layout_with_the_sidebar_open(
    people: TwoPeople, busy_channel: dict[str, Any], page_for: Callable[..., Page]
) -> None:
    page = page_for(people.member, PHONE)
    page.goto(people.url(busy_channel["name"]))
    expect(page.locator(".channel-header h2")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Channels", exact=True).click()
    expect(page.locator(".sidebar")).to_be_visible()
    shot(page, "axe-phone-sidebar")
    assert violations(page) == []
    assert people.errors == []


def test_a_channel_in_the_dark_theme(
    people: TwoPeople, busy_channel: dict[str, Any], page_for: Callable[..., Page]
) -> None:
    # Someone of their own whose saved theme is Onyx (Mattermost's dark one), as the apps
    # save it: the other tests keep the light theme.
    reader = create_user(people.base, username=unique("dark"))
    people.join_team(reader)
    members = f"/channels/{busy_channel['id']}/members"
    expect_status(people.owner.api.post(members, {"user_id": reader.id}), 201)
    theme = {"user_id": reader.id, "category": "theme", "name": "", "value": '{"type":"Onyx"}'}
    expect_status(reader.api.put(f"/users/{reader.id}/preferences", [theme]), 200)
    page = page_for(reader)
    people.open(page, busy_channel["name"])
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(post_by_text(page, "quoted")).to_be_visible()
    shot(page, "axe-dark-channel")
    assert violations(page) == []
