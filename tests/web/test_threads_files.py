"""The Threads view's paging and filters, files dropped or pasted into the composer and
shown as cards, and a person's own settings: profile and desktop notifications."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page, expect

from tests.support.client import expect as expect_status
from tests.support.client import unique
from tests.web.browser import login_cookie, new_context, post_by_text, shot
from tests.web.people import TwoPeople, two_people

THREADS = 30  # more than the view's page of 25
PAGE = 25
MENTIONED = 2

# Stands in for the desktop's notification display (headless Chromium has none): it
# records what the page asked to show.
NOTIFICATION_SPY = """
window.__shown = [];
const Real = window.Notification;
class Shown {
    constructor(title, options) { this.title = title; this.body = options && options.body; window.__shown.push(this); }
    close() {}
    static get permission() { return Real.permission; }
    static requestPermission() { return Real.requestPermission(); }
}
window.Notification = Shown;
"""


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "threads")
    yield both
    both.close()


def test_threads_page_and_filter_unread_mentions(people: TwoPeople) -> None:
    town = people.by_name("town-square")
    roots = [people.post(town["id"], f"topic {i:02d}", by=people.member) for i in range(THREADS)]
    for i, root in enumerate(roots):
        # The oldest threads hold the mentions: the filter has to page to find them.
        text = f"@{people.member.username} answer {i:02d}" if i < MENTIONED else f"answer {i:02d}"
        people.post(town["id"], text, root_id=root["id"])
    member = people.member_page
    member.goto(f"{people.base}/{people.team_name}/threads")
    items = member.locator(".thread-item")
    expect(items).to_have_count(PAGE)
    expect(items.first).to_contain_text(f"topic {THREADS - 1:02d}")
    member.get_by_role("button", name="Load more").click()
    expect(items).to_have_count(THREADS)
    expect(items.last).to_contain_text("topic 00")
    expect(member.get_by_role("button", name="Load more")).to_have_count(0)
    member.get_by_role("tab", name="Mentions").click()
    expect(items).to_have_count(MENTIONED)
    for i in range(MENTIONED):
        expect(items.nth(i).locator(".badge")).to_have_text("1")
    expect(member.get_by_role("tab", name="Mentions")).to_have_attribute("aria-selected", "true")
    shot(member, "threads-mentions")
    # Reading one of them takes it out of the count; the unread filter still pages.
    items.first.click()
    expect(
        member.get_by_test_id("thread").locator("[data-testid=message]", has_text="answer 01")
    ).to_be_visible()
    expect(items.first.locator(".badge")).to_have_count(0)
    member.get_by_role("tab", name="Unread").click()
    expect(items).to_have_count(PAGE)
    member.get_by_role("button", name="Load more").click()
    expect(items).to_have_count(THREADS - 1)
    member.get_by_role("tab", name="Mentions").click()
    expect(items).to_have_count(MENTIONED - 1)


def drop_file(page: Page, name: str, text: str) -> None:
    """What the browser does when a file is dragged from the desktop onto the channel."""
    page.evaluate(
        """([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: 'text/plain'}));
            const zone = document.querySelector('.channel .post-list');
            for (const type of ['dragenter', 'dragover']) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
            }
        }""",
        [name, text],
    )
    expect(page.locator(".channel.dragging")).to_have_count(1)
    shot(page, "files-dragging")
    page.evaluate(
        """([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: 'text/plain'}));
            const zone = document.querySelector('.channel .post-list');
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        [name, text],
    )


def paste_image(page: Page, name: str, png: bytes) -> None:
    page.get_by_test_id("message-box").evaluate(
        """(box, [name, data]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const clipboard = new DataTransfer();
            clipboard.items.add(new File([bytes], name, {type: 'image/png'}));
            box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: clipboard, bubbles: true, cancelable: true}));
        }""",
        [name, base64.b64encode(png).decode()],
    )


