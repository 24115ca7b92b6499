"""The System Console's reports and channel management (issue 24): server logs and
site statistics show the server's real data, the status page its nodes and parts, and
channels are archived, restored, made private and moved to another team from the console."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.support.client import LoggedIn, unique
from tests.support.client import expect as expect_status
from tests.web.browser import shot


def open_console(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/admin_console/{path}")
    expect(page.get_by_role("navigation", name="System Console")).to_be_visible()


def make_team(admin: LoggedIn, prefix: str) -> dict[str, str]:
    body = {"name": unique(prefix), "display_name": f"{prefix.title()} team", "type": "O"}
    return expect_status(admin.api.post("/teams", body), 201)  # type: ignore[no-any-return]


def test_the_logs_page_shows_the_servers_lines_filtered_by_level(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    marker = unique("console-log-")
    expect_status(admin.api.post("/logs", {"level": "ERROR", "message": marker}), 200)
    lines = expect_status(admin.api.get("/logs", params={"level": "error"}), 200)
    assert any(marker in line for line in lines)
    page = admin_page
    open_console(page, server, "logs")
    page.get_by_label("Level").select_option("error")
    row = page.locator("tr[data-level]", has_text=marker)
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-level", "error")
    # Each line names its node (GET /logs gathers every node's): here the only one.
    node_id = expect_status(admin.api.get("/cluster/status"), 200)[0]["id"]
    expect(row).to_have_attribute("data-node", node_id)
    expect(row.locator("td").nth(1)).to_have_text(node_id[:8])
    page.get_by_label("Node").select_option(node_id)
    expect(row).to_have_count(1)
    # Every line shown is at the level asked for or above.
    levels = page.locator("tbody tr[data-level]").evaluate_all(
        "rows => rows.map(r => r.dataset.level)"
    )
    assert levels and set(levels) <= {"error", "critical"}
    page.get_by_label("Filter lines").fill(marker)
    expect(page.locator("tbody tr[data-level]")).to_have_count(1)
    shot(page, "console-logs")


def test_site_statistics_show_the_real_counts_and_todays_posts(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    team = make_team(admin, "stats")
    town = expect_status(admin.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    for n in range(3):
        expect_status(admin.api.post("/posts", {"channel_id": town["id"], "message": f"n{n}"}), 201)
    standard = {
        row["name"]: row["value"]
        for row in expect_status(admin.api.get("/analytics/old", params={"name": "standard"}), 200)
    }
    per_day = expect_status(
        admin.api.get("/analytics/old", params={"name": "post_counts_day"}), 200
    )
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    todays = next(row["value"] for row in per_day if row["name"] == today)
    assert standard["post_count"] >= 3 and todays >= 3
    page = admin_page
    open_console(page, server, "stats")
    for name in ("post_count", "team_count", "unique_user_count", "channel_open_count"):
        expect(page.locator(f"[data-stat={name}] dd")).to_have_text(str(standard[name]))
    chart = page.get_by_role("figure", name="Posts per day", exact=True)
    bar = chart.locator(f"g[data-day='{today}']")
    expect(bar).to_have_attribute("data-value", str(todays))
    users_chart = page.get_by_role("figure", name="Active users with posts per day")
    expect(users_chart.locator(f"g[data-day='{today}']")).to_be_visible()
    shot(page, "console-stats")


def test_the_status_page_shows_the_node_and_its_parts(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    nodes = expect_status(admin.api.get("/cluster/status"), 200)
    page = admin_page
    open_console(page, server, "status")
    rows = page.get_by_role("table", name="Nodes").locator("tbody tr")
    expect(rows).to_have_count(len(nodes))
    expect(rows.first).to_contain_text(nodes[0]["version"])
    expect(rows.first).to_contain_text(nodes[0]["config_hash"][:12])
    expect(page.locator("tr[data-part='Database'] td")).to_have_text("OK")
    expect(page.locator("tr[data-part='File store'] td")).to_have_text("OK")
    ping = expect_status(admin.api.get("/system/ping", params={"get_server_status": "true"}), 200)
    redis = page.locator("tr[data-part='Redis'] td")
    expect(redis).to_contain_text(ping.get("redis_status") or "not used")


def test_a_channel_made_private_moved_archived_and_restored(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    source, target = make_team(admin, "from"), make_team(admin, "to")
    name = unique("moving-")
    body = {"team_id": source["id"], "name": name, "display_name": "Moving", "type": "O"}
    channel = expect_status(admin.api.post("/channels", body), 201)
    page = admin_page
    open_console(page, server, "channels")
    page.get_by_label("Search channels").fill(name)
    page.get_by_role("button", name="Search").click()
    row = page.locator(f"tr[data-channel='{name}']")
    expect(row).to_contain_text("From team")
    row.get_by_role("button", name="Moving").click()
    detail = page.get_by_role("region", name="Channel Moving")
    expect(detail.get_by_role("region", name="Members")).to_contain_text(f"@{admin.username}")
    detail.get_by_role("button", name="Make private").click()
    detail.get_by_role("button", name="Yes, make private").click()
    expect(row).to_contain_text("Private")
    assert expect_status(admin.api.get(f"/channels/{channel['id']}"), 200)["type"] == "P"
    detail = page.get_by_role("region", name="Channel Moving")
    detail.get_by_label("Move to team").select_option(target["id"])
    detail.get_by_role("button", name="Move", exact=True).click()
    expect(row).to_contain_text("To team")
    assert (
        expect_status(admin.api.get(f"/channels/{channel['id']}"), 200)["team_id"] == target["id"]
    )
    detail = page.get_by_role("region", name="Channel Moving")
    detail.get_by_role("button", name="Archive").click()
    detail.get_by_role("button", name="Yes, archive").click()
    expect(row).to_contain_text("Archived")
    assert expect_status(admin.api.get(f"/channels/{channel['id']}"), 200)["delete_at"] > 0
    shot(page, "console-channels")
    page.get_by_role("region", name="Channel Moving").get_by_role("button", name="Restore").click()
    expect(row).to_contain_text("Active")
    assert expect_status(admin.api.get(f"/channels/{channel['id']}"), 200)["delete_at"] == 0


def test_teams_are_listed_with_their_members_and_archived(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    team = make_team(admin, "gone")
    page = admin_page
    open_console(page, server, "teams")
    page.get_by_label("Search teams").fill(team["name"])
    row = page.locator(f"tr[data-team='{team['name']}']")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Gone team").click()
    expect(page.get_by_role("region", name="Members")).to_contain_text(f"@{admin.username}")
    row.get_by_role("button", name="Archive").click()
    row.get_by_role("button", name="Yes, archive").click()
    # Listed still, archived (tests/web/test_console_teams.py restores one).
    expect(row).to_contain_text("Archived")
    assert expect_status(admin.api.get(f"/teams/{team['id']}"), 200)["delete_at"] > 0


def test_a_plugin_configured_and_enabled_from_the_console_is_in_force(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    plugin = "roost.autolink"
    listed = expect_status(admin.api.get("/plugins"), 200)
    assert plugin in [p["id"] for p in listed["inactive"]]
    page = admin_page
    open_console(page, server, "plugins")
    row = page.locator(f"tr[data-plugin='{plugin}']")
    expect(row).to_contain_text("Disabled")
    row.get_by_role("button", name="Configure").click()
    form = page.get_by_role("form", name="Autolink settings")
    form.get_by_label("Ticket prefixes").fill("CON")
    form.get_by_label("Ticket URL").fill("https://tracker.example.com/browse/{id}")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("status")).to_have_text("Settings saved.")
    settings = expect_status(admin.api.get(f"/plugins/{plugin}/settings"), 200)
    assert settings["prefixes"] == "CON"
    try:
        row.get_by_role("button", name="Enable").click()
        expect(row).to_contain_text("Enabled")
        shot(page, "console-plugins")
        team = make_team(admin, "links")
        town = expect_status(admin.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
        post = expect_status(
            admin.api.post("/posts", {"channel_id": town["id"], "message": "see CON-7"}), 201
        )
        assert "[CON-7](https://tracker.example.com/browse/CON-7)" in post["message"]
        row.get_by_role("button", name="Disable").click()
        expect(row).to_contain_text("Disabled")
    finally:
        expect_status(admin.api.post(f"/plugins/{plugin}/disable"), 200)
        expect_status(admin.api.put(f"/plugins/{plugin}/settings", {}), 200)


def test_a_data_retention_run_started_from_the_jobs_page(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    page = admin_page
    open_console(page, server, "jobs")
    before = {j["id"] for j in expect_status(admin.api.get("/jobs"), 200)}
    page.get_by_role("button", name="Run data retention now").click()
    expect(page.locator(".console-note")).to_have_text("Data retention run started.")
    jobs = expect_status(admin.api.get("/jobs"), 200)
    started = [j for j in jobs if j["id"] not in before]
    assert [j["type"] for j in started] == ["data_retention"]
    row = page.locator(f"tr[data-job='{started[0]['id']}']")
    expect(row).to_contain_text("data_retention")
    # The page follows the job by itself until it is done.
    expect(row).to_have_attribute("data-status", "success", timeout=20_000)
    expect(row).to_contain_text("100%")
    job = expect_status(admin.api.get(f"/jobs/{started[0]['id']}"), 200)
    assert job["status"] == "success"
    shot(page, "console-jobs")
