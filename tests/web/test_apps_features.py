"""What issue 18's server features look like in the web client: sidebar categories and
favorites, custom emoji, saved messages, mark as unread and custom statuses, each used
through the page as a person would, and seen live where Mattermost shows them live."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.client import expect as expect_status
from tests.support.client import unique
from tests.support.files import png
from tests.web.browser import confirm, post_by_text, shot
from tests.web.people import TwoPeople, two_people


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "apps")
    yield both
    both.close()


def section(page: Page, name: str) -> Locator:
    """A sidebar category by its title."""
    return page.locator(
        ".sidebar section", has=page.locator("h3", has_text=re.compile(f"^.{{0,3}}{name}", re.I))
    )


def link(page: Page, channel: str) -> Locator:
    return page.locator(f".sidebar a[data-channel='{channel}']")


def post_menu(scope: Page | Locator, text: str, item: str) -> None:
    """Choose an item from a post's ⋯ menu (in the page or a part of it)."""
    post = post_by_text(scope, text)
    post.hover()
    post.get_by_role("button", name="More actions").click()
    post.get_by_role("menuitem", name=item).click()


def joined(people: TwoPeople, name: str) -> dict[str, str]:
    channel = people.channel(name)
    expect_status(
        people.member.api.post(f"/channels/{channel['id']}/members", {"user_id": people.member.id}),
        201,
    )
    return channel


