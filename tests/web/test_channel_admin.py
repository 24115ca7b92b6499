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
from tests.web.browser import confirm, shot
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
    channel_action(owner, "Archive channel")
    confirm(owner, "Archive")
    for page in (owner, member):
        expect(page).to_have_url(people.url("town-square"))
        expect(page.locator(f".sidebar a[data-channel='{name}']")).to_have_count(0)
    expect(member.get_by_test_id("notice")).to_have_text(re.compile("Old Stuff was archived"))
    archived = expect_status(people.owner.api.get(f"/channels/{channel['id']}"), 200)
    assert archived["delete_at"] > 0


def test_an_archived_channel_is_found_and_restored_from_the_browser(people: TwoPeople) -> None:
    name = unique("restore-")
    channel = people.channel(name, display_name="Back Again")
    members = f"/channels/{channel['id']}/members"
    expect_status(people.member.api.post(members, {"user_id": people.member.id}), 201)
    expect_status(people.owner.api.delete(f"/channels/{channel['id']}"), 200)
    owner, member = people.owner_page, people.member_page
    people.open(member, "town-square")
    people.open(owner, "town-square")
    expect(member.locator(f".sidebar a[data-channel='{name}']")).to_have_count(0)

    # A member sees it among the archived channels, without a way to restore it.
    member.get_by_role("button", name="Add channel").first.click()
    member.get_by_label("Channels to show").select_option("archived")
    row = member.get_by_role("list", name="Archived channels").locator(f"li[data-channel='{name}']")
    expect(row).to_contain_text("Back Again")
    expect(row.get_by_role("button", name="Restore")).to_have_count(0)
    member.keyboard.press("Escape")

    # The team's admin restores it; it is back in the member's sidebar, live.
    owner.get_by_role("button", name="Add channel").first.click()
    owner.get_by_label("Channels to show").select_option("archived")
    listed = owner.get_by_role("list", name="Archived channels")
    listed.locator(f"li[data-channel='{name}']").get_by_role("button", name="Restore").click()
    expect(listed.locator(f"li[data-channel='{name}']")).to_have_count(0)
    owner.keyboard.press("Escape")
    expect(member.locator(f".sidebar a[data-channel='{name}']")).to_be_visible()
    assert expect_status(people.owner.api.get(f"/channels/{channel['id']}"), 200)["delete_at"] == 0
    shot(owner, "channel-restored")


def test_a_channel_is_made_private_and_public_again(people: TwoPeople) -> None:
    name = unique("convert-")
    channel = people.channel(name, display_name="Plans")
    members = f"/channels/{channel['id']}/members"
    expect_status(people.member.api.post(members, {"user_id": people.member.id}), 201)
    owner, member = people.owner_page, people.member_page
    people.open(owner, name)
    people.open(member, name)
    expect(member.locator(".channel-header h2")).to_have_text("# Plans")
    channel_action(owner, "Convert to private channel")
    confirm(owner, "Make private")
    # Both see it private at once (the member through channel_updated).
    for page in (owner, member):
        expect(page.locator(".channel-header h2")).to_have_text("🔒 Plans")
    assert expect_status(people.owner.api.get(f"/channels/{channel['id']}"), 200)["type"] == "P"
    channel_action(owner, "Convert to public channel")
    confirm(owner, "Make public")
    expect(member.locator(".channel-header h2")).to_have_text("# Plans")
    assert expect_status(people.owner.api.get(f"/channels/{channel['id']}"), 200)["type"] == "O"


def test_bookmarks_are_added_seen_live_and_removed(people: TwoPeople) -> None:
    name = unique("marks-")
    channel = people.channel(name, display_name="Marks")
    members = f"/channels/{channel['id']}/members"
    expect_status(people.member.api.post(members, {"user_id": people.member.id}), 201)
    owner, member = people.owner_page, people.member_page
    people.open(owner, name)
    people.open(member, name)
    expect(member.get_by_role("navigation", name="Bookmarks")).to_have_count(0)

    channel_action(owner, "Add a bookmark")
    form = owner.get_by_role("form", name="Add a bookmark")
    # A script link is the server's to refuse; its words show in the dialog.
    form.get_by_label("Link").fill("javascript:alert(1)")
    form.get_by_label("Title").fill("Bad")
    form.get_by_role("button", name="Add").click()
    expect(form.get_by_role("alert")).to_be_visible()
    form.get_by_label("Link").fill("https://example.com/handbook")
    form.get_by_label("Title").fill("Handbook")
    form.get_by_role("button", name="Add").click()
    expect(form).to_have_count(0)
    for page in (owner, member):
        link = page.get_by_role("navigation", name="Bookmarks").get_by_role("link", name="Handbook")
        expect(link).to_have_attribute("href", "https://example.com/handbook")
        expect(link).to_have_attribute("target", "_blank")
    stored = expect_status(people.owner.api.get(f"/channels/{channel['id']}/bookmarks"), 200)
    assert [b["display_name"] for b in stored] == ["Handbook"]

    member.get_by_role("button", name="Remove bookmark Handbook").click()
    for page in (owner, member):
        expect(page.get_by_role("navigation", name="Bookmarks")).to_have_count(0)
    shot(owner, "bookmarks")


def test_no_uncaught_errors(people: TwoPeople) -> None:
    assert people.errors == []
