"""Channel bookmarks (``/channels/{channel_id}/bookmarks``): links and files pinned to a
channel, who may change them, their events, and the 50-per-channel limit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.chat import channel_with, make_dm, team_with
from tests.support.client import LoggedIn, expect
from tests.support.files import upload_one
from tests.support.ws import listening

User = Callable[..., LoggedIn]
LIMIT = 50  # Mattermost's MaxBookmarksPerChannel


def link(name: str = "Docs", url: str = "https://example.com/docs", **more: Any) -> dict[str, Any]:
    return {"type": "link", "display_name": name, "link_url": url, **more}


def create(user: LoggedIn, channel_id: str, body: dict[str, Any]) -> httpx.Response:
    return user.api.post(f"/channels/{channel_id}/bookmarks", body)


def patch(user: LoggedIn, channel_id: str, bookmark_id: str, body: Any) -> httpx.Response:
    return user.api.http.patch(f"/channels/{channel_id}/bookmarks/{bookmark_id}", json=body)


def listed(user: LoggedIn, channel_id: str, since: int = 0) -> list[dict[str, Any]]:
    params = {"bookmarks_since": since} if since else {}
    found: list[dict[str, Any]] = expect(
        user.api.get(f"/channels/{channel_id}/bookmarks", params=params), 200
    )
    return found


def test_create_list_patch_sort_delete_with_events(msg_server: str, user_on: User) -> None:
    owner, member = user_on(), user_on()
    team = team_with(owner, member)
    channel = channel_with(owner, team["id"], member)
    cid = channel["id"]
    with listening(msg_server, member) as (ws,):
        first = expect(create(owner, cid, link("Docs", emoji=":book:")), 201)
        assert first["owner_id"] == owner.id and first["channel_id"] == cid
        assert first["type"] == "link" and first["sort_order"] == 0
        assert first["link_url"] == "https://example.com/docs" and first["emoji"] == ":book:"
        event = ws.wait_for("channel_bookmark_created")
        assert json.loads(event["data"]["bookmark"])["id"] == first["id"]
        assert event["broadcast"]["channel_id"] == cid

        second = expect(create(owner, cid, link("Board", "https://example.com/b")), 201)
        third = expect(create(member, cid, link("Wiki", "http://wiki.example.com")), 201)
        assert (second["sort_order"], third["sort_order"]) == (1, 2)
        names = [b["display_name"] for b in listed(member, cid)]
        assert names == ["Docs", "Board", "Wiki"]

        # The owner's own edit changes the bookmark in place.
        changed = expect(patch(owner, cid, first["id"], {"display_name": "Handbook"}), 200)
        assert changed["updated"]["id"] == first["id"]
        assert changed["updated"]["display_name"] == "Handbook" and "deleted" not in changed
        updated = ws.wait_for("channel_bookmark_updated")
        assert json.loads(updated["data"]["bookmarks"])["updated"]["display_name"] == "Handbook"

        # Another member's edit replaces it with their own copy, as Mattermost's.
        taken = expect(patch(member, cid, second["id"], {"link_url": "https://example.com/c"}), 200)
        assert taken["deleted"]["id"] == second["id"] and taken["deleted"]["delete_at"] > 0
        copy = taken["updated"]
        assert copy["id"] != second["id"] and copy["original_id"] == second["id"]
        assert copy["owner_id"] == member.id and copy["link_url"] == "https://example.com/c"
        assert copy["sort_order"] == second["sort_order"]

        # Move the last to the front.
        ordered = expect(
            owner.api.post(f"/channels/{cid}/bookmarks/{third['id']}/sort_order", 0), 200
        )
        assert [b["id"] for b in ordered] == [third["id"], first["id"], copy["id"]]
        assert [b["sort_order"] for b in ordered] == [0, 1, 2]
        sorted_event = ws.wait_for("channel_bookmark_sorted")
        assert [b["id"] for b in json.loads(sorted_event["data"]["bookmarks"])] == [
            third["id"],
            first["id"],
            copy["id"],
        ]
        assert [b["id"] for b in listed(member, cid)] == [b["id"] for b in ordered]

        before_delete = listed(owner, cid)[0]["update_at"]
        gone = expect(owner.api.delete(f"/channels/{cid}/bookmarks/{first['id']}"), 200)
        assert gone["id"] == first["id"] and gone["delete_at"] > 0
        deleted = ws.wait_for("channel_bookmark_deleted")
        assert json.loads(deleted["data"]["bookmark"])["id"] == first["id"]
    assert [b["id"] for b in listed(owner, cid)] == [third["id"], copy["id"]]
    # Since a time: what changed, deleted ones included, so a client can drop them.
    since = listed(owner, cid, since=before_delete)
    assert first["id"] in {b["id"] for b in since}
    assert any(b["delete_at"] > 0 for b in since)
    r = owner.api.delete(f"/channels/{cid}/bookmarks/{first['id']}")
    assert r.status_code == 404
    assert r.json()["id"] == "app.channel.bookmark.get.app_error"


def test_file_bookmark_is_readable_by_the_channel(msg_server: str, user_on: User) -> None:
    owner, member, outsider = user_on(), user_on(), user_on()
    team = team_with(owner, member, outsider)
    channel = channel_with(owner, team["id"], member, type="P")
    cid = channel["id"]
    info = upload_one(owner, cid, "plan.txt", b"the plan")
    # Before it is bookmarked, only its uploader reads it.
    assert member.api.get(f"/files/{info['id']}").status_code == 403
    made = expect(
        create(owner, cid, {"type": "file", "display_name": "Plan", "file_id": info["id"]}), 201
    )
    assert made["type"] == "file" and made["file_id"] == info["id"]
    assert made["file"]["name"] == "plan.txt" and made["file"]["size"] == 8
    assert listed(member, cid)[0]["file"]["id"] == info["id"]
    got = member.api.get(f"/files/{info['id']}")
    assert got.status_code == 200 and got.content == b"the plan"
    assert outsider.api.get(f"/files/{info['id']}").status_code == 403
    # The file is the bookmark's now: no second bookmark and no post may take it.
    again = create(owner, cid, {"type": "file", "display_name": "Again", "file_id": info["id"]})
    assert again.status_code == 400
    r = owner.api.post("/posts", {"channel_id": cid, "message": "x", "file_ids": [info["id"]]})
    assert r.status_code in (400, 403) or info["id"] not in r.json().get("file_ids", [])
    # Someone else's upload cannot be bookmarked.
    theirs = upload_one(member, cid, "theirs.txt", b"mine")
    r = create(owner, cid, {"type": "file", "display_name": "Theirs", "file_id": theirs["id"]})
    assert r.status_code == 400
    assert r.json()["id"] == "model.channel_bookmark.is_valid.file_id.missing_or_invalid.app_error"


def test_who_may_change_bookmarks(msg_server: str, user_on: User) -> None:
    owner, member, teammate, stranger = user_on(), user_on(), user_on(), user_on()
    team = team_with(owner, member, teammate)
    public = channel_with(owner, team["id"], member)
    private = channel_with(owner, team["id"], member, type="P")
    made = expect(create(owner, public["id"], link()), 201)
    # A team member who has not joined the open channel reads its bookmarks, changes none.
    assert len(listed(teammate, public["id"])) == 1
    r = create(teammate, public["id"], link("Mine"))
    assert r.status_code == 403 and "add_bookmark_public_channel" in r.json()["detailed_error"]
    assert patch(teammate, public["id"], made["id"], {"display_name": "x"}).status_code == 403
    r = teammate.api.delete(f"/channels/{public['id']}/bookmarks/{made['id']}")
    assert r.status_code == 403
    # A private channel's bookmarks are its members' only.
    assert teammate.api.get(f"/channels/{private['id']}/bookmarks").status_code == 403
    assert create(teammate, private["id"], link()).status_code == 403
    assert stranger.api.get(f"/channels/{public['id']}/bookmarks").status_code == 403
    # Direct messages: their two members.
    dm = make_dm(owner, member)
    expect(create(member, dm["id"], link("Ours")), 201)
    r = create(teammate, dm["id"], link("Not mine"))
    assert r.status_code == 403
    assert r.json()["id"] == (
        "api.channel.bookmark.create_channel_bookmark.direct_or_group_channels.forbidden.app_error"
    )
    # A bookmark is changed through its own channel's path only.
    other = channel_with(owner, team["id"], member)
    r = patch(owner, other["id"], made["id"], {"display_name": "moved"})
    assert r.status_code in (400, 404)


def test_archived_channel_bookmarks_are_read_only(msg_server: str, user_on: User) -> None:
    owner = user_on()
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    cid = channel["id"]
    made = expect(create(owner, cid, link()), 201)
    expect(owner.api.delete(f"/channels/{cid}"), 200)
    assert [b["id"] for b in listed(owner, cid)] == [made["id"]]
    for r, action in (
        (create(owner, cid, link("New")), "create_channel_bookmark"),
        (patch(owner, cid, made["id"], {"display_name": "x"}), "update_channel_bookmark"),
        (
            owner.api.post(f"/channels/{cid}/bookmarks/{made['id']}/sort_order", 0),
            "update_channel_bookmark_sort_order",
        ),
        (owner.api.delete(f"/channels/{cid}/bookmarks/{made['id']}"), "delete_channel_bookmark"),
    ):
        assert r.status_code == 403, r.text
        assert (
            r.json()["id"] == f"api.channel.bookmark.{action}.deleted_channel.forbidden.app_error"
        )


def test_bad_bookmarks_are_refused(msg_server: str, user_on: User) -> None:
    owner = user_on()
    team = team_with(owner)
    cid = channel_with(owner, team["id"])["id"]
    cases: list[tuple[dict[str, Any], str]] = [
        (link(url="javascript:alert(1)"), "link_url.missing_or_invalid"),
        (link(url="data:text/html,hi"), "link_url.missing_or_invalid"),
        (link(url=""), "link_url.missing_or_invalid"),
        (link(url="https://" + "a" * 1100 + ".com"), "link_url.missing_or_invalid"),
        (link(image_url="javascript:x"), "image_url"),
        (link(name=""), "display_name"),
        (link(name="n" * 65), "display_name"),
        (link(emoji="e" * 65), "emoji"),
        ({"type": "folder", "display_name": "x"}, "type"),
        ({"type": "file", "display_name": "x"}, "file_id.missing_or_invalid"),
        ({"type": "file", "display_name": "x", "file_id": "z" * 26}, "file_id.missing_or_invalid"),
    ]
    for body, field in cases:
        r = create(owner, cid, body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["id"] == f"model.channel_bookmark.is_valid.{field}.app_error", body
    made = expect(create(owner, cid, link()), 201)
    r = patch(owner, cid, made["id"], {"link_url": "javascript:alert(1)"})
    assert r.status_code == 400
    for bad in (-1, 1, "0", True, None, {"index": 0}):
        r = owner.api.post(f"/channels/{cid}/bookmarks/{made['id']}/sort_order", bad)
        assert r.status_code in (400, 404), (bad, r.text)
    assert listed(owner, cid)[0]["link_url"] == "https://example.com/docs"
    r = owner.api.http.post(
        f"/channels/{cid}/bookmarks", content=b"{not json", headers={"Content-Type": "x"}
    )
    assert r.status_code == 400


def test_fifty_bookmarks_per_channel(msg_server: str, user_on: User) -> None:
    owner, member = user_on(), user_on()
    team = team_with(owner, member)
    channel = channel_with(owner, team["id"], member)
    cid = channel["id"]
    made = [
        expect(create(owner, cid, link(f"B{i}", f"https://e.com/{i}")), 201) for i in range(LIMIT)
    ]
    r = create(member, cid, link("One too many"))
    assert r.status_code == 400 and r.json()["id"] == "app.channel.bookmark.save.app_error"
    assert str(LIMIT) in r.json()["message"]
    assert len(listed(member, cid)) == LIMIT
    # Deleting one makes room for one.
    expect(owner.api.delete(f"/channels/{cid}/bookmarks/{made[0]['id']}"), 200)
    expect(create(member, cid, link("Room again")), 201)
    assert create(member, cid, link("Full again")).status_code == 400
    # Another channel has its own room.
    other = channel_with(owner, team["id"], member)
    expect(create(member, other["id"], link()), 201)
