"""Settings' security sections: the sessions list (this browser marked, another session
revoked) and setting up MFA with the QR code and an authenticator's code."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from tests.support.client import PASSWORD, Api, create_user, unique
from tests.support.client import expect as expect_status
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import fill_login, login_cookie, login_ui, new_context, shot, watch_errors
from tests.web.people import TwoPeople, two_people


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "sessions")
    yield both
    both.close()


def test_sessions_are_listed_and_another_one_revoked(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("tab", name="Security").click()
    section = page.get_by_role("dialog").get_by_role("region", name="Sessions")
    items = section.locator("li")
    # The browser's session and the API client's (the test's own login).
    expect(items).to_have_count(2)
    mine = items.filter(has_text="(this browser)")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Chrome")
    other = items.filter(has_text="API client")
    expect(other).to_have_count(1)
    expect(other).to_contain_text("Last active")
    shot(page, "sessions")
    assert people.member.api.get("/users/me").status_code == 200
    other.get_by_role("button", name="Revoke").click()
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("(this browser)")
    # The revoked session is over; the browser's goes on.
    assert people.member.api.get("/users/me").status_code == 401
    page.keyboard.press("Escape")
    expect(page.locator(".dot.on")).to_be_visible()
    assert not people.errors


@pytest.fixture(scope="module")
def mfa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("web-mfa")
    env = {"ROOST_ENABLE_MULTIFACTOR_AUTHENTICATION": "true"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base)  # the first user, the admin
        yield base


def test_setting_up_mfa_with_the_qr_code(mfa_server: str, browser: Browser) -> None:
    user = create_user(mfa_server)
    name = unique("secure")
    team = expect_status(
        user.api.post("/teams", {"name": name, "display_name": "MFA", "type": "O"}), 201
    )
    context = new_context(browser)
    errors = watch_errors(context.new_page())
    login_cookie(context, mfa_server, user)
    page = context.pages[0]
    page.goto(f"{mfa_server}/{team['name']}/channels/town-square")
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("tab", name="Security").click()
    section = page.get_by_role("dialog").get_by_role("region", name="Multi-factor authentication")
    section.get_by_role("button", name="Set up").click()
    expect(section.get_by_role("img", name="MFA QR code")).to_be_visible()
    secret = section.locator("[data-mfa-secret]").inner_text().strip()
    shot(page, "mfa-setup")
    section.get_by_label("Code").fill(
        "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    section.get_by_role("button", name="Activate").click()
    expect(section.get_by_role("alert")).to_be_visible()  # a wrong code is refused
    section.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    section.get_by_role("button", name="Activate").click()
    expect(section).to_contain_text("On:")
    me = expect_status(user.api.get("/users/me"), 200)
    assert me["mfa_active"] is True
    # Logging in now takes a code.
    body = {"login_id": user.username, "password": PASSWORD}
    r = Api(mfa_server).post("/users/login", body)
    assert expect_status(r, 400)["id"] == "mfa.validate_token.authenticate.app_error"
    code = pyotp.TOTP(secret).at(time.time() + 30)
    expect_status(Api(mfa_server).post("/users/login", {**body, "token": code}), 200)
    assert not errors
    context.close()


@pytest.fixture(scope="module")
def enforced_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("web-mfa-enforced")
    env = {
        "ROOST_ENABLE_MULTIFACTOR_AUTHENTICATION": "true",
        "ROOST_ENFORCE_MULTIFACTOR_AUTHENTICATION": "true",
    }
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base)  # the first user, the admin
        yield base


def test_enforced_mfa_set_up_then_login_with_a_code(enforced_server: str, browser: Browser) -> None:
    user = create_user(enforced_server)
    context = new_context(browser)
    page = context.new_page()
    errors = watch_errors(page)
    login_ui(page, enforced_server, user)
    # Nothing but the set-up page until MFA is on.
    expect(page.get_by_role("heading", name="Set up multi-factor authentication")).to_be_visible()
    section = page.get_by_role("region", name="Multi-factor authentication")
    section.get_by_role("button", name="Set up").click()
    secret = section.locator("[data-mfa-secret]").inner_text().strip()
    section.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    section.get_by_role("button", name="Activate").click()
    # The page starts over into the app (the user has no team yet).
    expect(page.get_by_role("heading", name="Set up multi-factor authentication")).to_have_count(0)
    expect(page.get_by_text("Log out")).to_be_visible()
    shot(page, "mfa-enforced-done")
    page.get_by_text("Log out").click()
    # Logging in again asks for the code, then takes it.
    fill_login(page, user.username)
    code_box = page.get_by_label("MFA code")
    expect(code_box).to_be_visible()
    code_box.fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    expect(code_box).to_have_count(0)
    expect(page.get_by_text("Log out")).to_be_visible()
    assert not errors
    context.close()
