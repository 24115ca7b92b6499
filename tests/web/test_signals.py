"""Unread signals and dead ends in the web client (issue 22): the count in the tab's
title, the badge on the phone layout's menu button, system messages, stale team and
channel links, network errors in words (and gone once the server answers), the in-page
confirmation before a delete, and the direct-message picker."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.imports.fixtures import line, zip_of
from tests.support.client import Api, LoggedIn, unique
from tests.support.client import expect as expect_status
from tests.web.browser import login_cookie, new_context, post_by_text, shot, watch_errors
from tests.web.people import TwoPeople, two_people

PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "signals")
    yield both
    both.close()


def mentions(people: TwoPeople, channel_id: str) -> int:
    path = f"/channels/{channel_id}/members/{people.member.id}"
    return int(expect_status(people.member.api.get(path), 200)["mention_count"])


def test_unread_and_mentions_in_the_tab_title(people: TwoPeople) -> None:
    page = people.member_page
    name = unique("loud")
    channel = people.channel(name, display_name="Loud")
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    people.open(page, "town-square")
    expect(page).to_have_title("Town Square - Signals - Roost")
    people.post(channel["id"], "nothing for you")
    expect(page).to_have_title("* Town Square - Signals - Roost")
    people.post(channel["id"], f"@{people.member.username} look")
    people.post(channel["id"], f"@{people.member.username} look again")
    expect(page).to_have_title("(2) Town Square - Signals - Roost")
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_attribute("data-unread", "mentions")
    expect(icon).to_have_attribute("href", re.compile("dc2626"))
    assert mentions(people, channel["id"]) == 2
    # Opening the channel reads it: the title is plain again, and the server agrees.
    page.locator(f".sidebar a[data-channel='{name}']").click()
    expect(page).to_have_title("Loud - Signals - Roost")
    expect(icon).to_have_attribute("data-unread", "")
    for _ in range(50):
        if mentions(people, channel["id"]) == 0:
            break
        page.wait_for_timeout(100)
    assert mentions(people, channel["id"]) == 0


def test_the_phone_menu_button_carries_a_badge(people: TwoPeople, browser: Browser) -> None:
    context = new_context(browser, PHONE)
    login_cookie(context, people.base, people.member)
    page = context.new_page()
    errors = watch_errors(page)
    name = unique("buzz")
    channel = people.channel(name, display_name="Buzz")
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    people.open(page, "town-square")
    menu = page.get_by_role("button", name="Channels", exact=True)
    expect(menu.get_by_test_id("menu-badge")).to_have_count(0)
    people.post(channel["id"], "plain news")
    expect(menu.get_by_test_id("menu-badge")).to_have_attribute("aria-label", "Unread messages")
    people.post(channel["id"], f"@{people.member.username} phone check")
    expect(menu.get_by_test_id("menu-badge")).to_have_text("1")
    shot(page, "signals-phone-badge")
    menu.click()
    page.locator(f".sidebar a[data-channel='{name}']").click()
    expect(page).to_have_url(people.url(name))
    expect(menu.get_by_test_id("menu-badge")).to_have_count(0)
    assert errors == []
    context.close()


def test_a_system_message_is_shown_as_one(people: TwoPeople) -> None:
    page = people.member_page
    name = unique("turned")
    channel = people.channel(name, display_name="Turned")
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    people.open(page, name)
    expect_status(people.owner.api.put(f"/channels/{channel['id']}/privacy", {"privacy": "P"}), 200)
    shown = page.locator("[data-post-type='system_change_chan_privacy']")
    expect(shown).to_have_text(
        re.compile(r"This channel has been converted to a Private Channel\.$")
    )
    # No author block, no reply or delete buttons: a line about the channel.
    expect(shown.locator("header")).to_have_count(0)
    expect(shown.get_by_role("button")).to_have_count(0)
    posts = expect_status(people.member.api.get(f"/channels/{channel['id']}/posts"), 200)
    types = [posts["posts"][i]["type"] for i in posts["order"]]
    assert "system_change_chan_privacy" in types
    shot(page, "signals-system-message")


def import_history(api: Api, tmp_path: Path, lines: list[bytes]) -> None:
    """Bulk-import lines as mmctl would (upload, then an import_process job)."""
    data = zip_of(tmp_path / "history.zip", lines).read_bytes()
    upload = {"type": "import", "filename": "history.zip", "file_size": len(data)}
    session = expect_status(api.post("/uploads", upload), 201)
    name = expect_status(api.post(f"/uploads/{session['id']}", content=data), 201)["name"]
    job = expect_status(
        api.post("/jobs", {"type": "import_process", "data": {"import_file": name}}), 201
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = expect_status(api.get(f"/jobs/{job['id']}"), 200)
        if status["status"] in ("success", "error"):
            assert status["status"] == "success", status
            return
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def test_system_messages_of_every_kind_are_worded(
    admin: LoggedIn, browser: Browser, tmp_path: Path
) -> None:
    # The server writes only some of these itself; imported history carries them all,
    # with the props Mattermost's server gives them.
    team, ada, bob = unique("sys"), unique("ada"), unique("bob")
    now = int(time.time() * 1000) - 60_000
    kinds: list[tuple[str, str, dict[str, str], str]] = [
        ("system_join_channel", ada, {"username": ada}, f"@{ada} joined the channel."),
        (
            "system_add_to_channel",
            ada,
            {"username": ada, "addedUsername": bob},
            f"@{bob} added to the channel by @{ada}.",
        ),
        (
            "system_header_change",
            ada,
            {"username": ada, "old_header": "old words", "new_header": "new words"},
            f"@{ada} updated the channel header from: old words to: new words",
        ),
        (
            "system_purpose_change",
            ada,
            {"username": ada, "old_purpose": "", "new_purpose": "shipping"},
            f"@{ada} updated the channel purpose to: shipping",
        ),
        (
            "system_displayname_change",
            ada,
            {"username": ada, "old_displayname": "Town", "new_displayname": "Square"},
            f"@{ada} updated the channel display name from: Town to: Square",
        ),
        (
            "system_remove_from_channel",
            ada,
            {"removedUsername": bob},
            f"@{bob} was removed from the channel.",
        ),
        ("system_leave_channel", ada, {"username": ada}, f"@{ada} left the channel."),
    ]
    lines = [
        line("version", 1),
        line("team", {"name": team, "display_name": "Sys", "type": "O"}),
        *[
            line("user", {"username": u, "email": f"{u}@example.com", "teams": [{"name": team}]})
            for u in (ada, bob)
        ],
        *[
            line(
                "post",
                {
                    "team": team,
                    "channel": "town-square",
                    "user": user,
                    "type": kind,
                    "message": "(the server's own words)",
                    "props": props,
                    "create_at": now + i,
                },
            )
            for i, (kind, user, props, _) in enumerate(kinds)
        ],
    ]
    import_history(admin.api, tmp_path, lines)
    team_id = expect_status(admin.api.get(f"/teams/name/{team}"), 200)["id"]
    body = {"team_id": team_id, "user_id": admin.id}
    expect_status(admin.api.post(f"/teams/{team_id}/members", body), 201)
    context = new_context(browser)
    login_cookie(context, admin.api.base, admin)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{admin.api.base}/{team}/channels/town-square")
    for kind, _, _, text in kinds:
        expect(page.locator(f"[data-post-type='{kind}'] [data-testid=message]")).to_have_text(text)
    shot(page, "signals-system-messages")
    assert errors == []
    context.close()


def test_a_stale_channel_link_lands_in_town_square(people: TwoPeople) -> None:
    page = people.member_page
    page.goto(people.url("no-such-channel"))
    expect(page).to_have_url(people.url("town-square"))
    expect(page.get_by_test_id("notice")).to_contain_text(
        'Could not open the channel "no-such-channel": it does not exist'
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    # A private channel they are not in: the same, with its reason.
    secret = unique("secret")
    people.channel(secret, type="P")
    page.goto(people.url(secret))
    expect(page).to_have_url(people.url("town-square"))
    expect(page.get_by_test_id("notice")).to_contain_text(f'"{secret}"')


def test_a_stale_team_link_lands_in_a_team_of_mine(people: TwoPeople) -> None:
    page = people.member_page
    page.goto(f"{people.base}/no-such-team/channels/town-square")
    expect(page).to_have_url(people.url("town-square"))
    expect(page.get_by_test_id("notice")).to_contain_text('There is no team "no-such-team"')
    expect(page.locator(".sidebar .team-name")).to_have_text("Signals")
    shot(page, "signals-stale-team")


def test_a_network_error_is_said_in_words_and_cleared(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")

    def refuse(route: Route) -> None:
        route.abort("internetdisconnected")

    # Requests fail as with no network (the socket, already open, stays up).
    page.route(re.compile(r"/api/v4/"), refuse)
    page.get_by_role("button", name="Favorite", exact=True).click()
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Can't reach the server, retrying…")
    expect(banner).not_to_contain_text("Failed to fetch")
    shot(page, "signals-network-error")
    page.unroute(re.compile(r"/api/v4/"), refuse)
    # The page asks again by itself; once the server answers the banner goes.
    expect(banner).to_have_count(0, timeout=10_000)


def test_deleting_asks_in_the_page(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")
    town = people.by_name("town-square")
    text = unique("delete me")
    post = people.post(town["id"], text, by=people.member)
    mine = post_by_text(page, text)
    mine.hover()
    mine.get_by_role("button", name="Delete").click()
    question = page.get_by_role("alertdialog")
    expect(question).to_contain_text("Delete this message?")
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()
    shot(page, "signals-confirm")
    page.keyboard.press("Escape")
    expect(question).to_have_count(0)
    expect(mine).to_be_visible()
    assert people.member.api.get(f"/posts/{post['id']}").status_code == 200
    mine.hover()
    mine.get_by_role("button", name="Delete").click()
    question.get_by_role("button", name="Delete").click()
    expect(mine).to_have_count(0)
    assert people.member.api.get(f"/posts/{post['id']}").status_code == 404


def test_the_direct_message_picker(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")
    page.get_by_role("button", name="New message").click()
    find = page.get_by_label("Find people")
    expect(find).to_be_focused()
    find.fill("zz-nobody-by-this-name")
    expect(page.get_by_test_id("no-match")).to_have_text("No one matches.")
    find.fill(people.owner.username)
    expect(page.locator(".choices li", has_text=people.owner.username)).to_be_visible()
    page.keyboard.press("Escape")


def test_no_uncaught_errors(people: TwoPeople) -> None:
    assert people.errors == []
