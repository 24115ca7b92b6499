"""The System Console (issue 24): an admin's setting change in force through the API,
read-only settings and the server's refusals shown, non-admins kept out, and users
managed from the console (create, deactivate and reactivate, roles, password, tokens)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.support.client import PASSWORD, Api, LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import login_cookie, new_context, shot, watch_errors

NEW_PASSWORD = "An0ther-secret!"


def open_console(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/admin_console/{path}")
    expect(page.get_by_role("navigation", name="System Console")).to_be_visible()


def test_an_admin_changes_a_setting_and_it_is_in_force(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    before = expect_status(admin.api.get("/config"), 200)["TeamSettings"]["SiteName"]
    name = f"Console {unique('')[:6]}"
    page = admin_page
    open_console(page, server, "settings/site")
    expect(page.get_by_role("heading", name="Site", exact=True)).to_be_visible()
    field = page.get_by_label("Site Name", exact=True)
    expect(field).to_have_value(before)
    try:
        # Too long: Mattermost's refusal, in its words, and nothing changed.
        field.fill("x" * 31)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("alert")).to_contain_text("Invalid value for TeamSettings.SiteName")
        assert expect_status(Api(server).get("/config/client"), 200)["SiteName"] == before
        field.fill(name)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".console-note")).to_have_text("Saved 1 setting.")
        expect(page.get_by_role("button", name="Save")).to_be_disabled()
        shot(page, "console-settings")
        # In force: the client configuration everyone reads says so at once.
        assert expect_status(Api(server).get("/config/client"), 200)["SiteName"] == name
        assert expect_status(admin.api.get("/config"), 200)["TeamSettings"]["SiteName"] == name
    finally:
        patch = {"TeamSettings": {"SiteName": before}}
        expect_status(admin.api.put("/config/patch", patch), 200)


def test_settings_the_admin_cannot_change_are_read_only_with_the_reason(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    scopes = expect_status(admin.api.get("/config/scopes"), 200)
    assert scopes["TeamSettings"]["SiteName"] == {"scope": "tenant", "live": True}
    assert scopes["RateLimitSettings"]["PerSec"]["scope"] == "deployment"
    page = admin_page
    open_console(page, server, "settings/rate-limiting")
    # The test server's environment sets ROOST_RATE_LIMIT_ENABLE; the rest is the operator's.
    enable = page.locator("[data-setting='RateLimitSettings.Enable']")
    expect(enable.get_by_role("checkbox")).to_be_disabled()
    expect(enable).to_contain_text("Set by the server's environment")
    per_sec = page.locator("[data-setting='RateLimitSettings.PerSec']")
    expect(per_sec.get_by_role("spinbutton")).to_be_disabled()
    expect(per_sec).to_contain_text("only the operator can change it")
    # A tenant setting of the same kind is editable.
    open_console(page, server, "settings/authentication")
    expect(page.get_by_label("Minimum Length", exact=True)).to_be_enabled()
    expect(
        page.locator("[data-setting='PasswordSettings.MinimumLength'] .setting-lock")
    ).to_have_count(0)


def test_a_non_admin_cannot_reach_the_console(
    server: str, admin: LoggedIn, admin_page: Page, browser: Browser
) -> None:
    member = create_user(server, username=unique("plain"))
    team = expect_status(
        member.api.post("/teams", {"name": unique("con"), "display_name": "Con", "type": "O"}),
        201,
    )
    context = new_context(browser)
    login_cookie(context, server, member)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{server}/{team['name']}/channels/town-square")
    expect(page.locator(".channel-header h2")).to_be_visible()
    expect(page.get_by_role("button", name="Settings", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="System Console")).to_have_count(0)
    page.goto(f"{server}/admin_console/settings/site")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_label("Site Name", exact=True)).to_have_count(0)
    shot(page, "console-not-allowed")
    page.get_by_role("button", name="Back to chat").click()
    expect(page.locator(".channel-header h2")).to_be_visible()
    # The server refuses the console's calls too.
    for path in ("/config", "/config/scopes", "/logs", "/analytics/old", "/cluster/status"):
        assert member.api.get(path).status_code == 403, path
    # The admin has the entry in the menu, and it leads to the console.
    admin_team = expect_status(
        admin.api.post("/teams", {"name": unique("adm"), "display_name": "Adm", "type": "O"}),
        201,
    )
    admin_page.goto(f"{server}/{admin_team['name']}/channels/town-square")
    expect(admin_page.locator(".channel-header h2")).to_be_visible()
    shot(admin_page, "console-menu-entry")
    admin_page.get_by_role("button", name="System Console").click()
    expect(admin_page).to_have_url(f"{server}/admin_console")
    expect(admin_page.get_by_role("heading", name="Site statistics")).to_be_visible()
    context.close()
    assert not errors


def find_user(page: Page, base: str, username: str) -> None:
    open_console(page, base, "users")
    page.get_by_label("Search users").fill(username)
    page.get_by_role("button", name="Search").click()
    page.locator(f"tr[data-user='{username}']").get_by_role("button").click()
    expect(page.get_by_role("region", name=f"User @{username}")).to_be_visible()


def test_deactivating_and_reactivating_a_user(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    user = create_user(server, username=unique("leaver"))
    page = admin_page
    find_user(page, server, user.username)
    detail = page.get_by_role("region", name=f"User @{user.username}")
    # The user's session (the test's own login) is listed.
    sessions = detail.get_by_role("region", name="Sessions")
    expect(sessions.locator("li")).to_have_count(1)
    detail.get_by_role("button", name="Deactivate").click()
    detail.get_by_role("button", name="Yes, deactivate").click()
    expect(detail.get_by_role("status")).to_contain_text("is deactivated")
    expect(page.locator(f"tr[data-user='{user.username}']")).to_contain_text("Deactivated")
    shot(page, "console-user-deactivated")
    assert expect_status(admin.api.get(f"/users/{user.id}"), 200)["delete_at"] > 0
    assert user.api.get("/users/me").status_code == 401  # their sessions ended
    login = {"login_id": user.username, "password": PASSWORD}
    assert Api(server).post("/users/login", login).status_code != 200
    page.get_by_role("region", name=f"User @{user.username}").get_by_role(
        "button", name="Activate"
    ).click()
    expect(page.locator(f"tr[data-user='{user.username}']")).to_contain_text("Active")
    assert expect_status(admin.api.get(f"/users/{user.id}"), 200)["delete_at"] == 0
    expect_status(Api(server).post("/users/login", login), 200)


def test_creating_a_user_then_roles_password_and_tokens(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    username = unique("made")
    page = admin_page
    open_console(page, server, "users")
    page.get_by_role("button", name="Create user").click()
    form = page.get_by_role("form", name="Create user")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Email").fill(f"{username}@example.com")
    form.get_by_label("Password").fill("short")
    form.get_by_role("button", name="Create").click()
    expect(form.get_by_role("alert")).to_be_visible()  # the password rules, in the server's words
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Create").click()
    detail = page.get_by_role("region", name=f"User @{username}")
    expect(detail).to_be_visible()
    made = expect_status(admin.api.get(f"/users/username/{username}"), 200)
    assert "system_admin" not in made["roles"].split()
    # Roles.
    detail.get_by_role("button", name="Make system admin").click()
    detail.get_by_role("button", name="Yes, make system admin").click()
    expect(page.locator(f"tr[data-user='{username}']")).to_contain_text("System admin")
    assert (
        "system_admin" in expect_status(admin.api.get(f"/users/{made['id']}"), 200)["roles"].split()
    )
    detail.get_by_role("button", name="Make member").click()
    detail.get_by_role("button", name="Yes, make member").click()
    expect(page.locator(f"tr[data-user='{username}']")).to_contain_text("Member")
    assert (
        "system_admin"
        not in expect_status(admin.api.get(f"/users/{made['id']}"), 200)["roles"].split()
    )
    # Password.
    detail.get_by_label("New password").fill(NEW_PASSWORD)
    detail.get_by_role("button", name="Reset password").click()
    expect(detail.get_by_role("status")).to_have_text("Password changed.")
    login = Api(server).post("/users/login", {"login_id": username, "password": NEW_PASSWORD})
    expect_status(login, 200)
    # Personal access tokens, where the server allows them.
    was = expect_status(admin.api.get("/config"), 200)["ServiceSettings"]["EnableUserAccessTokens"]
    expect_status(
        admin.api.put("/config/patch", {"ServiceSettings": {"EnableUserAccessTokens": True}}), 200
    )
    try:
        tokens = detail.get_by_role("region", name="Access tokens")
        tokens.get_by_label("Description").fill("console test")
        tokens.get_by_role("button", name="Create token").click()
        secret = tokens.locator("[data-token]").inner_text().strip()
        expect(tokens.locator("li")).to_have_count(1)
        assert expect_status(Api(server, secret).get("/users/me"), 200)["username"] == username
        tokens.get_by_role("button", name="Revoke").click()
        expect(tokens.locator("li")).to_have_count(0)
        assert Api(server, secret).get("/users/me").status_code == 401
    finally:
        patch = {"ServiceSettings": {"EnableUserAccessTokens": was}}
        expect_status(admin.api.put("/config/patch", patch), 200)
