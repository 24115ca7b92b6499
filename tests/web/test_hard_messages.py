"""Messages that are hard to show or to send (issue 22's bad input): right-to-left text,
emoji only, a message longer than the server takes, a pasted image larger than it takes
(a server of this module's own, with a 1 MB file limit), and a send while the server
cannot be reached: shown right or refused in words, and no typed text or attached file
lost."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.support.client import expect as expect_status
from tests.support.databases import database
from tests.support.server import running_server
from tests.web.browser import post_by_text, shot
from tests.web.people import TwoPeople, two_people

HEBREW = "שלום לכולם, מה שלומכם היום?"
ARABIC = "مرحبا بالجميع"
MAX_POST_SIZE = 16383  # Mattermost's (Roost's default ServiceSettings.MaxPostSize)


FILE_LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def small_files_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("roost-web-hard")
    env = {"ROOST_MAX_FILE_SIZE": str(FILE_LIMIT)}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


@pytest.fixture(scope="module")
def people(small_files_server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(small_files_server, browser, "hard")
    yield both
    both.close()


def test_right_to_left_and_emoji_only_messages(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")
    town = people.by_name("town-square")
    for text in (HEBREW, ARABIC, "🎉🎉🎉", "mixed: English first, then שלום"):
        people.post(town["id"], text)
    for text in (HEBREW, ARABIC):
        message = post_by_text(page, text).get_by_test_id("message")
        expect(message).to_have_text(text)
        assert message.evaluate("el => getComputedStyle(el).direction") == "rtl"
    mixed = post_by_text(page, "mixed:").get_by_test_id("message")
    assert mixed.evaluate("el => getComputedStyle(el).direction") == "ltr"
    expect(post_by_text(page, "🎉🎉🎉").get_by_test_id("message")).to_have_text("🎉🎉🎉")
    # Typed right to left, the box reads right to left too.
    box = page.get_by_test_id("message-box")
    box.fill(HEBREW)
    assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
    box.press("Enter")
    expect(post_by_text(page, HEBREW)).to_have_count(2)
    shot(page, "hard-rtl-emoji")
    assert people.errors == []


def test_a_message_too_long_is_refused_and_kept(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")
    box = page.get_by_test_id("message-box")
    text = "long " * (MAX_POST_SIZE // 5 + 20)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".composer [role=alert]")).to_be_visible()
    expect(box).to_have_value(text.strip())
    expect(post_by_text(page, "long long long")).to_have_count(0)
    box.fill("")


def test_a_send_while_the_server_is_unreachable_keeps_the_text_and_the_file(
    people: TwoPeople,
) -> None:
    page = people.member_page
    people.open(page, "town-square")
    page.get_by_label("Attach files").set_input_files(
        {"name": "kept.txt", "mimeType": "text/plain", "buffer": b"still here"}
    )
    expect(page.locator(".pending-files .chip", has_text="kept.txt")).to_be_visible()

    def unreachable(route: Route) -> None:
        route.abort("internetdisconnected")

    posts = re.compile(r"/api/v4/posts$")
    page.route(posts, unreachable)
    box = page.get_by_test_id("message-box")
    box.fill("sent when the network is back")
    box.press("Enter")
    expect(page.locator(".composer [role=alert]")).to_contain_text("Can't reach the server")
    expect(box).to_have_value("sent when the network is back")
    expect(page.locator(".pending-files .chip", has_text="kept.txt")).to_be_visible()
    page.unroute(posts, unreachable)
    box.press("Enter")
    sent = post_by_text(page, "sent when the network is back")
    expect(sent).to_be_visible()
    expect(sent).to_contain_text("kept.txt")
    expect(box).to_have_value("")
    town = people.by_name("town-square")
    listed = expect_status(people.owner.api.get(f"/channels/{town['id']}/posts?per_page=5"), 200)
    newest = listed["posts"][listed["order"][0]]
    assert newest["message"] == "sent when the network is back" and len(newest["file_ids"]) == 1


def test_a_pasted_image_over_the_limit_is_refused_in_words(people: TwoPeople) -> None:
    page = people.member_page
    people.open(page, "town-square")
    box = page.get_by_test_id("message-box")
    box.fill("look at this")
    # A 2 MB screenshot pasted into the box (the server takes 1 MB).
    box.evaluate(
        """(el, size) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(size)], 'screenshot.png', {type: 'image/png'}));
            el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        2 * FILE_LIMIT,
    )
    expect(page.locator(".composer [role=alert]")).to_contain_text("screenshot.png")
    expect(page.locator(".composer [role=alert]")).to_contain_text("larger than")
    expect(page.locator(".pending-files .chip", has_text="screenshot.png")).to_have_count(0)
    expect(box).to_have_value("look at this")
    shot(page, "hard-paste-too-big")
    assert people.errors == []
