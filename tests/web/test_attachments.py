"""Message attachments from webhooks and bots as Mattermost draws them (pretext, author,
title with its link, markdown text, short and long fields, the colour bar, images,
footer), their buttons and menus calling the integration, and the bundled polls voted
on from the page. A server of its own lets integrations call a loopback receiver."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.integrations.receiver import Answer, Receiver, running_receiver
from tests.support.client import LoggedIn, create_user, unique
from tests.support.client import expect as expect_status
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import post_by_text, shot
from tests.web.people import TwoPeople, two_people

ENV = {"ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost", "ROOST_OUTBOUND_TIMEOUT_SECONDS": "3"}


@pytest.fixture(scope="module")
def hook_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-web-hooks-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, ENV) as base:
        yield base


@pytest.fixture(scope="module")
def admin(hook_server: str) -> LoggedIn:
    """The server's first user, so a system admin (to turn the polls plugin on)."""
    return create_user(hook_server, username=unique("admin"))


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


@pytest.fixture(scope="module")
def people(hook_server: str, admin: LoggedIn, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(hook_server, browser, "attach")
    yield both
    both.close()


def path() -> str:
    return f"/{uuid.uuid4().hex}"


def joined(people: TwoPeople) -> dict[str, Any]:
    channel = people.channel(unique("hooks-"))
    body = {"user_id": people.member.id}
    expect_status(people.member.api.post(f"/channels/{channel['id']}/members", body), 201)
    return channel


def hook_post(people: TwoPeople, channel_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Post through an incoming webhook, as an integration does; the post as stored."""
    body = {"channel_id": channel_id, "display_name": "ci"}
    hook = expect_status(people.owner.api.post("/hooks/incoming", body), 201)
    sent = httpx.post(f"{people.base}/hooks/{hook['id']}", json=payload)
    assert sent.status_code == 200, sent.text
    listed = expect_status(people.owner.api.get(f"/channels/{channel_id}/posts?per_page=1"), 200)
    newest: dict[str, Any] = listed["posts"][listed["order"][0]]
    return newest


def attachment_post(page: Page, text: str) -> Locator:
    return page.locator("[data-testid=post]", has=page.locator(".attachment", has_text=text))


def test_an_attachment_shows_every_part_as_mattermost_draws_it(people: TwoPeople) -> None:
    channel = joined(people)
    avatar = f"/api/v4/users/{people.owner.id}/image"
    payload = {
        "text": "Build report",
        "attachments": [
            {
                "fallback": "Build 42 passed",
                "color": "#ff0000",
                "pretext": "Nightly **build**",
                "author_name": "CI bot",
                "author_link": "https://ci.example.com/",
                "title": "Build 42",
                "title_link": "https://ci.example.com/builds/42",
                "text": "All **green** <script>alert(1)</script>",
                "fields": [
                    {"title": "Branch", "value": "main", "short": True},
                    {"title": "Took", "value": 93, "short": True},
                    {"title": "Changes", "value": "- one\n- two", "short": False},
                ],
                "image_url": avatar,
                "thumb_url": "https://elsewhere.example.com/thumb.png",
                "footer": "ci.example.com",
            },
            {"color": "danger", "text": "One flaky test"},
        ],
    }
    stored = hook_post(people, channel["id"], payload)
    assert stored["props"]["attachments"][0]["title"] == "Build 42"
    page = people.member_page
    people.open(page, channel["name"])
    post = attachment_post(page, "Build 42")
    expect(post.locator("[data-testid=message]")).to_have_text("Build report")
    expect(post.locator("[data-testid=attachment]")).to_have_count(2)
    first, second = post.locator("[data-testid=attachment]").all()
    expect(first.locator(".attachment-pretext strong")).to_have_text("build")
    author = first.locator(".attachment-author a")
    expect(author).to_have_text("CI bot")
    expect(author).to_have_attribute("href", "https://ci.example.com/")
    title = first.get_by_role("link", name="Build 42")
    expect(title).to_have_attribute("href", "https://ci.example.com/builds/42")
    expect(title).to_have_attribute("rel", "noopener noreferrer")
    expect(first.locator(".attachment-text strong")).to_have_text("green")
    expect(first.locator(".attachment-text")).to_contain_text("<script>alert(1)</script>")
    expect(first.locator("script")).to_have_count(0)
    # Short fields share a row, a long one has its own; values are markdown.
    rows = first.locator(".attachment-field-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[data-testid=attachment-field]")).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Branch")
    expect(rows.nth(0)).to_contain_text("93")
    expect(rows.nth(1).locator("li")).to_have_count(2)
    # The colour bar: a hex colour as given, Slack's names as Mattermost's colours.
    body = first.locator(".attachment-body")
    expect(body).to_have_css("border-left-color", "rgb(255, 0, 0)")
    expect(second.locator(".attachment-body")).to_have_css("border-left-color", "rgb(228, 3, 3)")
    # An image from this server loads; one from elsewhere is a link (the page's CSP).
    image = first.locator("img.attachment-image")
    expect(image).to_have_attribute("src", avatar)
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    thumb = first.locator("a.attachment-thumb")
    expect(thumb).to_have_attribute("href", "https://elsewhere.example.com/thumb.png")
    expect(first.locator(".attachment-footer")).to_have_text("ci.example.com")
    shot(page, "attachments-rendered")

    # What one post shows is bounded: 40 fields of an attachment (and 20 attachments).
    many = [{"title": f"F{i}", "value": str(i), "short": True} for i in range(45)]
    hook_post(
        people, channel["id"], {"text": "", "attachments": [{"title": "Many", "fields": many}] * 22}
    )
    crowded = attachment_post(page, "Many")
    expect(crowded.locator("[data-testid=attachment]")).to_have_count(20)
    expect(
        crowded.locator("[data-testid=attachment]").first.locator("[data-testid=attachment-field]")
    ).to_have_count(40)
    assert people.errors == []


def test_buttons_and_menus_reach_the_integration_and_its_answer_shows(
    people: TwoPeople, receiver: Receiver
) -> None:
    channel = joined(people)
    approve, pick, broken = path(), path(), path()
    receiver.answer_json(
        approve,
        {
            "update": {"message": "Deploy approved", "props": {"attachments": [{"text": "Done"}]}},
            "ephemeral_text": "Thanks for approving!",
        },
    )
    receiver.answer(pick, Answer(200, b""))
    receiver.answer(broken, Answer(500, b"down"))
    actions = [
        {
            "name": "Approve",
            "style": "primary",
            "integration": {"url": receiver.url(approve), "context": {"deploy": "v2"}},
        },
        {
            "name": "Environment",
            "type": "select",
            "options": [{"text": "Staging", "value": "staging"}, {"text": "Prod", "value": "prod"}],
            "integration": {"url": receiver.url(pick), "context": {"deploy": "v2"}},
        },
        {"name": "Rollback", "style": "danger", "integration": {"url": receiver.url(broken)}},
    ]
    stored = hook_post(
        people,
        channel["id"],
        {"text": "Deploy v2?", "attachments": [{"text": "Ready to ship", "actions": actions}]},
    )
    clicker, watcher = people.member_page, people.owner_page
    people.open(clicker, channel["name"])
    people.open(watcher, channel["name"])
    post = attachment_post(clicker, "Ready to ship")

    post.get_by_role("combobox", name="Environment").select_option("prod")
    call = receiver.wait(pick).json()
    assert call["type"] == "select" and call["user_id"] == people.member.id
    assert call["context"] == {"deploy": "v2", "selected_option": "prod"}

    post.get_by_role("button", name="Rollback").click()
    expect(post.get_by_role("alert")).to_contain_text("did not answer as expected")
    receiver.wait(broken)

    post.get_by_role("button", name="Approve").click()
    call = receiver.wait(approve).json()
    assert call["post_id"] == stored["id"] and call["channel_id"] == channel["id"]
    assert call["user_name"] == people.member.username and call["context"] == {"deploy": "v2"}
    # The integration's update reaches everyone; its private answer only the clicker.
    expect(post_by_text(clicker, "Deploy approved")).to_be_visible()
    expect(post_by_text(watcher, "Deploy approved").locator(".attachment")).to_have_text("Done")
    thanks = post_by_text(clicker, "Thanks for approving!")
    expect(thanks).to_contain_text("(Only visible to you)")
    expect(post_by_text(watcher, "Thanks for approving!")).to_have_count(0)
    after = expect_status(people.owner.api.get(f"/posts/{stored['id']}"), 200)
    assert after["message"] == "Deploy approved"
    shot(clicker, "attachments-after-action")
    assert people.errors == []


def test_a_poll_made_in_the_composer_is_voted_on_from_the_page(
    people: TwoPeople, admin: LoggedIn
) -> None:
    expect_status(admin.api.post("/plugins/roost.polls/enable"), 200)
    channel = joined(people)
    listing = f"/teams/{people.team['id']}/commands/autocomplete"

    def has_poll() -> bool:
        listed = expect_status(people.owner.api.get(listing), 200)
        return "poll" in {c["trigger"] for c in listed}

    deadline = time.monotonic() + 20
    while not has_poll() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert has_poll(), "the polls plugin did not start"
    asker, voter = people.owner_page, people.member_page
    people.open(asker, channel["name"])
    people.open(voter, channel["name"])
    box = asker.get_by_test_id("message-box")
    box.fill('/poll "Lunch?" "Pizza" "Sushi"')
    box.press("Enter")
    poll = post_by_text(voter, "Poll: Lunch?")
    expect(poll).to_be_visible()
    group = poll.get_by_role("group", name="Vote")
    group.get_by_role("button", name="Sushi").click()
    expect(group.get_by_role("button", name="Sushi")).to_have_attribute("aria-pressed", "true")
    # The tally changes in everyone's page (the plugin edits the post).
    expect(post_by_text(asker, "Poll: Lunch?")).to_contain_text(re.compile(r"Sushi: 1"))
    expect(poll).to_contain_text("1 voted")
    listed = expect_status(people.owner.api.get(f"/channels/{channel['id']}/posts?per_page=5"), 200)
    messages = [listed["posts"][i]["message"] for i in listed["order"]]
    assert any("- Sushi: **1**" in m for m in messages)
    assert not any(m.startswith("/poll") for m in messages)
    poll_id = next(
        p["props"]["poll_id"] for p in listed["posts"].values() if p["props"].get("poll_id")
    )
    # The plugin's own route (outside /api/v4, as Mattermost serves plugins).
    found = httpx.get(
        f"{people.base}/plugins/roost.polls/api/v1/polls/{poll_id}",
        headers={"Authorization": f"Bearer {people.owner.token}"},
    ).json()
    assert found["votes"] == {people.member.id: 1}
    shot(voter, "attachments-poll")
    assert people.errors == []


def open_dialog(
    people: TwoPeople, admin: LoggedIn, receiver: Receiver, channel: dict[str, Any], **dialog: Any
) -> str:
    """The member runs a slash command; the integration (an admin's token) answers its
    trigger id with a dialog. Returns the path the dialog submits to."""
    command_path, submit_path = path(), path()
    receiver.answer(command_path, Answer(200, b"{}"))
    trigger = f"d{uuid.uuid4().hex[:8]}"
    body = {
        "team_id": people.team["id"],
        "trigger": trigger,
        "url": receiver.url(command_path),
        "method": "P",
    }
    expect_status(people.owner.api.post("/commands", body), 201)
    box = people.member_page.get_by_test_id("message-box")
    box.fill(f"/{trigger}")
    box.press("Enter")
    trigger_id = receiver.wait(command_path).form()["trigger_id"]
    opened = {"trigger_id": trigger_id, "url": receiver.url(submit_path), "dialog": dialog}
    expect_status(admin.api.post("/actions/dialogs/open", opened), 200)
    return submit_path


def test_an_interactive_dialog_is_filled_in_checked_and_sent(
    people: TwoPeople, admin: LoggedIn, receiver: Receiver
) -> None:
    channel = joined(people)
    page = people.member_page
    people.open(page, channel["name"])
    elements = [
        {"display_name": "Title", "name": "title", "type": "text", "help_text": "One line"},
        {"display_name": "Details", "name": "details", "type": "textarea", "optional": True},
        {
            "display_name": "Severity",
            "name": "severity",
            "type": "select",
            "default": "low",
            "options": [{"text": "Low", "value": "low"}, {"text": "High", "value": "high"}],
        },
        {"display_name": "Assignee", "name": "who", "type": "select", "data_source": "users"},
        {"display_name": "Urgent", "name": "urgent", "type": "bool", "placeholder": "Page now"},
        {
            "display_name": "Kind",
            "name": "kind",
            "type": "radio",
            "options": [{"text": "Bug", "value": "bug"}, {"text": "Idea", "value": "idea"}],
        },
    ]
    submit_path = open_dialog(
        people,
        admin,
        receiver,
        channel,
        callback_id="bug",
        state="s1",
        title="File a bug",
        introduction_text="Tell us **what** broke",
        submit_label="File",
        elements=elements,
    )
    form = page.get_by_role("dialog", name="File a bug")
    expect(form).to_be_visible()
    expect(form.locator(".dialog-intro strong")).to_have_text("what")
    # Required fields are checked in the page: nothing reaches the integration.
    form.get_by_role("button", name="File").click()
    expect(form.locator("#dialog-title-problem")).to_have_text("This field is required.")
    expect(form.locator("#dialog-kind-problem")).to_have_text("This field is required.")
    receiver.nothing(submit_path)

    form.get_by_label("Title").fill("Crash")
    form.get_by_label("Severity").select_option("high")
    form.get_by_label("Search Assignee").fill(people.owner.username)
    assignee = form.locator("#dialog-who")
    expect(assignee.locator(f"option[value='{people.owner.id}']")).to_have_count(1)
    assignee.select_option(people.owner.id)
    form.get_by_label("Page now").check()
    form.get_by_label("Idea").check()
    shot(page, "interactive-dialog")
    # The integration finds the title wrong: its words show at the field; then it accepts.
    receiver.answer(
        submit_path,
        Answer(200, b'{"errors": {"title": "Say more than one word"}}'),
        Answer(200, b"{}"),
    )
    form.get_by_role("button", name="File").click()
    expect(form.locator("#dialog-title-problem")).to_have_text("Say more than one word")
    first = receiver.wait(submit_path).json()
    assert first["type"] == "dialog_submission" and first["cancelled"] is False
    assert first["callback_id"] == "bug" and first["state"] == "s1"
    assert first["channel_id"] == channel["id"] and first["team_id"] == people.team["id"]
    assert first["submission"] == {
        "title": "Crash",
        "details": "",
        "severity": "high",
        "who": people.owner.id,
        "urgent": True,
        "kind": "idea",
    }
    form.get_by_label("Title").fill("Crash on start")
    form.get_by_role("button", name="File").click()
    expect(form).to_have_count(0)
    assert receiver.wait(submit_path).json()["submission"]["title"] == "Crash on start"

    # Cancelled: the integration hears of it when it asked to.
    cancel_path = open_dialog(
        people, admin, receiver, channel, title="Quick poll", notify_on_cancel=True, elements=[]
    )
    receiver.answer(cancel_path, Answer(200, b"{}"))
    quick = page.get_by_role("dialog", name="Quick poll")
    expect(quick).to_be_visible()
    quick.get_by_role("button", name="Cancel").click()
    expect(quick).to_have_count(0)
    assert receiver.wait(cancel_path).json()["cancelled"] is True
    assert people.errors == []
