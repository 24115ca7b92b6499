"""Custom user groups in the web client: made from the Groups dialog with their members,
listed, offered in the composer's @ suggestions, and a mention of one reaches its
members."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.support.client import expect as expect_status
from tests.support.client import unique
from tests.web.browser import shot
from tests.web.people import TwoPeople, two_people


@pytest.fixture(scope="module")
def people(server: str, browser: Browser) -> Iterator[TwoPeople]:
    both = two_people(server, browser, "groups")
    yield both
    both.close()


def test_a_group_is_made_suggested_and_mentioned(people: TwoPeople) -> None:
    owner = people.owner_page
    name = unique("crew")[:20]
    channel = people.channel(unique("grp-"))
    members = f"/channels/{channel['id']}/members"
    expect_status(people.member.api.post(members, {"user_id": people.member.id}), 201)
    people.open(owner, channel["name"])

    owner.get_by_role("button", name="Groups").click()
    dialog = owner.get_by_role("dialog")
    dialog.get_by_role("button", name="Create a group").click()
    form = dialog.get_by_role("form", name="Create a group")
    form.get_by_label("Name", exact=True).fill(f"Crew {name}")
    expect(form.get_by_label("Mention")).to_have_value(f"crew-{name}")
    form.get_by_label("Add people").fill(people.member.username)
    form.get_by_role("list", name="People found").get_by_role("button", name="Add").click()
    expect(form.get_by_label("Members")).to_contain_text(f"@{people.member.username}")
    form.get_by_role("button", name="Create").click()
    row = dialog.get_by_role("list", name="User groups").locator(f"li[data-group='crew-{name}']")
    expect(row).to_contain_text("1 members")
    shot(owner, "user-groups")
    dialog.get_by_role("button", name="Close").click()

    box = owner.get_by_test_id("message-box")
    box.fill(f"@crew-{name[:6]}")
    suggestion = owner.get_by_role("option", name=f"@crew-{name}")
    expect(suggestion).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value(f"@crew-{name} ")
    box.press_sequentially("standup now")
    box.press("Enter")
    # The group's member is mentioned (as by @name): a mention in their count.
    member = f"/channels/{channel['id']}/members/{people.member.id}"

    def mentions() -> int:
        return int(expect_status(people.member.api.get(member), 200)["mention_count"])

    expect(owner.locator("[data-testid=post]", has_text="standup now")).to_be_visible()
    assert mentions() == 1
    assert people.errors == []