def test_drop_and_paste_files_into_the_composer(people: TwoPeople) -> None:
    member = people.member_page
    people.open(member, "off-topic")
    # Reloaded with a socket open: online (the fetch at connect must not undo the event).
    expect(member.locator(".me .presence")).to_have_attribute("data-status", "online")
    notes = "meeting notes\n" * 100
    drop_file(member, "notes.txt", notes)
    expect(member.locator(".channel.dragging")).to_have_count(0)
    expect(member.locator(".pending-files .chip", has_text="notes.txt")).to_be_visible()
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(image, format="PNG")
    paste_image(member, "pasted.png", image.getvalue())
    expect(member.locator(".pending-files .chip", has_text="pasted.png")).to_be_visible()
    member.get_by_test_id("message-box").fill("two files")
    member.get_by_test_id("message-box").press("Enter")
    post = post_by_text(member, "two files")
    card = post.get_by_test_id("file-card")
    expect(card).to_have_count(1)
    expect(card.locator(".file-name")).to_have_text("notes.txt")
    expect(card).to_contain_text("1.4 KB")
    expect(card.locator(".file-kind")).to_have_text("TXT")
    thumbnail = post.locator(".files img")
    expect(thumbnail).to_have_attribute("alt", "pasted.png")
    thumbnail.evaluate("img => img.decode()")
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    shot(member, "files-card")
    download = card.get_by_role("link", name="Download notes.txt")
    href = download.get_attribute("href") or ""
    assert re.fullmatch(r"/api/v4/files/[0-9a-z]{26}\?download=1", href), href
    response = member.context.request.get(people.base + href)
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.text() == notes
    # The other person sees the same card.
    people.open(people.owner_page, "off-topic")
    expect(post_by_text(people.owner_page, "two files").locator(".file-name")).to_have_text(
        "notes.txt"
    )


def test_too_many_files_at_once_are_refused_before_uploading(people: TwoPeople) -> None:
    member = people.member_page
    people.open(member, "town-square")
    files: list[FilePayload] = [
        {"name": f"f{i}.txt", "mimeType": "text/plain", "buffer": b"x"} for i in range(11)
    ]
    member.get_by_label("Attach files").set_input_files(files)
    expect(member.locator(".composer .error")).to_have_text("At most 10 files on one message.")
    expect(member.locator(".pending-files")).to_have_count(0)


def test_settings_profile_and_desktop_notifications(people: TwoPeople, browser: Browser) -> None:
    context = new_context(browser)
    context.grant_permissions(["notifications"], origin=people.base)
    context.add_init_script(NOTIFICATION_SPY)
    login_cookie(context, people.base, people.member)
    page = context.new_page()
    people.open(page, "town-square")
    page.get_by_role("button", name="Settings").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("First name").fill("Mia")
    dialog.get_by_label("Nickname").fill("mimi")
    dialog.get_by_role("button", name="Save profile").click()
    expect(dialog.get_by_role("status")).to_have_text("Saved.")
    dialog.get_by_role("tab", name="Notifications").click()
    dialog.get_by_role("button", name="Turn on").click()
    expect(dialog.get_by_role("button", name="Turn off")).to_be_visible()
    shot(page, "settings")
    page.keyboard.press("Escape")
    me = expect_status(people.member.api.get("/users/me"), 200)
    assert (me["first_name"], me["nickname"]) == ("Mia", "mimi")
    page.get_by_role("button", name="Members", exact=True).click()
    expect(page.locator(f"li[data-user='{people.member.username}']")).to_contain_text("Mia · mimi")
    # A mention in another channel shows a notification; a plain message does not.
    off_topic = people.by_name("off-topic")
    expect_status(
        people.member.api.post(
            f"/channels/{off_topic['id']}/members", {"user_id": people.member.id}
        ),
        201,
    )
    word = unique("ping")
    people.post(off_topic["id"], f"plain {word}")
    people.post(off_topic["id"], f"@{people.member.username} look {word}")
    page.wait_for_function("window.__shown.length > 0")
    shown = page.evaluate("window.__shown.map((n) => [n.title, n.body])")
    assert shown == [
        [f"{people.owner.username} in Off-Topic", f"@{people.member.username} look {word}"]
    ]
    # Clicking it opens the channel.
    page.evaluate("window.__shown[0].onclick()")
    expect(page).to_have_url(people.url("off-topic"))
    context.close()


def test_no_uncaught_errors(people: TwoPeople) -> None:
    assert people.errors == []
