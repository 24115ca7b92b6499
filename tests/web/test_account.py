"""Account settings in the web client (issue 22): password, profile picture, names and
position, theme, clock and time zone, each done in the page and checked through the API
(and, where it shows, in the page after a reload)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.support.client import PASSWORD, Api, LoggedIn, create_user
from tests.support.client import expect as expect_status
from tests.web.browser import confirm, login_cookie, new_context, shot, watch_errors
from tests.web.people import TwoPeople, two_people

NEW_PASSWORD = "Quite-new-passw0rd!"


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "account")
    yield both
    both.close()


def settings(page: Page, tab: str) -> Locator:
    page.get_by_role("button", name="Settings").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("tab", name=tab).click()
    expect(dialog.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
    return dialog


def own_page(people: TwoPeople, browser: Browser, user: LoggedIn) -> tuple[BrowserContext, Page]:
    """A signed-in page of a user of the test's own, in the fixture's team."""
    people.join_team(user)
    context = new_context(browser)
    login_cookie(context, people.base, user)
    page = context.new_page()
    people.open(page, "town-square")
    return context, page


def png(colour: tuple[int, int, int], size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


def centre(image: bytes) -> tuple[int, ...]:
    with Image.open(io.BytesIO(image)) as decoded:
        rgb = decoded.convert("RGB")
        return tuple(rgb.getpixel((rgb.width // 2, rgb.height // 2)))  # type: ignore[arg-type]


def test_changing_the_password(people: TwoPeople, browser: Browser) -> None:
    user = create_user(people.base)
    context, page = own_page(people, browser, user)
    errors = watch_errors(page)
    dialog = settings(page, "Security")
    form = dialog.get_by_role("form", name="Password")
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("Confirm new password").fill(NEW_PASSWORD + "x")
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_role("alert")).to_have_text("The new passwords do not match.")
    # A wrong current password: the server's refusal, in its words.
    form.get_by_label("Current password").fill("not-my-password")
    form.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_role("alert")).to_be_visible()
    expect(form.get_by_role("alert")).not_to_have_text("")
    assert user.api.get("/users/me").status_code == 200  # nothing changed yet
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Change password").click()
    expect(form.get_by_role("status")).to_have_text("Password changed.")
    shot(page, "account-password")
    anon = Api(people.base)
    new_login = {"login_id": user.username, "password": NEW_PASSWORD}
    assert anon.post("/users/login", new_login).status_code == 200
    old_login = {"login_id": user.username, "password": PASSWORD}
    assert anon.post("/users/login", old_login).status_code == 401
    # As Mattermost: the other sessions ended, the page's own goes on.
    assert user.api.get("/users/me").status_code == 401
    page.keyboard.press("Escape")
    page.reload()
    expect(page.locator(".channel-header h2")).to_be_visible()
    assert errors == []
    context.close()


def test_profile_picture_upload_and_removal(people: TwoPeople, browser: Browser) -> None:
    user = create_user(people.base)
    context, page = own_page(people, browser, user)
    errors = watch_errors(page)
    dialog = settings(page, "Profile")
    section = dialog.get_by_role("region", name="Profile picture")
    picker = section.get_by_label("Upload a picture")
    # Not an image by its type: refused in the page, nothing sent.
    picker.set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"})
    expect(section.get_by_role("alert")).to_have_text("Choose a PNG, JPEG or GIF image.")
    # Called a PNG but not one: the server refuses it, and says so.
    picker.set_input_files({"name": "fake.png", "mimeType": "image/png", "buffer": b"not a png"})
    expect(section.get_by_role("alert")).not_to_have_text("Choose a PNG, JPEG or GIF image.")
    expect(section.get_by_role("alert")).to_be_visible()
    assert expect_status(people.owner.api.get(f"/users/{user.id}"), 200)["last_picture_update"] in (
        0,
        None,
    )
    picker.set_input_files({"name": "red.png", "mimeType": "image/png", "buffer": png((220, 0, 0))})
    expect(section.get_by_role("button", name="Remove picture")).to_be_visible()
    profile = expect_status(people.owner.api.get(f"/users/{user.id}"), 200)
    assert profile["last_picture_update"] > 0
    image = expect_status(people.owner.api.get(f"/users/{user.id}/image"), 200)
    red, green, blue = centre(image)[:3]
    assert red > 180 and green < 60 and blue < 60, centre(image)
    # The page shows the new picture (its URL names the update, so no stale cache).
    expect(section.get_by_test_id("my-picture")).to_have_attribute(
        "src", f"/api/v4/users/{user.id}/image?_={profile['last_picture_update']}"
    )
    shot(page, "account-picture")
    section.get_by_role("button", name="Remove picture").click()
    confirm(page, "Remove")
    expect(section.get_by_role("button", name="Remove picture")).to_have_count(0)
    after = expect_status(people.owner.api.get(f"/users/{user.id}/image"), 200)
    assert centre(after)[:3] != centre(image)[:3]  # the generated initials again
    assert errors == []
    context.close()


def test_names_and_position(people: TwoPeople, browser: Browser) -> None:
    user = create_user(people.base)
    context, page = own_page(people, browser, user)
    dialog = settings(page, "Profile")
    dialog.get_by_label("First name").fill("Ada")
    dialog.get_by_label("Last name").fill("Lovelace")
    dialog.get_by_label("Position").fill("Analyst")
    dialog.get_by_role("button", name="Save profile").click()
    expect(dialog.get_by_role("form", name="Profile").get_by_role("status")).to_have_text("Saved.")
    me = expect_status(user.api.get("/users/me"), 200)
    assert (me["first_name"], me["last_name"], me["position"]) == ("Ada", "Lovelace", "Analyst")
    # Too long for the server: its refusal is shown, nothing is lost.
    dialog.get_by_label("Position").evaluate("(el) => el.removeAttribute('maxlength')")
    dialog.get_by_label("Position").fill("x" * 200)
    dialog.get_by_role("button", name="Save profile").click()
    expect(dialog.get_by_role("form", name="Profile").get_by_role("alert")).to_be_visible()
    assert expect_status(user.api.get("/users/me"), 200)["position"] == "Analyst"
    context.close()


def test_theme_clock_and_time_zone(people: TwoPeople, browser: Browser) -> None:
    user = create_user(people.base)
    context, page = own_page(people, browser, user)
    errors = watch_errors(page)
    dialog = settings(page, "Display")
    dialog.get_by_role("radio", name="Dark").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(dialog.get_by_role("status")).to_have_text("Theme saved.")
    prefs = expect_status(user.api.get("/users/me/preferences/theme"), 200)
    theme = next(p for p in prefs if p["name"] == "")
    assert '"type":"Onyx"' in theme["value"].replace(" ", "")
    dialog.get_by_role("radio", name=re.compile("24-hour")).check()
    expect(dialog.get_by_role("status")).to_have_text("Clock saved.")
    clock = expect_status(user.api.get("/users/me/preferences/display_settings"), 200)
    assert next(p for p in clock if p["name"] == "use_military_time")["value"] == "true"
    dialog.get_by_role("checkbox", name=re.compile("Automatic")).uncheck()
    dialog.get_by_label("Time zone", exact=True).select_option("Asia/Tokyo")
    expect(dialog.get_by_role("status")).to_have_text("Time zone saved.")
    timezone = expect_status(user.api.get("/users/me"), 200)["timezone"]
    assert (timezone["useAutomaticTimezone"], timezone["manualTimezone"]) == ("false", "Asia/Tokyo")
    shot(page, "account-display-dark")

    # After a reload: still dark, and a post's time in Tokyo on a 24-hour clock.
    town = people.by_name("town-square")
    post = people.post(town["id"], "what time is it in Tokyo")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    shown = page.locator(f"[data-post-id='{post['id']}'] time").first
    tokyo = datetime.fromtimestamp(post["create_at"] / 1000, UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    expect(shown).to_have_text(tokyo.strftime("%H:%M"))
    shot(page, "account-dark-channel")

    # Back to light from the page; the theme follows in another tab, live.
    other = context.new_page()
    people.open(other, "town-square")
    expect(other.locator("html")).to_have_attribute("data-theme", "dark")
    settings(page, "Display").get_by_role("radio", name="Light").check()
    expect(other.locator("html")).to_have_attribute("data-theme", "light")
    assert errors == []
    context.close()


def test_settings_on_a_phone(people: TwoPeople, browser: Browser) -> None:
    context = new_context(browser, {"width": 375, "height": 812})
    login_cookie(context, people.base, people.member)
    page = context.new_page()
    people.open(page, "town-square")
    page.get_by_role("button", name="Channels", exact=True).click()
    dialog = settings(page, "Notifications")
    expect(dialog.get_by_role("button", name="Save notification preferences")).to_be_visible()
    shot(page, "account-phone-notifications")
    context.close()


def test_join_and_leave_messages_can_be_hidden(people: TwoPeople, browser: Browser) -> None:
    user, newcomer = create_user(people.base), create_user(people.base)
    people.join_team(newcomer)
    context, page = own_page(people, browser, user)
    errors = watch_errors(page)
    channel = people.channel(f"joins-{user.username[-8:]}")
    members = f"/channels/{channel['id']}/members"
    expect_status(people.owner.api.post(members, {"user_id": user.id}), 201)
    expect_status(people.owner.api.post(members, {"user_id": newcomer.id}), 201)
    people.open(page, channel["name"])
    theirs = page.locator("[data-testid=post]", has_text=f"@{newcomer.username} added")
    mine = page.locator("[data-testid=post]", has_text=f"@{user.username} added")
    expect(theirs).to_be_visible()
    expect(mine).to_be_visible()

    dialog = settings(page, "Display")
    dialog.get_by_role("radio", name="Hidden").check()
    expect(dialog.get_by_role("status")).to_have_text("Join/Leave messages saved.")
    advanced = expect_status(user.api.get("/users/me/preferences/advanced_settings"), 200)
    assert next(p for p in advanced if p["name"] == "join_leave")["value"] == "false"
    page.keyboard.press("Escape")
    # Others' joins go; the ones about me stay (as in Mattermost's web app), after a
    # reload too.
    expect(theirs).to_have_count(0)
    expect(mine).to_be_visible()
    page.reload()
    expect(mine).to_be_visible()
    expect(theirs).to_have_count(0)

    settings(page, "Display").get_by_role("radio", name="Shown").check()
    page.keyboard.press("Escape")
    expect(theirs).to_be_visible()
    assert errors == []
    context.close()
