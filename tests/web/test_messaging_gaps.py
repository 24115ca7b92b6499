"""Everyday messaging in the web client (issue 23): guest invitations from the Invite
dialog, file bookmarks, editing a user group (members, names, archiving) and reading an
archived channel one was never in. On a server of their own, with guest accounts on
and a real SMTP server for the invitations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.notify.smtp import SmtpServer, running_smtp
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import DESKTOP, TIMEOUT_MS, confirm, login_cookie, shot
from tests.web.people import TwoPeople, two_people
from tests.web.test_accessibility import violations


@dataclass
class Gaps(TwoPeople):
    admin: LoggedIn
    smtp: SmtpServer


@pytest.fixture(scope="module")
def gaps(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Gaps]:
    data_dir: Path = tmp_path_factory.mktemp("web-gaps")
    with running_smtp() as smtp:
        env = {
            "ROOST_GUEST_ACCOUNTS_ENABLE": "true",
            "ROOST_SMTP_SERVER": "127.0.0.1",
            "ROOST_SMTP_PORT": str(smtp.port),
            "ROOST_FEEDBACK_EMAIL": "roost@example.com",
            "ROOST_NOTIFICATION_POLL_SECONDS": "0.2",
            "ROOST_NOTIFICATION_RETRY_BASE_SECONDS": "0.2",
        }
        with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
            admin = create_user(base)  # the first account: a system admin
            both = two_people(base, browser, "gaps")
            yield Gaps(**vars(both), admin=admin, smtp=smtp)
            both.close()


def channel_action(page: Page, name: str) -> None:
    page.get_by_role("button", name="Channel actions").click()
    page.get_by_role("menuitem", name=name).click()


def role(people: Gaps, name: str) -> dict[str, Any]:
    return expect_status(people.admin.api.get(f"/roles/name/{name}"), 200)  # type: ignore[no-any-return]


def set_permission(people: Gaps, role_name: str, permission: str, granted: bool) -> None:
    """Grant or take back a permission, as an admin does in the System Console."""
    found = role(people, role_name)
    now = [p for p in found["permissions"] if p != permission] + ([permission] if granted else [])
    patch = {"permissions": now}
    expect_status(people.admin.api.put(f"/roles/{found['id']}/patch", patch), 200)


def join(people: Gaps, channel: dict[str, Any], user: LoggedIn) -> None:
    members = f"/channels/{channel['id']}/members"
    expect_status(people.owner.api.post(members, {"user_id": user.id}), 201)


# 1. Guest invitations.


def test_a_team_admin_invites_guests_to_chosen_channels(gaps: Gaps) -> None:
    # invite_guest is the system admin's by default: the team admin role gets it here,
    # as an admin would grant it. The team's creator (owner) is its admin.
    set_permission(gaps, "team_admin", "invite_guest", True)
    try:
        chosen = gaps.channel(unique("guests-"), display_name="Guest Room")
        gaps.channel(unique("inside-"), display_name="Inside Only")
        owner = gaps.owner_page
        gaps.open(owner, chosen["name"])
        owner.get_by_role("button", name="Invite people").click()
        form = owner.get_by_role("dialog").get_by_role("form", name="Invite guests")
        emails = form.get_by_label("Guest email addresses")
        # Nothing chosen: said at each field, before asking the server.
        form.get_by_role("button", name="Invite as guests").click()
        expect(emails).to_have_accessible_description("Enter at least one email address.")
        expect(
            form.get_by_role("group", name="Channels the guests join")
        ).to_have_accessible_description("Choose at least one channel.")
        # The server's refusal of an address shows at the addresses.
        emails.fill("not-an-address")
        form.get_by_role("checkbox", name="# Guest Room").check()
        form.get_by_role("button", name="Invite as guests").click()
        expect(emails).to_have_attribute("aria-invalid", "true")
        expect(emails).to_have_accessible_description("Invalid email in the guest invitation.")

        address = f"{unique('guest')}@example.com"
        emails.fill(address)
        form.get_by_label("Message (optional)").fill("Welcome to the room")
        form.get_by_role("button", name="Invite as guests").click()
        expect(form.get_by_role("status")).to_have_text(f"Guest invitation sent to {address}.")
        expect(emails).to_have_value("")
        shot(owner, "guest-invite")

        [mail] = gaps.smtp.mailbox.wait(address)
        text = mail.part("plain")
        assert "as a guest" in text and "Welcome to the room" in text
        found = re.search(r"/signup_user_complete/\?t=([A-Za-z0-9_\-]+)", text)
        assert found, text
        # The link makes a guest in the chosen channel (and only there).
        name = unique("g")
        signup = {"username": name, "email": address, "password": PASSWORD}
        made = expect_status(Api(gaps.base).post(f"/users?t={found.group(1)}", signup), 201)
        assert made["roles"] == "system_guest"
        in_chosen = gaps.owner.api.get(f"/channels/{chosen['id']}/members/{made['id']}")
        assert in_chosen.status_code == 200, in_chosen.text
        owner.keyboard.press("Escape")
    finally:
        set_permission(gaps, "team_admin", "invite_guest", False)


def test_guest_invitations_are_offered_only_to_who_may_send_them(gaps: Gaps) -> None:
    member = gaps.member_page
    gaps.open(member, "town-square")
    member.get_by_role("button", name="Invite people").click()
    dialog = member.get_by_role("dialog")
    expect(dialog.get_by_role("form", name="Invite by email")).to_be_visible()
    expect(dialog.get_by_role("form", name="Invite guests")).to_have_count(0)
    member.keyboard.press("Escape")


def test_no_guest_invitations_where_guest_accounts_are_off(
    server: str, admin: LoggedIn, admin_page: Page
) -> None:
    # The session's server keeps guest accounts off: even its system admin (who holds
    # invite_guest) is not offered them.
    body = {"name": unique("noguest"), "display_name": "No Guests", "type": "O"}
    team = expect_status(admin.api.post("/teams", body), 201)
    admin_page.goto(f"{server}/{team['name']}/channels/town-square")
    admin_page.get_by_role("button", name="Invite people").click()
    dialog = admin_page.get_by_role("dialog")
    expect(dialog.get_by_role("form", name="Invite by email")).to_be_visible()
    expect(dialog.get_by_role("form", name="Invite guests")).to_have_count(0)
    admin_page.keyboard.press("Escape")


# 2. File bookmarks.


def test_a_file_is_attached_as_a_bookmark_downloaded_and_removed(
    gaps: Gaps, tmp_path: Path
) -> None:
    channel = gaps.channel(unique("files-"), display_name="Files")
    join(gaps, channel, gaps.member)
    owner, member = gaps.owner_page, gaps.member_page
    gaps.open(owner, channel["name"])
    gaps.open(member, channel["name"])
    notes = tmp_path / "notes.txt"
    notes.write_text("the meeting notes\n")

    channel_action(owner, "Attach a file as a bookmark")
    form = owner.get_by_role("form", name="Attach a file")
    form.get_by_label("File", exact=True).set_input_files(str(notes))
    form.get_by_label("Title (the file's name if empty)").fill("Meeting notes")
    form.get_by_role("button", name="Attach").click()
    expect(form).to_have_count(0)

    stored = expect_status(gaps.owner.api.get(f"/channels/{channel['id']}/bookmarks"), 200)
    assert [(b["type"], b["display_name"]) for b in stored] == [("file", "Meeting notes")]
    file_id = stored[0]["file_id"]
    assert stored[0]["file"]["name"] == "notes.txt"
    # Everyone in the channel sees it live, and downloads the file from it.
    links = [
        page.get_by_role("navigation", name="Bookmarks").get_by_role("link", name="Meeting notes")
        for page in (owner, member)
    ]
    for link in links:
        expect(link).to_have_attribute("href", f"/api/v4/files/{file_id}?download=1")
    with member.expect_download() as info:
        links[1].click()
    download = info.value
    assert download.suggested_filename == "notes.txt"
    assert Path(download.path()).read_text() == "the meeting notes\n"
    shot(owner, "file-bookmark")

    member.get_by_role("button", name="Remove bookmark Meeting notes").click()
    for page in (owner, member):
        expect(page.get_by_role("navigation", name="Bookmarks")).to_have_count(0)
    assert expect_status(gaps.owner.api.get(f"/channels/{channel['id']}/bookmarks"), 200) == []


# 3. A user group's members, names and archiving.


def group_row(page: Page, name: str) -> Any:
    return (
        page.get_by_role("dialog")
        .get_by_role("list", name="User groups")
        .locator(f"li[data-group='{name}']")
    )


def test_a_groups_members_are_edited_it_is_renamed_and_archived(gaps: Gaps) -> None:
    carol = create_user(gaps.base, username=unique("carol"))
    name = unique("ops")
    body = {
        "name": name,
        "display_name": "Ops",
        "source": "custom",
        "allow_reference": True,
        "user_ids": [gaps.member.id],
    }
    group = expect_status(gaps.owner.api.post("/groups", body), 201)
    owner = gaps.owner_page
    gaps.open(owner, "town-square")
    owner.get_by_role("button", name="Groups").click()
    group_row(owner, name).get_by_role("button", name="Open Ops").click()
    page = owner.get_by_role("dialog")
    members = page.get_by_role("list", name="Members of Ops")
    expect(members.locator("li[data-user]")).to_have_count(1)
    expect(members.locator(f"li[data-user='{gaps.member.username}']")).to_be_visible()

    page.get_by_label("Add people").fill(carol.username)
    page.get_by_role("button", name=f"Add @{carol.username} to the group").click()
    expect(members.locator(f"li[data-user='{carol.username}']")).to_be_visible()
    page.get_by_role("button", name=f"Remove @{gaps.member.username} from the group").click()
    expect(members.locator(f"li[data-user='{gaps.member.username}']")).to_have_count(0)
    listed = expect_status(gaps.owner.api.get(f"/groups/{group['id']}/members"), 200)
    assert [u["id"] for u in listed["members"]] == [carol.id]

    form = page.get_by_role("form", name="Rename the group")
    form.get_by_label("Name").fill("Operations")
    form.get_by_label("Mention").fill(f"{name}-x")
    form.get_by_role("button", name="Save name").click()
    expect(form.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_role("heading", level=3)).to_have_text(f"Operations @{name}-x")
    renamed = expect_status(gaps.owner.api.get(f"/groups/{group['id']}"), 200)
    assert (renamed["display_name"], renamed["name"]) == ("Operations", f"{name}-x")
    shot(owner, "group-page")

    page.get_by_role("button", name="Archive group").click()
    confirm(owner, "Archive")
    # Back on the list, which no longer has it (an archived group is not mentionable).
    expect(owner.get_by_role("dialog").get_by_role("list", name="User groups")).to_be_visible()
    expect(group_row(owner, f"{name}-x")).to_have_count(0)
    assert expect_status(gaps.owner.api.get(f"/groups/{group['id']}"), 200)["delete_at"] > 0
    owner.get_by_role("dialog").get_by_role("button", name="Close").click()


def test_a_refusal_of_the_server_is_shown_on_the_groups_page(gaps: Gaps) -> None:
    name = unique("keep")
    body = {
        "name": name,
        "display_name": "Keepers",
        "source": "custom",
        "allow_reference": True,
        "user_ids": [gaps.member.id],
    }
    group = expect_status(gaps.owner.api.post("/groups", body), 201)
    # Members may no longer manage groups' members nor archive them: the server says 403.
    set_permission(gaps, "system_user", "manage_custom_group_members", False)
    set_permission(gaps, "system_user", "delete_custom_group", False)
    try:
        member = gaps.member_page
        gaps.open(member, "town-square")
        member.get_by_role("button", name="Groups").click()
        group_row(member, name).get_by_role("button", name="Open Keepers").click()
        page = member.get_by_role("dialog")
        me = gaps.member.username
        page.get_by_role("button", name=f"Remove @{me} from the group").click()
        expect(page.get_by_role("region", name="Members").get_by_role("alert")).to_contain_text(
            "permissions"
        )
        page.get_by_role("button", name="Archive group").click()
        confirm(member, "Archive")
        expect(
            page.get_by_role("region", name="Archive the group").get_by_role("alert")
        ).to_contain_text("permissions")
        still = expect_status(gaps.owner.api.get(f"/groups/{group['id']}"), 200)
        assert still["delete_at"] == 0
        listed = expect_status(gaps.owner.api.get(f"/groups/{group['id']}/members"), 200)
        assert [u["id"] for u in listed["members"]] == [gaps.member.id]
        page.get_by_role("button", name="Back to groups").click()
        member.get_by_role("dialog").get_by_role("button", name="Close").click()
    finally:
        set_permission(gaps, "system_user", "manage_custom_group_members", True)
        set_permission(gaps, "system_user", "delete_custom_group", True)


# 4. An archived channel one was never in.


def test_an_archived_channel_is_read_without_joining_it(gaps: Gaps) -> None:
    name = unique("history-")
    channel = gaps.channel(name, display_name="Old History")
    gaps.post(channel["id"], "what we decided back then")
    expect_status(gaps.owner.api.delete(f"/channels/{channel['id']}"), 200)
    member = gaps.member_page
    gaps.open(member, "town-square")

    member.get_by_role("button", name="Add channel").first.click()
    member.get_by_label("Channels to show").select_option("archived")
    row = member.get_by_role("list", name="Archived channels").locator(f"li[data-channel='{name}']")
    row.get_by_role("button", name="View Old History").click()
    expect(member).to_have_url(gaps.url(name))
    expect(member.locator(".channel-header h2")).to_have_text("# Old History")
    expect(member.get_by_test_id("archived-banner")).to_have_text(
        "You are viewing an archived channel. New messages cannot be posted."
    )
    expect(
        member.locator("[data-testid=post]", has_text="what we decided back then")
    ).to_be_visible()
    expect(member.get_by_test_id("message-box")).to_have_count(0)
    expect(member.get_by_role("button", name="Channel actions")).to_have_count(0)
    expect(member.locator(f".sidebar a[data-channel='{name}']")).to_have_count(0)
    shot(member, "archived-channel-read")
    # Its posts are read only too: no reactions; its threads open, without a reply box.
    post = member.locator("[data-testid=post]", has_text="what we decided back then")
    post.hover()
    expect(post.get_by_role("button", name="Add reaction")).to_have_count(0)
    post.get_by_role("button", name="Reply").click()
    thread = member.get_by_test_id("thread")
    expect(thread.get_by_role("status")).to_have_text(
        "This thread is in an archived channel: replies cannot be posted."
    )
    expect(member.get_by_test_id("reply-box")).to_have_count(0)
    thread.get_by_role("button", name="Close").click()
    # Read, not joined.
    not_member = gaps.member.api.get(f"/channels/{channel['id']}/members/{gaps.member.id}")
    assert not_member.status_code == 404

    # A link to it opens it the same way after a reload.
    member.reload()
    expect(member.get_by_test_id("archived-banner")).to_be_visible()
    expect(
        member.locator("[data-testid=post]", has_text="what we decided back then")
    ).to_be_visible()
    member.locator(".sidebar a[data-channel='town-square']").click()
    expect(member.get_by_test_id("message-box")).to_be_visible()
    expect(member.locator(f".sidebar a[data-channel='{name}']")).to_have_count(0)

    # Restored while being read: it takes posts again, from its members, whom one may join.
    member.goto(gaps.url(name))
    expect(member.get_by_test_id("archived-banner")).to_be_visible()
    expect_status(gaps.owner.api.post(f"/channels/{channel['id']}/restore"), 200)
    expect(member.get_by_test_id("archived-banner")).to_have_count(0)
    member.get_by_role("button", name="Join channel").click()
    expect(member.get_by_test_id("message-box")).to_be_visible()
    expect(member.locator(f".sidebar a[data-channel='{name}']")).to_be_visible()
    joined = gaps.member.api.get(f"/channels/{channel['id']}/members/{gaps.member.id}")
    assert joined.status_code == 200, joined.text


def test_the_new_screens_pass_axe(gaps: Gaps, browser: Browser) -> None:
    """The guest form with its field errors, a group's page and an archived channel read
    by a non-member: no serious or critical WCAG 2.1 A/AA violation. The context
    bypasses the page's CSP only to add axe's script (as test_accessibility.py)."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    login_cookie(context, gaps.base, gaps.owner)
    page = context.new_page()
    page.on("pageerror", lambda error: gaps.errors.append(str(error)))
    set_permission(gaps, "team_admin", "invite_guest", True)
    try:
        gaps.open(page, "town-square")
        page.get_by_role("button", name="Invite people").click()
        form = page.get_by_role("form", name="Invite guests")
        form.get_by_role("button", name="Invite as guests").click()
        expect(form.get_by_role("alert").first).to_be_visible()
        assert violations(page) == []
        page.keyboard.press("Escape")

        body = {"name": unique("axe"), "display_name": "Axe", "source": "custom"}
        group = {**body, "allow_reference": True, "user_ids": [gaps.member.id]}
        expect_status(gaps.owner.api.post("/groups", group), 201)
        page.get_by_role("button", name="Groups").click()
        group_row(page, body["name"]).get_by_role("button", name="Open Axe").click()
        expect(
            page.get_by_role("list", name="Members of Axe").locator("li[data-user]")
        ).to_have_count(1)
        assert violations(page) == []
        page.get_by_role("dialog").get_by_role("button", name="Back to groups").click()
        page.get_by_role("dialog").get_by_role("button", name="Close").click()

        name = unique("axe-archived-")
        channel = gaps.channel(name, by=gaps.member)
        gaps.post(channel["id"], "an old message", by=gaps.member)
        expect_status(gaps.member.api.delete(f"/channels/{channel['id']}"), 200)
        page.goto(gaps.url(name))
        expect(page.get_by_test_id("archived-banner")).to_be_visible()
        expect(page.locator("[data-testid=post]", has_text="an old message")).to_be_visible()
        assert violations(page) == []
    finally:
        set_permission(gaps, "team_admin", "invite_guest", False)
        context.close()


def test_no_uncaught_errors(gaps: Gaps) -> None:
    assert gaps.errors == []
