"""Custom user groups (``/groups``): making, changing, deleting and restoring them, their
members, their events, and ``@group`` mentions reaching the members in the channel."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, expect
from tests.support.posting import post
from tests.support.ws import listening

User = Callable[..., LoggedIn]


def gname() -> str:
    return f"grp{uuid.uuid4().hex[:8]}"


def make_group(user: LoggedIn, *members: LoggedIn, **fields: Any) -> dict[str, Any]:
    body = {
        "name": fields.pop("name", gname()),
        "display_name": fields.pop("display_name", "Designers"),
        "source": "custom",
        "allow_reference": True,
        "user_ids": [m.id for m in members],
        **fields,
    }
    made: dict[str, Any] = expect(user.api.post("/groups", body), 201)
    return made


def remove(user: LoggedIn, group_id: str, *members: LoggedIn) -> httpx.Response:
    return user.api.http.request(
        "DELETE", f"/groups/{group_id}/members", json={"user_ids": [m.id for m in members]}
    )


def test_group_life_with_events(msg_server: str, user_on: User) -> None:
    alice, bob, carol = user_on(), user_on(), user_on()
    with listening(msg_server, bob, carol) as (wb, wc):
        group = make_group(alice, alice, bob, description="The design team")
        assert group["source"] == "custom" and group["allow_reference"] is True
        assert group["member_count"] == 2 and group["delete_at"] == 0
        received = json.loads(wc.wait_for("received_group")["data"]["group"])
        assert received["id"] == group["id"] and received["name"] == group["name"]

        got = expect(alice.api.get(f"/groups/{group['id']}?include_member_ids=true"), 200)
        assert sorted(got["member_ids"]) == sorted([alice.id, bob.id])
        assert got["description"] == "The design team"

        added = expect(
            alice.api.post(f"/groups/{group['id']}/members", {"user_ids": [carol.id, bob.id]}),
            200,
        )
        # Only the new member is added (bob was in already).
        assert [m["user_id"] for m in added] == [carol.id]
        event = wc.wait_for("group_member_add")
        assert json.loads(event["data"]["group_member"])["group_id"] == group["id"]

        removed = expect(remove(alice, group["id"], bob), 200)
        assert [m["user_id"] for m in removed] == [bob.id] and removed[0]["delete_at"] > 0
        gone = json.loads(wb.wait_for("group_member_deleted")["data"]["group_member"])
        assert gone["user_id"] == bob.id

        renamed = gname()
        patched = expect(
            alice.api.put(
                f"/groups/{group['id']}/patch", {"name": renamed, "display_name": "Design"}
            ),
            200,
        )
        assert patched["name"] == renamed and patched["display_name"] == "Design"
        # Everyone hears of the change (bob heard of the creation first).
        wb.wait_for(
            "received_group",
            lambda f: json.loads(f["data"]["group"])["name"] == renamed,
        )

    members = expect(alice.api.get(f"/groups/{group['id']}/members"), 200)
    assert members["total_member_count"] == 2
    assert sorted(u["id"] for u in members["members"]) == sorted([alice.id, carol.id])
    assert "password" not in members["members"][0]
    stats = expect(alice.api.get(f"/groups/{group['id']}/stats"), 200)
    assert stats == {"group_id": group["id"], "total_member_count": 2}
    mine = expect(carol.api.get(f"/users/{carol.id}/groups"), 200)
    assert group["id"] in [g["id"] for g in mine]
    assert carol.api.get(f"/users/{alice.id}/groups").status_code == 403
    # Search by name and display name.
    found = expect(
        bob.api.get("/groups", params={"q": renamed[:9], "include_member_count": "true"}), 200
    )
    assert [g["id"] for g in found] == [group["id"]] and found[0]["member_count"] == 2
    counted = expect(
        bob.api.get("/groups", params={"q": renamed, "include_total_count": "true"}), 200
    )
    assert counted["total_count"] >= 1 and counted["groups"][0]["id"] == group["id"]
    assert expect(bob.api.get("/groups", params={"group_source": "ldap"}), 200) == []

    deleted = expect(alice.api.delete(f"/groups/{group['id']}"), 200)
    assert deleted["delete_at"] > 0
    assert group["id"] not in [
        g["id"] for g in expect(bob.api.get("/groups", params={"q": renamed}), 200)
    ]
    archived = expect(bob.api.get("/groups", params={"q": renamed, "filter_archived": "true"}), 200)
    assert [g["id"] for g in archived] == [group["id"]]
    r = alice.api.delete(f"/groups/{group['id']}")
    assert r.status_code == 404 and r.json()["id"] == "app.group.no_rows"
    # A deleted group's members cannot change.
    assert (
        alice.api.post(f"/groups/{group['id']}/members", {"user_ids": [bob.id]}).status_code == 404
    )
    restored = expect(alice.api.post(f"/groups/{group['id']}/restore"), 200)
    assert restored["delete_at"] == 0
    assert alice.api.post(f"/groups/{group['id']}/restore").status_code == 404


def test_group_mentions_notify_members_in_the_channel(msg_server: str, user_on: User) -> None:
    author, inside, also_inside, outside, bystander = (user_on() for _ in range(5))
    team = team_with(author, inside, also_inside, outside, bystander)
    channel = channel_with(author, team["id"], inside, also_inside, bystander)
    group = make_group(author, inside, also_inside, outside, author)
    with listening(msg_server, inside, bystander) as (wi, wb):
        post(author, channel["id"], f"@{group['name']} please review")
        posted = wi.wait_for("posted")
        mentioned = json.loads(posted["data"]["mentions"])
        # Members in the channel, never the author, never someone outside the channel.
        assert sorted(mentioned) == sorted([inside.id, also_inside.id])
        plain = wb.wait_for("posted")
        assert bystander.id not in json.loads(plain["data"].get("mentions", "[]"))
    unread = expect(inside.api.get(f"/users/{inside.id}/channels/{channel['id']}/unread"), 200)
    assert unread["mention_count"] == 1
    # With trailing punctuation, as usernames are matched.
    with listening(msg_server, also_inside) as (wa,):
        post(author, channel["id"], f"thanks @{group['name']}.")
        assert also_inside.id in json.loads(wa.wait_for("posted")["data"]["mentions"])
    # A deleted group is no longer mentionable.
    expect(author.api.delete(f"/groups/{group['id']}"), 200)
    with listening(msg_server, inside) as (wi,):
        post(author, channel["id"], f"@{group['name']} anyone?")
        assert "mentions" not in wi.wait_for("posted")["data"]


def test_bad_groups_are_refused(msg_server: str, user_on: User) -> None:
    alice, bob = user_on(), user_on()
    base = {"display_name": "X", "source": "custom", "allow_reference": True, "user_ids": []}
    cases: list[tuple[dict[str, Any], str]] = [
        ({**base, "name": ""}, "model.group.name.invalid_length.app_error"),
        ({**base, "name": "n" * 65}, "model.group.name.invalid_length.app_error"),
        ({**base, "name": "Has Spaces"}, "model.group.name.invalid_chars.app_error"),
        ({**base, "name": "here"}, "model.group.name.reserved_name.app_error"),
        ({**base, "name": "all"}, "model.group.name.reserved_name.app_error"),
        ({**base, "name": gname(), "display_name": ""}, "model.group.display_name.app_error"),
        (
            {**base, "name": gname(), "display_name": "d" * 129},
            "model.group.display_name.app_error",
        ),
        ({**base, "name": gname(), "description": "d" * 1025}, "model.group.description.app_error"),
        ({**base, "name": gname(), "source": "ldap"}, "app.group.crud_permission"),
        (
            {**base, "name": gname(), "allow_reference": False},
            "api.custom_groups.must_be_referenceable",
        ),
        ({**base, "name": gname(), "remote_id": "x"}, "api.custom_groups.no_remote_id"),
        (
            {**base, "name": gname(), "user_ids": ["z" * 26]},
            "api.context.invalid_body_param.app_error",
        ),
        ({**base, "name": gname(), "user_ids": "nope"}, "api.context.invalid_body_param.app_error"),
        ({**base, "name": bob.username}, "app.group.username_conflict"),
    ]
    for body, error_id in cases:
        r = alice.api.post("/groups", body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["id"] == error_id, (body, r.json())
    taken = make_group(alice)
    r = alice.api.post("/groups", {**base, "name": taken["name"]})
    assert r.status_code == 400 and r.json()["id"] == "app.custom_group.unique_name"
    other = make_group(alice)
    r = alice.api.put(f"/groups/{other['id']}/patch", {"name": taken["name"]})
    assert r.status_code == 400 and r.json()["id"] == "app.custom_group.unique_name"
    r = alice.api.put(f"/groups/{other['id']}/patch", {"allow_reference": False})
    assert r.status_code == 400
    assert alice.api.get(f"/groups/{'z' * 26}").status_code == 404
    assert alice.api.get("/groups/not-an-id").status_code == 400
    too_many = {"user_ids": [bob.id] * 1001}
    r = alice.api.post(f"/groups/{other['id']}/members", too_many)
    assert r.status_code == 400
    assert (
        expect(alice.api.get(f"/groups/{other['id']}?include_member_count=true"), 200)[
            "member_count"
        ]
        == 0
    )
