"""The System Console's teams page lists archived teams with a Restore button: restoring
one brings it back for its members as it was (issue 24)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.chat import team_with
from tests.support.client import LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.web.browser import shot


def test_an_archived_team_is_restored_from_the_console(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    owner = create_user(server, username=unique("owner"))
    member = create_user(server, username=unique("member"))
    team = team_with(owner, member, display_name="Harbour team")
    expect_status(owner.api.delete(f"/teams/{team['id']}"), 200)
    assert team["id"] not in {
        t["id"] for t in expect_status(member.api.get("/users/me/teams"), 200)
    }
    page = admin_page
    page.goto(f"{server}/admin_console/teams")
    expect(page.get_by_role("navigation", name="System Console")).to_be_visible()
    page.get_by_label("Search teams").fill(team["name"])
    row = page.locator(f"tr[data-team='{team['name']}']")
    expect(row).to_contain_text("Archived")
    expect(row.get_by_role("button", name="Archive", exact=True)).to_have_count(0)
    shot(page, "console-team-archived")
    row.get_by_role("button", name="Restore", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Harbour team is restored.")
    expect(row).to_contain_text("Active")
    expect(row.get_by_role("button", name="Restore", exact=True)).to_have_count(0)
    expect(row.get_by_role("button", name="Archive", exact=True)).to_be_visible()
    # Restored on the server, for its members as before.
    assert expect_status(admin.api.get(f"/teams/{team['id']}"), 200)["delete_at"] == 0
    assert team["id"] in {t["id"] for t in expect_status(member.api.get("/users/me/teams"), 200)}
    # Live teams are listed as before, archived ones only on this page (a system admin's).
    assert member.api.get("/teams", params={"include_deleted": "true"}).status_code == 403
