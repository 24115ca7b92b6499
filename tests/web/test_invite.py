"""The first admin's invite link in the web client (issue 19.3): on a server closed
for sign-up, the link the operator issues opens the sign-up page, and the account made
there is a system admin; the same page without the link is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.support.client import PASSWORD, Api, unique
from tests.support.client import expect as expect_status
from tests.support.server import admin_url, running_server
from tests.web.browser import new_context

OPERATOR_TOKEN = "invite-operator-" + "i" * 32


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("roost-invite")
    env = {"ROOST_ENABLE_OPEN_SERVER": "false", "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN}
    with running_server(f"sqlite:///{data_dir / 'roost.db'}", data_dir, env) as base:
        yield base


def sign_up_in_the_page(browser: Browser, url: str, username: str) -> str:
    """Fill the sign-up form at ``url``; the page's text once it answered."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    try:
        expect(page).not_to_have_url(url)
        return page.url
    except AssertionError:
        return page.content()
    finally:
        context.close()


def test_the_invite_link_signs_up_the_first_admin(closed_server: str, browser: Browser) -> None:
    operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    tenants = httpx.get(f"{admin_url(closed_server)}/operator/v1/tenants", headers=operator)
    [home] = expect_status(tenants, 200)["tenants"]
    invite = expect_status(
        httpx.post(
            f"{admin_url(closed_server)}/operator/v1/tenants/{home['id']}/admin_invite",
            headers=operator,
        ),
        201,
    )
    assert invite["url"].startswith(f"{closed_server}/signup_user_complete/?t=")

    boss = unique("boss")
    landed = sign_up_in_the_page(browser, invite["url"], boss)
    assert landed == f"{closed_server}/select_team", landed
    login = Api(closed_server).post("/users/login", {"login_id": boss, "password": PASSWORD})
    assert "system_admin" in expect_status(login, 200)["roles"].split()

    # Once the server has its first account, sign-up without an invite is closed. (Before
    # it, a closed server still takes its first account, as Mattermost's does.)
    stranger = unique("stranger")
    sign_up_in_the_page(browser, f"{closed_server}/signup_user_complete", stranger)
    refused = Api(closed_server).post("/users/login", {"login_id": stranger, "password": PASSWORD})
    assert refused.status_code == 401  # no such account was made
