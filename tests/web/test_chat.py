"""Two people chatting in two browser contexts see each other live: messages, typing,
edits, reactions, thread replies, deletes, direct messages and unread badges."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.support.client import LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import (
    confirm,
    login_cookie,
    login_ui,
    new_context,
    post_by_text,
    shot,
    watch_errors,
)


@dataclass
class Pair:
    base: str
    team: dict[str, Any]
    a: LoggedIn
    b: LoggedIn
    page_a: Page
    page_b: Page
    errors: list[str]


@pytest.fixture(scope="module")
def pair(server: str, browser: Browser) -> Iterator[Pair]:
    a = create_user(server, username=unique("alice"))
    b = create_user(server, username=unique("bob"))
    team = expect_status(
        a.api.post("/teams", {"name": unique("team"), "display_name": "Web Team", "type": "O"}), 201
    )
    expect_status(
        a.api.post(f"/teams/{team['id']}/members", {"team_id": team["id"], "user_id": b.id}), 201
    )
    context_a, context_b = new_context(browser), new_context(browser)
    page_a, page_b = context_a.new_page(), context_b.new_page()
    errors = watch_errors(page_a) + watch_errors(page_b)
    errors_b = watch_errors(page_b)
    login_ui(page_a, server, a)
    login_cookie(context_b, server, b)
    page_b.goto(f"{server}/{team['name']}/channels/town-square")
    for page in (page_a, page_b):
        expect(page).to_have_url(f"{server}/{team['name']}/channels/town-square")
        expect(page.locator(".dot.on")).to_be_visible()  # the WebSocket is up
    yield Pair(server, team, a, b, page_a, page_b, errors + errors_b)
    context_a.close()
    context_b.close()


def test_login_lands_in_town_square_and_reload_keeps_the_session(pair: Pair) -> None:
    page = pair.page_a
    expect(page.locator(".channel-header h2")).to_have_text("# Town Square")
    page.reload()
    expect(page.locator(".channel-header h2")).to_have_text("# Town Square")
    expect(page.locator(".me")).to_contain_text(pair.a.username)
    expect(page.get_by_label("Email or username")).to_have_count(0)
    expect(page.locator(".dot.on")).to_be_visible()


def test_messages_and_typing_arrive_live(pair: Pair) -> None:
    box = pair.page_a.get_by_test_id("message-box")
    box.press_sequentially("hello bob")
    expect(pair.page_b.get_by_test_id("typing").first).to_have_text(f"{pair.a.username} is typing…")
    box.press("Shift+Enter")
    box.press_sequentially("second line")
    box.press("Enter")
    expect(box).to_have_value("")
    arrived = post_by_text(pair.page_b, "hello bob")
    expect(arrived).to_be_visible()
    expect(arrived.locator("[data-testid=message]")).to_contain_text("second line")
    expect(arrived.locator("[data-testid=message] br")).to_have_count(1)
    # The typist's indicator goes once the post arrives.
    expect(pair.page_b.get_by_test_id("typing").first).to_have_text("")
    pair.page_b.get_by_test_id("message-box").fill("hi alice")
    pair.page_b.get_by_test_id("message-box").press("Enter")
    expect(post_by_text(pair.page_a, "hi alice")).to_be_visible()
    shot(pair.page_b, "chat-channel")


def test_up_edits_the_last_own_message_and_the_edit_shows_live(pair: Pair) -> None:
    box = pair.page_a.get_by_test_id("message-box")
    box.fill("edit me please")
    box.press("Enter")
    expect(post_by_text(pair.page_b, "edit me please")).to_be_visible()
    box.press("ArrowUp")
    editor = pair.page_a.get_by_label("Edit message")
    expect(editor).to_have_value("edit me please")
    editor.fill("edited by alice")
    editor.press("Enter")
    edited = post_by_text(pair.page_b, "edited by alice")
    expect(edited).to_be_visible()
    expect(edited.locator(".edited")).to_have_text("(edited)")
    expect(post_by_text(pair.page_b, "edit me please")).to_have_count(0)


def test_reactions_from_the_picker_show_live(pair: Pair) -> None:
    post_text = unique("react to this ")
    pair.page_a.get_by_test_id("message-box").fill(post_text)
    pair.page_a.get_by_test_id("message-box").press("Enter")
    target = post_by_text(pair.page_b, post_text)
    target.hover()
    target.get_by_role("button", name="Add reaction").first.click()
    pair.page_b.get_by_role("dialog", name="Emoji picker").locator("[data-emoji='tada']").click()
    seen_by_a = post_by_text(pair.page_a, post_text).locator(".reaction[data-emoji='tada']")
    expect(seen_by_a.locator(".count")).to_have_text("1")
    # Alice adds the same one: two; Bob takes his back: one, Alice's.
    seen_by_a.click()
    expect(
        post_by_text(pair.page_b, post_text).locator(".reaction[data-emoji='tada'] .count")
    ).to_have_text("2")
    post_by_text(pair.page_b, post_text).locator(".reaction[data-emoji='tada']").click()
    expect(seen_by_a.locator(".count")).to_have_text("1")
    expect(seen_by_a).to_have_class(re.compile(r"\bmine\b"))
    shot(pair.page_a, "chat-reactions")


def test_thread_replies_show_live_in_the_panel_and_threads_view(pair: Pair) -> None:
    root_text = unique("thread root ")
    pair.page_a.get_by_test_id("message-box").fill(root_text)
    pair.page_a.get_by_test_id("message-box").press("Enter")
    root_b = post_by_text(pair.page_b, root_text)
    root_b.hover()
    root_b.get_by_role("button", name="Reply").click()
    thread_b = pair.page_b.get_by_test_id("thread")
    expect(thread_b.locator("[data-testid=message]").first).to_have_text(root_text)
    thread_b.get_by_test_id("reply-box").fill("a reply from bob")
    thread_b.get_by_test_id("reply-box").press("Enter")
    # Alice sees the count on her root, opens the thread and answers; Bob sees it live.
    replies = post_by_text(pair.page_a, root_text).locator(".replies")
    expect(replies).to_have_text("1 reply")
    replies.click()
    thread_a = pair.page_a.get_by_test_id("thread")
    expect(post_by_text(thread_a, "a reply from bob")).to_be_visible()
    thread_a.get_by_test_id("reply-box").press_sequentially("alice answers")
    expect(pair.page_b.locator("[data-testid=thread] [data-testid=typing]")).to_have_text(
        f"{pair.a.username} is typing…"
    )
    thread_a.get_by_test_id("reply-box").press("Enter")
    expect(thread_b.locator("[data-testid=message]", has_text="alice answers")).to_be_visible()
    # The replies never show in the channel itself (collapsed threads).
    expect(
        pair.page_b.locator(".center [data-testid=message]", has_text="alice answers")
    ).to_have_count(0)
    shot(pair.page_b, "chat-thread")
    # Bob follows the thread (he replied): his Threads view lists it.
    pair.page_b.locator(".sidebar a", has_text="Threads").click()
    item = pair.page_b.locator(".thread-item", has_text=root_text)
    expect(item).to_contain_text("2 replies")
    shot(pair.page_b, "threads-view")
    pair.page_b.go_back()
    expect(pair.page_b.locator(".channel-header h2")).to_have_text("# Town Square")


def test_a_mention_in_a_thread_badges_threads_until_read(pair: Pair) -> None:
    root_text = unique("ask bob ")
    pair.page_b.get_by_test_id("message-box").fill(root_text)
    pair.page_b.get_by_test_id("message-box").press("Enter")
    pair.page_b.get_by_role("complementary", name="Thread").get_by_role(
        "button", name="Close"
    ).click()
    root_a = post_by_text(pair.page_a, root_text)
    root_a.hover()
    root_a.get_by_role("button", name="Reply").click()
    reply_box = pair.page_a.get_by_test_id("thread").get_by_test_id("reply-box")
    reply_box.fill(f"@{pair.b.username} answered")
    reply_box.press("Enter")
    threads_link = pair.page_b.locator(".sidebar a", has_text="Threads")
    expect(threads_link.locator(".badge")).to_have_text("1")
    expect(post_by_text(pair.page_b, root_text).locator(".replies")).to_have_text("1 reply")
    threads_link.click()
    item = pair.page_b.locator(".thread-item", has_text=root_text)
    expect(item.locator(".pill")).to_have_text("1 new")
    pair.page_b.get_by_role("tab", name="Unread").click()
    expect(pair.page_b.locator(".thread-item")).to_have_count(1)
    item.click()
    expect(
        pair.page_b.get_by_test_id("thread").locator("[data-testid=message]", has_text="answered")
    ).to_be_visible()
    expect(threads_link.locator(".badge")).to_have_count(0)
    expect(item.locator(".pill")).to_have_count(0)
    pair.page_b.get_by_role("complementary", name="Thread").get_by_role(
        "button", name="Close"
    ).click()
    pair.page_b.go_back()
    expect(pair.page_b.locator(".channel-header h2")).to_have_text("# Town Square")


def test_deletes_show_live(pair: Pair) -> None:
    pair.page_a.get_by_test_id("message-box").fill("this will go")
    pair.page_a.get_by_test_id("message-box").press("Enter")
    expect(post_by_text(pair.page_b, "this will go")).to_be_visible()
    mine = post_by_text(pair.page_a, "this will go")
    mine.hover()
    mine.get_by_role("button", name="Delete").click()
    confirm(pair.page_a, "Delete")
    expect(post_by_text(pair.page_b, "this will go")).to_have_count(0)
    expect(post_by_text(pair.page_a, "this will go")).to_have_count(0)


def test_a_post_written_while_the_channel_loads_is_not_lost(pair: Pair) -> None:
    """Opening a channel asks for its newest page; a post written after that answer was
    made and before it arrives comes as an event first. It must end up in the list (it
    was dropped: no list yet for the event, and the page did not hold it)."""
    channel = expect_status(
        pair.a.api.post(
            "/channels",
            {
                "team_id": pair.team["id"],
                "name": unique("race"),
                "display_name": "Race",
                "type": "O",
            },
        ),
        201,
    )
    members = f"/channels/{channel['id']}/members"
    expect_status(pair.a.api.post(members, {"user_id": pair.b.id}), 201)
    expect_status(
        pair.a.api.post("/posts", {"channel_id": channel["id"], "message": "before"}), 201
    )
    written: list[str] = []

    def hold_the_page(route: Route) -> None:
        answer = route.fetch()  # the page as it is now, without the post below
        if not written:
            body = {"channel_id": channel["id"], "message": "written meanwhile"}
            written.append(expect_status(pair.a.api.post("/posts", body), 201)["id"])
            time.sleep(1.0)  # its event reaches the page before the page's answer
        route.fulfill(response=answer)

    pattern = re.compile(rf"/api/v4/channels/{channel['id']}/posts\b")
    pair.page_b.route(pattern, hold_the_page)
    try:
        pair.page_b.goto(f"{pair.base}/{pair.team['name']}/channels/{channel['name']}")
        expect(post_by_text(pair.page_b, "before")).to_be_visible()
        expect(post_by_text(pair.page_b, "written meanwhile")).to_be_visible()
        assert written
    finally:
        pair.page_b.unroute(pattern)
        pair.page_b.goto(f"{pair.base}/{pair.team['name']}/channels/town-square")
        expect(pair.page_b.locator(".dot.on")).to_be_visible()


def test_html_and_script_in_a_message_are_shown_as_text(pair: Pair) -> None:
    hostile = '<script>window.__xss = 1</script> <img src="x" onerror="window.__xss = 2"> **bold**'
    pair.page_a.get_by_test_id("message-box").fill(hostile)
    pair.page_a.get_by_test_id("message-box").press("Enter")
    for page in (pair.page_b, pair.page_a):
        message = post_by_text(page, "window.__xss = 1").locator("[data-testid=message]")
        expect(message).to_contain_text(
            '<script>window.__xss = 1</script> <img src="x" onerror="window.__xss = 2">'
        )
        expect(message.locator("strong")).to_have_text("bold")
        expect(message.locator("script, img")).to_have_count(0)
        assert page.evaluate("window.__xss") is None
    shot(pair.page_b, "chat-hostile-message")


def test_mentions_elsewhere_badge_the_channel_until_it_is_read(pair: Pair) -> None:
    team = pair.team["name"]
    pair.page_b.locator(".sidebar a[data-channel='off-topic']").click()
    expect(pair.page_b).to_have_url(f"{pair.base}/{team}/channels/off-topic")
    pair.page_a.get_by_test_id("message-box").fill(f"@{pair.b.username} look here")
    pair.page_a.get_by_test_id("message-box").press("Enter")
    town = pair.page_b.locator(".sidebar a[data-channel='town-square']")
    expect(town.get_by_test_id("mention-badge")).to_have_text("1")
    expect(town).to_have_class(re.compile(r"\bunread\b"))
    shot(pair.page_b, "chat-mention-badge")
    town.click()
    expect(post_by_text(pair.page_b, "look here").locator(".mention")).to_have_text(
        f"@{pair.b.username}"
    )
    expect(town.get_by_test_id("mention-badge")).to_have_count(0)


def test_direct_messages_arrive_live(pair: Pair) -> None:
    team = pair.team["name"]
    pair.page_a.goto(f"{pair.base}/{team}/messages/@{pair.b.username}")
    expect(pair.page_a.locator(".channel-header h2")).to_have_text(pair.b.username)
    pair.page_a.get_by_test_id("message-box").fill("a private word")
    pair.page_a.get_by_test_id("message-box").press("Enter")
    dm = pair.page_b.locator(".sidebar section", has_text="Direct messages").locator(
        "a", has_text=pair.a.username
    )
    expect(dm.get_by_test_id("mention-badge")).to_have_text("1")
    dm.click()
    expect(pair.page_b).to_have_url(f"{pair.base}/{team}/messages/@{pair.a.username}")
    expect(post_by_text(pair.page_b, "a private word")).to_be_visible()
    pair.page_b.get_by_test_id("message-box").fill("and one back")
    pair.page_b.get_by_test_id("message-box").press("Enter")
    expect(post_by_text(pair.page_a, "and one back")).to_be_visible()
    shot(pair.page_a, "chat-direct-message")


def test_no_uncaught_errors_in_either_page(pair: Pair) -> None:
    assert pair.errors == []
