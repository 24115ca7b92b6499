"""Notification preferences in the web client (issues 21 and 22): the account's
(desktop, push, email and its batching, mention words, replies, do not disturb) and a
channel's (mute, @channel, levels), set in the page and read back through the API as
Mattermost's apps would read them; a muted channel leaves the tab's title alone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.client import LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import login_cookie, new_context, shot, watch_errors
from tests.web.people import TwoPeople, two_people
from tests.web.test_threads_files import NOTIFICATION_SPY


@pytest.fixture(scope="module")
def batching_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Email batching on: the page then offers the digest intervals.
    data_dir: Path = tmp_path_factory.mktemp("web-notify-prefs")
    env = {"ROOST_ENABLE_EMAIL_BATCHING": "true"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base)  # the first user, the admin
        yield base


@pytest.fixture(scope="module")
def people(batching_server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(batching_server, browser, "notify")
    yield both
    both.close()


def own_page(
    people: TwoPeople, browser: Browser, user: LoggedIn, spy: bool = False
) -> tuple[BrowserContext, Page]:
    people.join_team(user)
    context = new_context(browser)
    if spy:
        # Headless Chromium shows no notifications: record them instead.
        context.grant_permissions(["notifications"], origin=people.base)
        context.add_init_script(NOTIFICATION_SPY)
    login_cookie(context, people.base, user)
    page = context.new_page()
    people.open(page, "town-square")
    return context, page


def test_account_notification_preferences(people: TwoPeople, browser: Browser) -> None:
    user = create_user(people.base, first_name="Grace")
    context, page = own_page(people, browser, user, spy=True)
    errors = watch_errors(page)
    page.get_by_role("button", name="Settings").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("tab", name="Notifications").click()
    dialog.get_by_role("button", name="Turn on").click()
    expect(dialog.get_by_role("button", name="Turn off")).to_be_visible()
    form = dialog.get_by_role("form", name="Notification preferences")
    form.get_by_role("group", name="Desktop notifications for").get_by_label(
        "All new messages"
    ).check()
    form.get_by_role("group", name="Mobile push notifications for").get_by_label("Nothing").check()
    form.get_by_role("group", name="Send push notifications when I am").get_by_label(
        "Offline", exact=True
    ).check()
    form.get_by_role("group", name="Email notifications").get_by_label("Every hour").check()
    form.get_by_role("checkbox", name=re.compile("My first name")).check()
    form.get_by_role("checkbox", name=re.compile("Channel-wide mentions")).uncheck()
    form.get_by_label("Other words, separated by commas").fill("deploy, release ,deploy")
    form.get_by_role("group", name="Replies").get_by_label(re.compile("Any reply")).check()
    form.get_by_role("button", name="Save notification preferences").click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    shot(page, "account-notifications")
    props = expect_status(user.api.get("/users/me"), 200)["notify_props"]
    assert {
        "desktop": props["desktop"],
        "push": props["push"],
        "push_status": props["push_status"],
        "email": props["email"],
        "first_name": props["first_name"],
        "channel": props["channel"],
        "mention_keys": props["mention_keys"],
        "comments": props["comments"],
    } == {
        "desktop": "all",
        "push": "none",
        "push_status": "offline",
        "email": "true",
        "first_name": "true",
        "channel": "false",
        "mention_keys": "deploy,release",
        "comments": "any",
    }
    interval = expect_status(
        user.api.get("/users/me/preferences/notifications/name/email_interval"), 200
    )
    assert interval["value"] == "3600"
    # Desktop for all new messages: a plain message elsewhere notifies now.
    off_topic = people.by_name("off-topic")
    people.post(off_topic["id"], "no mention in here")
    page.wait_for_function("window.__shown.length > 0")
    assert page.evaluate("window.__shown.map((n) => n.body)") == ["no mention in here"]

    # Email off entirely: the notify prop, as Mattermost's apps set it.
    form.get_by_role("group", name="Email notifications").get_by_label("Never").check()
    form.get_by_role("button", name="Save notification preferences").click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    assert expect_status(user.api.get("/users/me"), 200)["notify_props"]["email"] == "false"

    # A mention word set here makes a mention on the server (in a channel the page is
    # not looking at, which would read it).
    people.post(off_topic["id"], "the release is out")
    path = f"/channels/{off_topic['id']}/members/{user.id}"
    assert expect_status(user.api.get(path), 200)["mention_count"] == 1

    # Do not disturb for an hour: my status, with its end.
    dnd = dialog.get_by_role("region", name="Do not disturb")
    dnd.get_by_role("button", name="1 hour").click()
    expect(dnd).to_contain_text("On: notifications are held back.")
    status = expect_status(user.api.get(f"/users/{user.id}/status"), 200)
    assert status["status"] == "dnd"
    assert 3500 < status["dnd_end_time"] - time.time() <= 3600
    # In do not disturb the page holds its notifications back.
    before = page.evaluate("window.__shown.length")
    people.post(off_topic["id"], "held back")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__shown.map((n) => n.body)")[before:] == []
    assert errors == []
    context.close()


def test_a_channel_muted_in_the_page(people: TwoPeople, browser: Browser) -> None:
    user = create_user(people.base)
    name = unique("quiet")
    channel = people.channel(name, display_name="Quiet")
    context, page = own_page(people, browser, user)
    expect_status(user.api.post(f"/channels/{channel['id']}/members", {"user_id": user.id}), 201)
    people.open(page, name)
    page.get_by_role("button", name="Channel actions").click()
    page.get_by_role("menuitem", name="Notification preferences").click()
    form = page.get_by_role("form", name="Channel notification preferences")
    expect(form).to_contain_text("Notifications for Quiet")
    form.get_by_role("checkbox", name=re.compile("Mute the channel")).check()
    form.get_by_role("checkbox", name=re.compile("Ignore @channel")).check()
    form.get_by_role("group", name="Desktop notifications").get_by_label("Nothing").check()
    form.get_by_role("group", name="Email notifications").get_by_label("Off", exact=True).check()
    shot(page, "channel-notifications")
    form.get_by_role("button", name="Save").click()
    expect(form).to_have_count(0)
    member = expect_status(user.api.get(f"/channels/{channel['id']}/members/{user.id}"), 200)
    props = member["notify_props"]
    assert (props["mark_unread"], props["ignore_channel_mentions"]) == ("mention", "on")
    assert (props["desktop"], props["email"], props["push"]) == ("none", "none", "default")

    # Muted: a new message there leaves the tab's title unmarked; a mention still counts.
    # (Off-Topic's history from the other test is read first: only Quiet is in play.)
    off_topic = people.by_name("off-topic")
    view = {"channel_id": off_topic["id"]}
    expect_status(user.api.post("/channels/members/me/view", view), 200)
    people.open(page, "town-square")
    expect(page).to_have_title(re.compile(r"^Town Square - "))
    people.post(channel["id"], "chatter nobody needs")
    page.wait_for_timeout(500)
    expect(page).to_have_title(re.compile(r"^Town Square - "))
    # In the sidebar: dimmed, and not bold for the new message.
    item = page.locator(f".sidebar a[data-channel='{name}']")
    expect(item).to_have_class(re.compile("muted-channel"))
    expect(item).not_to_have_class(re.compile(r"\bunread\b"))
    people.post(channel["id"], f"@{user.username} but this one")
    expect(page).to_have_title(re.compile(r"^\(1\) Town Square - "))

    # The dialog shows what is set, and unmuting is saved the same way.
    people.open(page, name)
    page.get_by_role("button", name="Channel actions").click()
    page.get_by_role("menuitem", name="Notification preferences").click()
    form.get_by_role("checkbox", name=re.compile("Mute the channel")).uncheck()
    form.get_by_role("button", name="Save").click()
    expect(form).to_have_count(0)
    member = expect_status(user.api.get(f"/channels/{channel['id']}/members/{user.id}"), 200)
    assert member["notify_props"]["mark_unread"] == "all"
    context.close()
