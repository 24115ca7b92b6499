"""Managing channels from the web client: inviting people (to private channels
especially), the members list, leaving, renaming and editing, archiving, and the
server's refusals shown to the person."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.client import create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import shot
from tests.web.people import TwoPeople, two_people


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "manage")
    yield both
    both.close()


def channel_action(page: Page, name: str) -> None:
    page.get_by_role("button", name="Channel actions").click()
    page.get_by_role("menuitem", name=name).click()


def add_person(page: Page, username: str) -> None:
    channel_action(page, "Add people")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Find people to add").fill(username)
    dialog.locator(".choices li", has_text=username).click()
    expect(dialog.locator(".chip", has_text=username)).to_be_visible()
    dialog.get_by_role("button", name="Add", exact=True).click()


def test_invite_to_a_private_channel_then_list_and_remove_members(people: TwoPeople) -> None:
    name = unique("secret-")
    people.channel(name, type="P", display_name="Secret Plans")
    owner, member = people.owner_page, people.member_page
    people.open(member, "town-square")
    people.open(owner, name)
    expect(owner.locator(".channel-header h2")).to_have_text("🔒 Secret Plans")
    add_person(owner, people.member.username)
    expect(owner.get_by_role("dialog")).to_have_count(0)
    # The invited person sees the channel arrive in their sidebar, live.
    invited = member.locator(f".sidebar a[data-channel='{name}']")
    expect(invited).to_be_visible()
    owner.get_by_role("button", name="Members", exact=True).click()
    panel = owner.get_by_role("complementary", name="Members")
    expect(panel.locator(".member-list li")).to_have_count(2)
    expect(panel.locator(f"li[data-user='{people.member.username}']")).to_be_visible()
    expect(panel.locator(f"li[data-user='{people.owner.username}']")).to_contain_text("(you)")
    shot(owner, "manage-members-panel")
    invited.click()
    expect(member).to_have_url(people.url(name))
    # Removed while looking at it: the page says so and moves to Town Square.
    panel.get_by_role("button", name=f"Remove {people.member.username}").click()
    expect(panel.locator(".member-list li")).to_have_count(1)
    expect(member.get_by_test_id("notice")).to_have_text(
        re.compile("You were removed from Secret Plans")
    )
    expect(member).to_have_url(people.url("town-square"))
    expect(invited).to_have_count(0)


def test_a_refusal_from_the_server_is_shown_in_the_dialog(people: TwoPeople) -> None:
    name = unique("refuse-")
    people.channel(name, type="P")
    carol = create_user(people.base, username=unique("carol"))
    people.join_team(carol)
    owner = people.owner_page
    people.open(owner, name)
    channel_action(owner, "Add people")
    dialog = owner.get_by_role("dialog")
    dialog.get_by_label("Find people to add").fill(carol.username)
    dialog.locator(".choices li", has_text=carol.username).click()
    # Carol leaves the team before the owner presses Add: the server refuses.
    expect_status(people.owner.api.delete(f"/teams/{people.team['id']}/members/{carol.id}"), 200)
    dialog.get_by_role("button", name="Add", exact=True).click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "The user is not a member of the channel's team."
    )
    shot(owner, "manage-refused")
    dialog.get_by_role("button", name="Cancel").click()
    expect(owner.get_by_role("dialog")).to_have_count(0)


def test_rename_and_edit_header_and_purpose(people: TwoPeople) -> None:
    name = unique("plain-")
    people.channel(name)
    expect_status(
        people.member.api.post(
            f"/channels/{people.by_name(name)['id']}/members", {"user_id": people.member.id}
        ),
        201,
    )
    owner, member = people.owner_page, people.member_page
    people.open(member, name)
    people.open(owner, name)
    channel_action(owner, "Edit channel")
    dialog = owner.get_by_role("dialog")
    # A URL another channel has: the server's answer stays in the dialog.
    dialog.get_by_label("URL").fill("off-topic")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("already exists")
    new_name = unique("renamed-")
    dialog.get_by_label("Name").fill("Renamed Room")
    dialog.get_by_label("URL").fill(new_name)
    dialog.get_by_label("Purpose").fill("where renaming happens")
    dialog.get_by_label("Header").fill("**Read** the docs")
    dialog.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("dialog")).to_have_count(0)
    expect(owner).to_have_url(people.url(new_name))
    expect(owner.locator(".channel-header h2")).to_have_text("# Renamed Room")
    # The header is markdown, rendered as messages are.
    expect(owner.get_by_test_id("channel-header-text")).to_have_text("Read the docs")
    expect(owner.get_by_test_id("channel-header-text").locator("strong")).to_have_text("Read")
    # The other member sees the new name and header live, and their address bar follows.
    expect(member.locator(".channel-header h2")).to_have_text("# Renamed Room")
    expect(member).to_have_url(people.url(new_name))
    expect(member.get_by_test_id("channel-header-text")).to_have_text("Read the docs")
    expect(member.locator(f".sidebar a[data-channel='{new_name}']")).to_have_text(
        re.compile("Renamed Room")
    )
    shot(owner, "manage-renamed")
    channel = people.by_name(new_name)
    assert (channel["display_name"], channel["purpose"]) == (
        "Renamed Room",
        "where renaming happens",
    )


def test_leave_a_channel(people: TwoPeople) -> None:
    name = unique("leave-")
    channel = people.channel(name)
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    member = people.member_page
    people.open(member, name)
    channel_action(member, "Leave channel")
    expect(member).to_have_url(people.url("town-square"))
    expect(member.locator(f".sidebar a[data-channel='{name}']")).to_have_count(0)
    expect_status(
        people.member.api.get(f"/channels/{channel['id']}/members/{people.member.id}"), 404
    )
    # Town Square cannot be left, so the menu does not offer it.
    member.get_by_role("button", name="Channel actions").click()
    expect(member.get_by_role("menuitem", name="Leave channel")).to_have_count(0)
    expect(member.get_by_role("menuitem", name="Archive channel")).to_have_count(0)
    member.keyboard.press("Escape")


def test_archive_a_channel_moves_everyone_out(people: TwoPeople) -> None:
    name = unique("archive-")
    channel = people.channel(name, display_name="Old Stuff")
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    owner, member = people.owner_page, people.member_page
    people.open(member, name)
    people.open(owner, name)
    owner.once("dialog", lambda dialog: dialog.accept())
    channel_action(owner, "Archive channel")
    for page in (owner, member):
        expect(page).to_have_url(people.url("town-square"))
        expect(page.locator(f".sidebar a[data-channel='{name}']")).to_have_count(0)
    expect(member.get_by_test_id("notice")).to_have_text(re.compile("Old Stuff was archived"))
    archived = expect_status(people.owner.api.get(f"/channels/{channel['id']}"), 200)
    assert archived["delete_at"] > 0


def test_no_uncaught_errors(people: TwoPeople) -> None:
    assert people.errors == []
