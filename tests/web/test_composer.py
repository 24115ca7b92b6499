"""The message box as Mattermost people use it: slash commands run on the server (never
posted as text) with their private answers shown, autocomplete of /commands, @people,
~channels and :emoji: by keyboard, code fences kept whole, drafts kept per channel on
the server, Alt+Up/Down between channels and the Ctrl+/ shortcut list."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.client import LoggedIn, unique
from tests.support.client import expect as expect_status
from tests.web.browser import login_cookie, new_context, post_by_text, shot
from tests.web.people import TwoPeople, two_people

PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "compose")
    yield both
    both.close()


def box(page: Page) -> Locator:
    return page.get_by_test_id("message-box")


def send(page: Page, text: str) -> None:
    box(page).fill(text)
    box(page).press("Enter")


def messages(user: LoggedIn, channel_id: str) -> list[str]:
    """What people posted, newest first (not the system posts of joins and the like)."""
    listed = expect_status(user.api.get(f"/channels/{channel_id}/posts?per_page=100"), 200)
    posts = [listed["posts"][i] for i in listed["order"]]
    return [p["message"] for p in posts if not p["type"].startswith("system_")]


def joined(people: TwoPeople, prefix: str) -> dict[str, Any]:
    """A new public channel both people are in."""
    channel = people.channel(unique(prefix))
    body = {"user_id": people.member.id}
    expect_status(people.member.api.post(f"/channels/{channel['id']}/members", body), 201)
    return channel


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_slash_commands_run_on_the_server_and_their_answers_show_only_to_me(
    people: TwoPeople,
) -> None:
    channel = joined(people, "cmd-")
    other = people.channel(unique("elsewhere-"))
    page, seen_by = people.owner_page, people.member_page
    people.open(page, channel["name"])
    people.open(seen_by, channel["name"])

    send(page, "/echo hello from echo")
    expect(post_by_text(page, "hello from echo")).to_be_visible()
    expect(post_by_text(seen_by, "hello from echo")).to_be_visible()
    expect(box(page)).to_have_value("")

    send(page, "/away")
    answer = post_by_text(page, "You are now away")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("(Only visible to you)")
    expect(answer.locator(".author")).to_have_text("System")
    status = expect_status(people.owner.api.get(f"/users/{people.owner.id}/status"), 200)
    assert status["status"] == "away"
    shot(page, "composer-ephemeral-answer")

    # A command the server does not know: its error, and the text stays to fix.
    send(page, "/nosuchcommand now")
    alert = page.locator(".composer [role=alert]")
    expect(alert).to_contain_text("/nosuchcommand")
    expect(alert).to_contain_text("add a space at the beginning")
    expect(box(page)).to_have_value("/nosuchcommand now")
    # A leading space sends it as a message, Mattermost's way to post a slash.
    send(page, " /nosuchcommand now")
    expect(post_by_text(page, "/nosuchcommand now")).to_be_visible()

    send(page, "/online")
    expect(post_by_text(page, "You are now online")).to_be_visible()
    # The other person never saw the private answers; nothing typed was posted as text.
    expect(post_by_text(seen_by, "/nosuchcommand now")).to_be_visible()
    expect(post_by_text(seen_by, "You are now")).to_have_count(0)
    posted = messages(people.owner, channel["id"])
    assert "hello from echo" in posted and "/nosuchcommand now" in posted
    assert not [m for m in posted if m.startswith(("/echo", "/away", "/online"))]
    assert not [m for m in posted if "You are now" in m]

    # goto_location is followed: /join takes the person to the channel joined.
    send(seen_by, f"/join ~{other['name']}")
    expect(seen_by).to_have_url(re.compile(f"/channels/{other['name']}$"))
    expect(seen_by.locator(".channel-header h2")).to_contain_text(other["display_name"])
    member = people.member.api.get(f"/channels/{other['id']}/members/{people.member.id}")
    expect_status(member, 200)
    assert people.errors == []


def test_autocomplete_of_commands_people_channels_and_emoji_by_keyboard(
    people: TwoPeople,
) -> None:
    channel = joined(people, "auto-")
    target = people.channel(unique("roadmap-"))
    page = people.owner_page
    people.open(page, channel["name"])
    message = box(page)
    listbox = page.get_by_role("listbox", name="Suggestions")

    # At most 20 suggestions (27 emoji names contain "ar").
    message.press_sequentially(":ar")
    expect(listbox.get_by_role("option")).to_have_count(20)
    message.press("Escape")
    message.fill("")

    # /commands with their hints and descriptions; arrows move the active option.
    message.press_sequentially("/")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option", name=re.compile(r"^\/echo"))).to_contain_text(
        "Echo back text"
    )
    first = listbox.get_by_role("option").nth(0)
    expect(message).to_have_attribute("aria-activedescendant", str(first.get_attribute("id")))
    expect(first).to_have_attribute("aria-selected", "true")
    message.press("ArrowDown")
    second = listbox.get_by_role("option").nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(message).to_have_attribute("aria-activedescendant", str(second.get_attribute("id")))
    message.press("ArrowUp")
    expect(first).to_have_attribute("aria-selected", "true")
    message.press_sequentially("ech")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox).to_contain_text("[message]")
    shot(page, "composer-command-autocomplete")
    message.press("Tab")
    expect(message).to_have_value("/echo ")
    expect(listbox).to_be_hidden()
    message.press_sequentially("chosen by tab")
    message.press("Enter")
    expect(post_by_text(page, "chosen by tab")).to_be_visible()

    # @people (Enter chooses), :emoji: (Escape closes, typing reopens), ~channels (a click).
    member = people.member.username
    message.press_sequentially(f"hi @{member[:-2]}")
    option = listbox.get_by_role("option", name=re.compile(f"^@{member}"))
    expect(option).to_be_visible()
    expect(listbox.get_by_role("option", name=re.compile("^@channel"))).to_have_count(0)
    option.hover()
    message.press("Enter")
    expect(message).to_have_value(f"hi @{member} ")
    message.press_sequentially(":tad")
    expect(listbox.get_by_role("option", name=re.compile("^:tada:"))).to_be_visible()
    message.press("Escape")
    expect(listbox).to_be_hidden()
    expect(message).to_have_value(f"hi @{member} :tad")
    message.press_sequentially("a")
    expect(listbox.get_by_role("option").nth(0)).to_contain_text(":tada:")
    message.press("Enter")
    expect(message).to_have_value(f"hi @{member} :tada: ")
    message.press_sequentially("see ~" + target["name"][:8])
    listbox.get_by_role("option", name=re.compile(target["display_name"][:8], re.I)).click()
    expect(message).to_have_value(f"hi @{member} :tada: see ~{target['name']} ")
    expect(message).to_be_focused()
    message.press("Enter")
    sent = post_by_text(page, "see ~")
    expect(sent.locator(".mention")).to_have_text(f"@{member}")
    expect(sent.locator(".emoji")).to_have_text("🎉")
    assert messages(people.owner, channel["id"])[0] == (
        f"hi @{member} :tada: see ~{target['name']}"
    )
    assert people.errors == []


def test_enter_in_an_open_code_fence_adds_a_line_and_the_block_goes_whole(
    people: TwoPeople,
) -> None:
    channel = people.channel(unique("code-"))
    page = people.owner_page
    people.open(page, channel["name"])
    message = box(page)
    message.press_sequentially("```python")
    message.press("Enter")
    expect(page.get_by_test_id("fence-hint")).to_be_visible()
    for line in ("def f():", "", "    return 1"):
        message.press_sequentially(line)
        message.press("Enter")
    expect(message).to_have_value("```python\ndef f():\n\n    return 1\n")
    message.press_sequentially("```")
    expect(page.get_by_test_id("fence-hint")).to_be_hidden()
    message.press("Enter")
    block = page.locator("[data-testid=post] pre.code", has_text="return 1")
    expect(block).to_have_count(1)
    expect(message).to_have_value("")
    assert messages(people.owner, channel["id"]) == ["```python\ndef f():\n\n    return 1\n```"]

    # Ctrl+Enter sends an unfinished block as it is; Shift+Enter is a new line anywhere.
    message.press_sequentially("```")
    message.press("Enter")
    message.press_sequentially("unfinished")
    message.press("Control+Enter")
    expect(page.locator("[data-testid=post] pre.code", has_text="unfinished")).to_be_visible()
    message.press_sequentially("two")
    message.press("Shift+Enter")
    message.press_sequentially("lines")
    message.press("Enter")
    expect(post_by_text(page, "lines")).to_be_visible()
    assert messages(people.owner, channel["id"])[:2] == ["two\nlines", "```\nunfinished"]


def test_drafts_are_kept_per_channel_and_thread_and_follow_to_another_device(
    people: TwoPeople, browser: Browser
) -> None:
    first, second = people.channel(unique("draft-a-")), people.channel(unique("draft-b-"))
    root = people.post(first["id"], "a thread to answer")
    page = people.owner_page
    people.open(page, first["name"])
    expect(box(page)).to_be_focused()  # the box is ready when a channel opens
    box(page).press_sequentially("half-written thought")
    page.locator(f".sidebar a[data-channel='{second['name']}']").click()
    expect(page.locator(".channel-header h2")).to_contain_text(second["display_name"])
    expect(box(page)).to_have_value("")
    expect(box(page)).to_be_focused()
    box(page).press_sequentially("another draft")
    page.locator(f".sidebar a[data-channel='{first['name']}']").click()
    expect(box(page)).to_have_value("half-written thought")
    # A reply's draft is its own.
    post_by_text(page, "a thread to answer").hover()
    post_by_text(page, "a thread to answer").get_by_role("button", name="Reply").click()
    reply = page.get_by_test_id("reply-box")
    reply.press_sequentially("a reply draft")
    page.get_by_test_id("thread").get_by_role("button", name="Close").click()
    expect(reply).to_be_hidden()

    team_drafts = f"/users/{people.owner.id}/teams/{people.team['id']}/drafts"

    def drafts() -> dict[tuple[str, str], str]:
        listed = expect_status(people.owner.api.get(team_drafts), 200)
        return {(d["channel_id"], d["root_id"]): d["message"] for d in listed}

    assert eventually(
        lambda: (
            drafts()
            == {
                (first["id"], ""): "half-written thought",
                (second["id"], ""): "another draft",
                (first["id"], root["id"]): "a reply draft",
            }
        )
    )

    # Another device of the same person opens with the drafts the server kept.
    context = new_context(browser)
    login_cookie(context, people.base, people.owner)
    elsewhere = context.new_page()
    people.open(elsewhere, second["name"])
    expect(box(elsewhere)).to_have_value("another draft")
    box(elsewhere).press("Enter")
    expect(post_by_text(elsewhere, "another draft")).to_be_visible()
    assert eventually(lambda: (second["id"], "") not in drafts())
    context.close()
    # Emptying the box deletes the draft.
    box(page).fill("")
    assert eventually(lambda: (first["id"], "") not in drafts())
    assert people.errors == []


def test_alt_arrows_move_between_channels_and_ctrl_slash_lists_the_shortcuts(
    people: TwoPeople,
) -> None:
    page = people.member_page
    people.open(page, "town-square")
    names = settled_sidebar(page)
    assert len(names) >= 2
    at = names.index("town-square")
    below, above = names[(at + 1) % len(names)], names[at - 1]
    page.keyboard.press("Alt+ArrowDown")
    expect(page).to_have_url(re.compile(f"/channels/{below}$"))
    expect(box(page)).to_be_focused()
    page.keyboard.press("Alt+ArrowUp")
    expect(page).to_have_url(re.compile("/channels/town-square$"))
    page.keyboard.press("Alt+ArrowUp")
    expect(page).to_have_url(re.compile(f"/channels/{above}$"))

    box(page).press("Control+/")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Alt+Up / Alt+Down")
    expect(dialog).to_contain_text("Ctrl+Enter")
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    shot(page, "composer-shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(box(page)).to_be_focused()


def test_suggestions_fit_a_phone_screen(people: TwoPeople, browser: Browser) -> None:
    context = new_context(browser, PHONE_375)
    login_cookie(context, people.base, people.member)
    page = context.new_page()
    page.goto(people.url("town-square"))  # the sidebar (and its connection dot) is folded away
    expect(box(page)).to_be_visible()
    expect(box(page)).not_to_be_focused()  # no on-screen keyboard popping up on a phone
    box(page).click()
    box(page).press_sequentially("@")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(
        listbox.get_by_role("option", name=re.compile(f"^@{people.owner.username}"))
    ).to_be_visible()
    found = listbox.bounding_box()
    assert found is not None
    assert found["x"] >= 0 and found["x"] + found["width"] <= PHONE_375["width"]
    shot(page, "composer-autocomplete-phone")
    box(page).press("Escape")
    expect(listbox).to_be_hidden()
    context.close()


def settled_sidebar(page: Page) -> list[str]:
    """The sidebar's channel names once two reads half a second apart agree: right after a
    channel opens, the list may still be filling, and Alt+Up/Down walk the list as shown."""
    links = page.locator(".sidebar a.item[data-channel]")
    read = "(all) => all.map((a) => a.dataset.channel)"
    names: list[str] = links.evaluate_all(read)
    for _ in range(20):
        page.wait_for_timeout(500)
        again: list[str] = links.evaluate_all(read)
        if again == names and "town-square" in names:
            return names
        names = again
    raise AssertionError(f"the sidebar kept changing: {names}")