def test_sidebar_categories_favorites_and_moving_channels(people: TwoPeople) -> None:
    name = unique("cat-")
    people.channel(name)
    page = people.owner_page
    people.open(page, name)
    # Another tab of the same person follows every change live.
    other = page.context.new_page()
    people.open(other, "town-square")
    expect(section(page, "Channels").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(section(page, "Direct Messages")).to_be_visible()
    expect(section(page, "Favorites")).to_have_count(0)  # empty: not shown

    page.get_by_role("button", name="Favorite", exact=True).click()
    expect(section(page, "Favorites").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(page.get_by_role("button", name="Unfavorite")).to_be_visible()
    expect(section(other, "Favorites").locator(f"a[data-channel='{name}']")).to_be_visible()

    # Move to... a new category, from the channel's menu in the sidebar.
    row = page.locator(f".sidebar .item-row:has(a[data-channel='{name}'])")
    row.hover()
    row.get_by_role("button", name=re.compile("Channel options")).click()
    page.get_by_role("menuitem", name="New category").click()
    page.get_by_role("textbox", name="Name").fill("Projects")
    page.get_by_role("button", name="Create").click()
    expect(section(page, "Projects").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(section(page, "Favorites")).to_have_count(0)
    expect(section(other, "Projects").locator(f"a[data-channel='{name}']")).to_be_visible()

    # Rename it.
    section(page, "Projects").get_by_role("button", name=re.compile("Category options")).click()
    page.get_by_role("menuitem", name="Rename category").click()
    page.get_by_role("textbox", name="Name").fill("Work")
    page.get_by_role("button", name="Rename").click()
    expect(section(page, "Work").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(section(other, "Work")).to_be_visible()

    # Move to... Channels and back to Work from the menu's list.
    row.hover()
    row.get_by_role("button", name=re.compile("Channel options")).click()
    page.get_by_role("menuitem", name="Channels", exact=True).click()
    expect(section(page, "Channels").locator(f"a[data-channel='{name}']")).to_be_visible()
    row.hover()
    row.get_by_role("button", name=re.compile("Channel options")).click()
    page.get_by_role("menuitem", name="Work", exact=True).click()
    expect(section(page, "Work").locator(f"a[data-channel='{name}']")).to_be_visible()

    # Drag it onto Channels, and back onto Work (the server keeps each move).
    row.drag_to(section(page, "Channels").locator("h3"))
    expect(section(page, "Channels").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(section(other, "Channels").locator(f"a[data-channel='{name}']")).to_be_visible()
    row.drag_to(section(page, "Work").locator("h3"))
    expect(section(page, "Work").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(section(other, "Work").locator(f"a[data-channel='{name}']")).to_be_visible()

    # Collapsing hides its read channels (the open one stays): go elsewhere first.
    link(page, "town-square").click()
    section(page, "Work").locator(".category-toggle").click()
    expect(section(page, "Work").locator(f"a[data-channel='{name}']")).to_have_count(0)
    expect(section(other, "Work").locator(f"a[data-channel='{name}']")).to_have_count(0)
    shot(page, "apps-categories")
    section(page, "Work").locator(".category-toggle").click()
    expect(section(page, "Work").locator(f"a[data-channel='{name}']")).to_be_visible()

    # Deleting it sends its channel back to Channels.
    section(page, "Work").get_by_role("button", name=re.compile("Category options")).click()
    page.get_by_role("menuitem", name="Delete category").click()
    confirm(page, "Delete")
    expect(section(page, "Work")).to_have_count(0)
    expect(section(page, "Channels").locator(f"a[data-channel='{name}']")).to_be_visible()
    expect(section(other, "Work")).to_have_count(0)
    other.close()
    assert people.errors == []


def test_custom_emoji_upload_pick_and_render(
    people: TwoPeople, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("emoji")
    image = folder / "parrot.png"
    image.write_bytes(png(64, 64))
    text_file = folder / "notes.png"
    text_file.write_bytes(b"not an image at all")
    name = unique("parrot").lower().replace("-", "_")
    member, owner = people.member_page, people.owner_page
    people.open(member, "town-square")
    people.open(owner, "town-square")
    greeting = unique("emoji hello")
    people.post(people.by_name("town-square")["id"], greeting)

    post = post_by_text(member, greeting)
    post.hover()
    post.get_by_role("button", name="Add reaction").first.click()
    member.get_by_role("button", name="Add custom emoji").click()
    dialog = member.get_by_role("form", name="Add custom emoji")
    # The server's refusals, in its words: a file that is no image, then a taken name.
    dialog.get_by_role("textbox", name="Name").fill(name)
    dialog.get_by_label("Image").set_input_files(str(text_file))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_be_visible()
    dialog.get_by_role("textbox", name="Name").fill("smile")
    dialog.get_by_label("Image").set_input_files(str(image))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_be_visible()
    dialog.get_by_role("textbox", name="Name").fill(name)
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)

    # The other person gets it live (emoji_added): a message naming it shows the image.
    owner.get_by_label("Message", exact=True).fill(f"look :{name}: here")
    owner.keyboard.press("Enter")
    for page in (owner, member):
        img = post_by_text(page, "look").locator("img.emoji.custom")
        expect(img).to_have_attribute("src", re.compile(r"^/api/v4/emoji/[a-z0-9]{26}/image$"))
        expect(img).to_have_js_property("complete", True)
        assert img.evaluate("i => i.naturalWidth") > 0

    # Picked from the picker as a reaction, shown as the image on both sides.
    post = post_by_text(owner, greeting)
    post.hover()
    post.get_by_role("button", name="Add reaction").first.click()
    picker = owner.get_by_role("dialog", name="Emoji picker")
    picker.get_by_placeholder("Search emoji").fill(name[:8])
    picker.locator(f"[data-emoji='{name}']").click()
    for page in (owner, member):
        expect(
            post_by_text(page, greeting).locator(f".reaction[data-emoji='{name}'] img.emoji.custom")
        ).to_be_visible()
    shot(member, "apps-custom-emoji")
    assert people.errors == []


def test_saved_messages(people: TwoPeople) -> None:
    name = unique("saved-")
    channel = joined(people, name)
    text = unique("keep this")
    people.post(channel["id"], text)
    people.post(channel["id"], "not this one")
    page = people.member_page
    people.open(page, name)
    other = page.context.new_page()
    people.open(other, name)

    post_menu(page, text, "Save")
    expect(post_by_text(page, text).get_by_test_id("saved-label")).to_be_visible()
    expect(post_by_text(other, text).get_by_test_id("saved-label")).to_be_visible()  # live
    expect(post_by_text(page, "not this one").get_by_test_id("saved-label")).to_have_count(0)

    page.get_by_role("button", name="Saved messages").click()
    panel = page.get_by_role("complementary", name="Saved messages")
    expect(post_by_text(panel, text)).to_be_visible()
    expect(post_by_text(panel, "not this one")).to_have_count(0)
    shot(page, "apps-saved")

    # Unsaved from the panel's own copy: it leaves the list, and the mark goes everywhere.
    post_menu(panel, text, "Unsave")
    expect(post_by_text(panel, text)).to_have_count(0)
    expect(
        post_by_text(page.locator(".post-list"), text).get_by_test_id("saved-label")
    ).to_have_count(0)
    expect(post_by_text(other, text).get_by_test_id("saved-label")).to_have_count(0)
    other.close()
    assert people.errors == []


def test_mark_as_unread(people: TwoPeople) -> None:
    name = unique("unread-")
    channel = joined(people, name)
    for i in range(4):
        people.post(channel["id"], f"line {i}")
    page = people.member_page
    people.open(page, name)
    other = page.context.new_page()
    people.open(other, "town-square")
    expect(link(page, name)).not_to_have_class(re.compile(r"\bunread\b"))
    expect(link(other, name)).not_to_have_class(re.compile(r"\bunread\b"))

    post_menu(page, "line 2", "Mark as unread")
    # Unread from there, while still looking at it, with the line above that post.
    expect(link(page, name)).to_have_class(re.compile(r"\bunread\b"))
    expect(page.locator("[data-testid=new-messages] + .post [data-testid=message]")).to_have_text(
        "line 2"
    )
    # The other tab hears of it (post_unread).
    expect(link(other, name)).to_have_class(re.compile(r"\bunread\b"))
    # A new message while looking does not read it again...
    people.post(channel["id"], "line 4")
    expect(post_by_text(page, "line 4")).to_be_visible()
    expect(link(page, name)).to_have_class(re.compile(r"\bunread\b"))
    shot(page, "apps-mark-unread")
    # ...coming back does.
    link(page, "town-square").click()
    link(page, name).click()
    expect(link(other, name)).not_to_have_class(re.compile(r"\bunread\b"))
    other.close()
    assert people.errors == []


def test_custom_status(people: TwoPeople) -> None:
    member, owner = people.member_page, people.owner_page
    people.open(member, "town-square")
    text = unique("status")
    people.post(people.by_name("town-square")["id"], text, by=people.member)
    # The owner has a direct message with the member, where the status shows.
    dm = expect_status(
        people.owner.api.post("/channels/direct", [people.owner.id, people.member.id]), 201
    )
    people.post(dm["id"], "hi there")
    people.open(owner, "town-square")
    dm_link = link(owner, dm["name"])
    expect(dm_link).to_be_visible()

    member.get_by_role("button", name="Set status").click()
    member.get_by_role("menuitem", name="Set a custom status").click()
    form = member.get_by_role("form", name="Set a status")
    form.get_by_role("button", name="Choose an emoji").click()
    member.get_by_role("dialog", name="Emoji picker").locator("[data-emoji='coffee']").click()
    form.get_by_label("Status").fill("In a meeting")
    form.get_by_label("Clear after").select_option("one_hour")
    form.get_by_role("button", name="Set status").click()
    expect(form).to_have_count(0)
    mine = member.get_by_test_id("my-custom-status")
    expect(mine).to_have_text("☕")
    expect(mine).to_have_attribute("title", "In a meeting")

    # The others see it live: next to the name in direct messages and on posts.
    expect(dm_link.get_by_test_id("custom-status")).to_have_text("☕")
    author_status = post_by_text(owner, text).get_by_test_id("custom-status")
    expect(author_status).to_have_attribute("title", "In a meeting")
    shot(owner, "apps-custom-status")
    me = expect_status(people.member.api.get("/users/me"), 200)
    assert '"duration":"one_hour"' in me["props"]["customStatus"].replace(" ", "")

    member.get_by_role("button", name="Set status").click()
    member.get_by_role("menuitem", name="Clear custom status").click()
    expect(mine).to_have_count(0)
    expect(dm_link.get_by_test_id("custom-status")).to_have_count(0)
    expect(author_status).to_have_count(0)
    assert people.errors == []
