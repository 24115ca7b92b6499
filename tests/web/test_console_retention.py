"""The System Console's data retention policies (issue 24): an admin creates a policy for
a team and a channel from the page, edits and deletes it, and the API agrees each time."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.support.client import LoggedIn, unique
from tests.support.client import expect as expect_status
from tests.web.browser import shot


def open_console(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/admin_console/{path}")
    expect(page.get_by_role("navigation", name="System Console")).to_be_visible()


def _policy(admin: LoggedIn, name: str) -> dict[str, Any] | None:
    listed = expect_status(admin.api.get("/data_retention/policies"), 200)["policies"]
    return next((p for p in listed if p["display_name"] == name), None)


def _members(admin: LoggedIn, policy_id: str, kind: str) -> set[str]:
    rows = expect_status(admin.api.get(f"/data_retention/policies/{policy_id}/{kind}"), 200)
    return {row["id"] for row in rows}


def test_an_admin_keeps_a_team_and_a_channel_for_their_own_days(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    team_name = unique("keep")
    body = {"name": team_name, "display_name": f"Keep {team_name[-6:]}", "type": "O"}
    team = expect_status(admin.api.post("/teams", body), 201)
    channel_name = unique("kept-ch")
    channel = expect_status(
        admin.api.post(
            "/channels",
            {"team_id": team["id"], "name": channel_name, "display_name": "Kept", "type": "O"},
        ),
        201,
    )
    other = expect_status(
        admin.api.post(
            "/channels",
            {
                "team_id": team["id"],
                "name": unique("other-ch"),
                "display_name": "Other",
                "type": "O",
            },
        ),
        201,
    )
    name = f"Legal {unique('')[:6]}"
    page = admin_page
    open_console(page, server, "retention")
    expect(page.get_by_role("region", name="Global policy")).to_contain_text("Messages:")
    page.get_by_role("button", name="New policy").click()
    form = page.get_by_role("region", name="New policy")
    form.get_by_label("Policy name").fill(name)
    form.get_by_label("Days to keep posts").fill("45")
    form.get_by_label("Search teams").fill(team["display_name"])
    form.get_by_role("button", name=f"Add {team['display_name']}").click()
    expect(form.get_by_role("list", name="Chosen teams")).to_contain_text(team["display_name"])
    form.get_by_label("Search channels").fill(channel_name)
    form.get_by_role("button", name="Search", exact=True).click()
    form.get_by_role("button", name="Add Kept").click()
    expect(form.get_by_role("list", name="Chosen channels")).to_contain_text("Kept")
    form.get_by_role("button", name="Save policy").click()
    row = page.locator(f'tr[data-policy="{name}"]')
    expect(row).to_contain_text("45 days")
    shot(page, "console-retention")
    # The API has it: the days, the team and the channel.
    policy = _policy(admin, name)
    assert policy is not None
    assert policy["post_duration"] == 45
    assert policy["team_count"] == 1 and policy["channel_count"] == 1
    assert _members(admin, policy["id"], "teams") == {team["id"]}
    assert _members(admin, policy["id"], "channels") == {channel["id"]}

    # Edit: fewer days, the channel swapped for another, the team taken off.
    row.get_by_role("button", name="Edit").click()
    form = page.get_by_role("region", name=f"Policy {name}")
    expect(form.get_by_label("Policy name")).to_have_value(name)
    form.get_by_label("Days to keep posts").fill("10")
    form.get_by_role("button", name=f"Remove {team['display_name']}").click()
    form.get_by_role("button", name="Remove Kept").click()
    form.get_by_label("Search channels").fill(other["name"])
    form.get_by_role("button", name="Search", exact=True).click()
    form.get_by_role("button", name="Add Other").click()
    form.get_by_role("button", name="Save policy").click()
    expect(row).to_contain_text("10 days")
    policy = _policy(admin, name)
    assert policy is not None and policy["post_duration"] == 10
    assert _members(admin, policy["id"], "teams") == set()
    assert _members(admin, policy["id"], "channels") == {other["id"]}

    # Delete, after the in-place confirmation.
    row.get_by_role("button", name="Delete").click()
    row.get_by_role("button", name="Yes, delete").click()
    expect(row).to_have_count(0)
    assert _policy(admin, name) is None
