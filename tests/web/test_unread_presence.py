"""Finding what is new and who is around: the "New messages" line, unread marks on
other teams, and presence dots (online, away, do not disturb, offline)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.client import expect as expect_status
from tests.support.client import unique
from tests.support.files import png
from tests.web.browser import login_cookie, new_context, post_by_text, shot
from tests.web.people import TwoPeople, two_people

# More than the 60 posts of a channel's first page, so the client pages back to the line.
UNREAD_POSTS = 75
READ_POSTS = 5


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "unread")
    yield both
    both.close()


def read_then_leave(people: TwoPeople, page: Page, channel: str) -> None:
    with page.expect_response(lambda response: response.url.endswith("/channels/members/me/view")):
        people.open(page, channel)
    page.locator(".sidebar a[data-channel='town-square']").click()
    expect(page).to_have_url(people.url("town-square"))


def test_opening_a_channel_jumps_to_the_first_unread_message(people: TwoPeople) -> None:
    name = unique("busy-")
    channel = people.channel(name)
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    for i in range(READ_POSTS):
        people.post(channel["id"], f"old {i}")
    member = people.member_page
    read_then_leave(people, member, name)
    member.wait_for_timeout(20)  # the new posts are strictly later than the read mark
    for i in range(UNREAD_POSTS):
        people.post(channel["id"], f"unread {i:02d}")
    link = member.locator(f".sidebar a[data-channel='{name}']")
    expect(link).to_have_class(re.compile(r"\bunread\b"))
    link.click()
    line = member.get_by_test_id("new-messages")
    expect(line).to_be_in_viewport()
    expect(line).to_have_text("New messages")
    # Right after the line: the first message not yet read, on screen.
    first = member.locator("[data-testid=new-messages] + .post [data-testid=message]")
    expect(first).to_have_text("unread 00")
    expect(first).to_be_in_viewport()
    expect(post_by_text(member, f"unread {UNREAD_POSTS - 1:02d}")).not_to_be_in_viewport()
    shot(member, "unread-new-messages-line")
    # Read now: coming back shows no line, and lands on the newest message.
    member.locator(".sidebar a[data-channel='town-square']").click()
    link.click()
    expect(post_by_text(member, f"unread {UNREAD_POSTS - 1:02d}")).to_be_in_viewport()
    expect(line).to_have_count(0)


def test_my_own_messages_do_not_count_as_new(people: TwoPeople) -> None:
    name = unique("mine-")
    channel = people.channel(name)
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    member = people.member_page
    read_then_leave(people, member, name)
    member.wait_for_timeout(20)
    people.post(channel["id"], "my own words", by=people.member)
    people.post(channel["id"], "an answer")
    link = member.locator(f".sidebar a[data-channel='{name}']")
    expect(link).to_have_class(re.compile(r"\bunread\b"))
    link.click()
    expect(member.locator("[data-testid=new-messages] + .post [data-testid=message]")).to_have_text(
        "an answer"
    )


def test_other_teams_with_unread_messages_are_marked(people: TwoPeople, browser: Browser) -> None:
    other = expect_status(
        people.owner.api.post(
            "/teams", {"name": unique("other"), "display_name": "Second Team", "type": "O"}
        ),
        201,
    )
    people.join_team(people.member, other)
    member = people.member_page
    people.open(member, "town-square")
    second = member.locator(f".team-strip a[data-team='{other['name']}']")
    expect(second).to_be_visible()
    expect(second).not_to_have_class(re.compile(r"\bunread\b"))
    town = expect_status(
        people.owner.api.get(f"/teams/{other['id']}/channels/name/town-square"), 200
    )
    people.post(town["id"], "news in the other team")
    expect(second).to_have_class(re.compile(r"\bunread\b"))
    expect(second.get_by_test_id("team-mentions")).to_have_count(0)
    people.post(town["id"], f"@{people.member.username} you are wanted")
    expect(second.get_by_test_id("team-mentions")).to_have_text("1")
    shot(member, "unread-team-strip")
    # A fresh page knows it from the server, not only from live events.
    context = new_context(browser)
    login_cookie(context, people.base, people.member)
    fresh = context.new_page()
    fresh.goto(people.url("town-square"))
    fresh_second = fresh.locator(f".team-strip a[data-team='{other['name']}']")
    expect(fresh_second.get_by_test_id("team-mentions")).to_have_text("1")
    context.close()
    second.click()
    expect(member).to_have_url(f"{people.base}/{other['name']}/channels/town-square")
    expect(post_by_text(member, "you are wanted")).to_be_visible()
    first = member.locator(f".team-strip a[data-team='{people.team_name}']")
    first.click()
    expect(member).to_have_url(people.url("town-square"))
    # The other team has been read: no mark left.
    expect(second).not_to_have_class(re.compile(r"\bunread\b"))
    expect(second.get_by_test_id("team-mentions")).to_have_count(0)


def test_presence_dots_and_setting_my_status(people: TwoPeople, browser: Browser) -> None:
    owner, member = people.owner_page, people.member_page
    people.open(owner, "town-square")
    people.open(member, "town-square")
    town = people.by_name("town-square")
    people.post(town["id"], "anyone around?")
    post = post_by_text(member, "anyone around?")
    # The owner has a page open, so the server counts them online.
    expect(post.locator(".presence")).to_have_attribute("data-status", "online")
    # A direct message in the sidebar carries the other person's dot.
    member.goto(f"{people.base}/{people.team_name}/messages/@{people.owner.username}")
    dm = member.locator(".sidebar section", has_text="Direct messages").locator(
        "a", has_text=people.owner.username
    )
    expect(dm.locator(".presence")).to_have_attribute("data-status", "online")
    # The owner picks "Do not disturb"; the member sees it when opening the members list.
    owner.get_by_role("button", name="Set status").click()
    owner.get_by_role("menuitemradio", name="Do not disturb").click()
    expect(owner.locator(".me .presence")).to_have_attribute("data-status", "dnd")
    people.open(member, "town-square")
    member.get_by_role("button", name="Members", exact=True).click()
    row = member.get_by_role("complementary", name="Members").locator(
        f"li[data-user='{people.owner.username}']"
    )
    expect(row.locator(".presence")).to_have_attribute("data-status", "dnd")
    expect(post.locator(".presence")).to_have_attribute("data-status", "dnd")
    shot(member, "presence-members")
    # My own status changes reach my other pages live (status_change).
    context = new_context(browser)
    login_cookie(context, people.base, people.owner)
    second_tab = context.new_page()
    people.open(second_tab, "town-square")
    expect(second_tab.locator(".me .presence")).to_have_attribute("data-status", "dnd")
    owner.get_by_role("button", name="Set status").click()
    owner.get_by_role("menuitemradio", name="Away").click()
    expect(second_tab.locator(".me .presence")).to_have_attribute("data-status", "away")
    context.close()
    status = expect_status(people.owner.api.get(f"/users/{people.owner.id}/status"), 200)
    assert status["status"] == "away"
    # "Online" hands presence back to the server; with pages open that is online.
    owner.get_by_role("button", name="Set status").click()
    owner.get_by_role("menuitemradio", name="Online").click()
    expect(owner.locator(".me .presence")).to_have_attribute("data-status", "online")


def test_no_uncaught_errors(people: TwoPeople) -> None:
    assert people.errors == []


def test_a_team_icon_replaces_its_initials_live(people: TwoPeople) -> None:
    member = people.member_page
    people.open(member, "town-square")
    strip = member.locator(f".team-strip a[data-team='{people.team_name}']")
    expect(strip.locator("img")).to_have_count(0)
    files = {"image": ("icon.png", png(64, 64), "image/png")}
    answer = people.owner.api.http.post(f"/teams/{people.team['id']}/image", files=files)
    assert answer.status_code == 200, answer.text
    # The member's page hears of it (update_team) and shows the icon, which loads.
    icon = strip.locator("img.team-icon")
    expect(icon).to_have_attribute("src", re.compile(rf"/api/v4/teams/{people.team['id']}/image"))
    member.wait_for_function(
        "img => img.complete && img.naturalWidth === 128", arg=icon.element_handle()
    )
    assert people.errors == []
