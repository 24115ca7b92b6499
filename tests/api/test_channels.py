"""Channels: creation, lookups, visibility, edits and archiving."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from tests.support.chat import (
    add_to_channel,
    channel_with,
    join_team,
    make_channel,
    make_dm,
    make_group,
    make_team,
    team_with,
)
from tests.support.client import LoggedIn, expect, unique

UserFactory = Callable[..., LoggedIn]


def test_create_open_and_private_channels(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    public = make_channel(owner, team["id"], header="Hello", purpose="Why")
    assert public["type"] == "O" and public["team_id"] == team["id"]
    assert public["creator_id"] == owner.id and public["header"] == "Hello"
    assert public["total_msg_count"] == 0 and public["delete_at"] == 0
    private = make_channel(owner, team["id"], "P")
    assert private["type"] == "P"
    member = expect(owner.api.get(f"/channels/{private['id']}/members/{owner.id}"), 200)
    assert member["roles"] == "channel_user channel_admin" and member["scheme_admin"] is True
    assert expect(owner.api.get(f"/channels/{public['id']}"), 200)["name"] == public["name"]


@pytest.mark.parametrize(
    ("fields", "error_id"),
    [
        ({"name": ""}, "model.channel.is_valid.2_or_more.app_error"),
        ({"name": "n" * 65}, "model.channel.is_valid.2_or_more.app_error"),
        ({"name": "Bad Name"}, "model.channel.is_valid.2_or_more.app_error"),
        ({"display_name": ""}, "api.context.invalid_param.app_error"),
        ({"display_name": "   "}, "model.channel.is_valid.display_name.app_error"),
        ({"display_name": "d" * 65}, "model.channel.is_valid.display_name.app_error"),
        ({"header": "h" * 1025}, "model.channel.is_valid.header.app_error"),
        ({"purpose": "p" * 251}, "model.channel.is_valid.purpose.app_error"),
        ({"type": "D"}, "model.channel.is_valid.type.app_error"),
        ({"type": "X"}, "model.channel.is_valid.type.app_error"),
        ({"team_id": ""}, "api.context.invalid_param.app_error"),
        ({"header": 5}, "api.context.invalid_body_param.app_error"),
    ],
)
def test_create_channel_validation(
    make_user: UserFactory, fields: dict[str, object], error_id: str
) -> None:
    owner = make_user()
    team = make_team(owner)
    name = unique("c")
    body = {"team_id": team["id"], "name": name, "display_name": name, "type": "O", **fields}
    assert expect(owner.api.post("/channels", body), 400)["id"] == error_id


def test_create_channel_needs_team_membership_and_unique_name(make_user: UserFactory) -> None:
    owner, outsider = make_user(), make_user()
    team = make_team(owner)
    body = {"team_id": team["id"], "name": unique("c"), "display_name": "C", "type": "O"}
    assert outsider.api.post("/channels", body).status_code == 403
    expect(owner.api.post("/channels", body), 201)
    r = owner.api.post("/channels", body)
    assert expect(r, 400)["id"] == "store.sql_channel.save_channel.exists.app_error"
    body["team_id"] = "a" * 26
    assert owner.api.post("/channels", body).status_code == 404
    assert owner.api.post("/channels", ["x"]).status_code == 400


def test_private_channel_invisible_to_outsiders(make_user: UserFactory) -> None:
    owner, teammate, stranger = make_user(), make_user(), make_user()
    team = team_with(owner, teammate)
    private = make_channel(owner, team["id"], "P")
    public = make_channel(owner, team["id"])
    cid = private["id"]
    assert teammate.api.get(f"/channels/{cid}").status_code == 403
    assert stranger.api.get(f"/channels/{cid}").status_code == 403
    r = teammate.api.get(f"/teams/{team['id']}/channels/name/{private['name']}")
    assert expect(r, 404)["id"] == "app.channel.get_by_name.missing.app_error"
    r = teammate.api.get(f"/teams/name/{team['name']}/channels/name/{private['name']}")
    assert r.status_code == 404
    assert teammate.api.get(f"/channels/{cid}/members").status_code == 403
    listed = expect(teammate.api.get(f"/teams/{team['id']}/channels"), 200)
    assert cid not in {c["id"] for c in listed} and public["id"] in {c["id"] for c in listed}
    # A public channel is readable by team members, not by strangers to the team.
    assert expect(teammate.api.get(f"/channels/{public['id']}"), 200)["id"] == public["id"]
    assert stranger.api.get(f"/channels/{public['id']}").status_code == 403
    assert stranger.api.get(f"/teams/{team['id']}/channels").status_code == 403
    assert stranger.api.get(f"/channels/{public['id']}/members").status_code == 403


def test_admin_sees_private_channels(admin: LoggedIn, make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    private = make_channel(owner, team["id"], "P")
    assert expect(admin.api.get(f"/channels/{private['id']}"), 200)["id"] == private["id"]
    ids = {c["id"] for c in expect(admin.api.get(f"/teams/{team['id']}/channels/private"), 200)}
    assert ids == {private["id"]}
    assert owner.api.get(f"/teams/{team['id']}/channels/private").status_code == 403


def test_channel_lookups_by_name(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    channel = make_channel(owner, team["id"])
    got = expect(owner.api.get(f"/teams/{team['id']}/channels/name/{channel['name']}"), 200)
    assert got["id"] == channel["id"]
    got = expect(owner.api.get(f"/teams/name/{team['name']}/channels/name/{channel['name']}"), 200)
    assert got["id"] == channel["id"]
    assert owner.api.get(f"/teams/{team['id']}/channels/name/nothing-here").status_code == 404
    assert (
        owner.api.get(f"/teams/name/no-team-x/channels/name/{channel['name']}").status_code == 404
    )
    assert (
        owner.api.get(f"/teams/{team['id']}/channels/name/x?include_deleted=maybe").status_code
        == 400
    )


def test_list_and_search_team_channels(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    prefix = unique("srch")
    a = make_channel(owner, team["id"], name=prefix + "-a", display_name="Alpha " + prefix)
    b = make_channel(owner, team["id"], name=prefix + "-b", display_name="Beta " + prefix)
    make_channel(owner, team["id"], "P", name=prefix + "-p")
    everything = expect(owner.api.get(f"/teams/{team['id']}/channels"), 200)
    assert {a["id"], b["id"]} <= {c["id"] for c in everything}
    assert all(c["type"] == "O" for c in everything)
    page = expect(
        owner.api.get(f"/teams/{team['id']}/channels", params={"page": 0, "per_page": 1}), 200
    )
    assert len(page) == 1
    found = expect(owner.api.post(f"/teams/{team['id']}/channels/search", {"term": prefix}), 200)
    assert sorted(c["id"] for c in found) == sorted([a["id"], b["id"]])
    assert owner.api.post(f"/teams/{team['id']}/channels/search", {"term": 1}).status_code == 400
    found = expect(
        owner.api.get(f"/teams/{team['id']}/channels/autocomplete", params={"name": prefix}), 200
    )
    assert sorted(c["id"] for c in found) == sorted([a["id"], b["id"]])


def test_user_channels_include_direct(make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    team = make_team(a)
    channel = make_channel(a, team["id"])
    dm = make_dm(a, b)
    in_team = {c["id"] for c in expect(a.api.get(f"/users/me/teams/{team['id']}/channels"), 200)}
    assert {channel["id"], dm["id"]} <= in_team
    everywhere = {c["id"] for c in expect(a.api.get(f"/users/{a.id}/channels"), 200)}
    assert in_team <= everywhere
    assert b.api.get(f"/users/{a.id}/channels").status_code == 403
    assert b.api.get(f"/users/{a.id}/teams/{team['id']}/channels").status_code == 403


def test_direct_channel_is_idempotent(make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    dm = make_dm(a, b)
    assert dm["type"] == "D" and dm["team_id"] == "" and dm["display_name"] == ""
    assert dm["name"] == "__".join(sorted([a.id, b.id]))
    again = expect(b.api.post("/channels/direct", [b.id, a.id]), 201)
    assert again["id"] == dm["id"]
    members = {m["user_id"] for m in expect(a.api.get(f"/channels/{dm['id']}/members"), 200)}
    assert members == {a.id, b.id}
    note = expect(a.api.post("/channels/direct", [a.id, a.id]), 201)
    assert note["name"] == f"{a.id}__{a.id}"
    assert [m["user_id"] for m in expect(a.api.get(f"/channels/{note['id']}/members"), 200)] == [
        a.id
    ]


def test_direct_channel_rules(admin: LoggedIn, make_user: UserFactory) -> None:
    a, b, c = make_user(), make_user(), make_user()
    dm = make_dm(a, b)
    assert c.api.get(f"/channels/{dm['id']}").status_code == 403
    assert c.api.get(f"/channels/{dm['id']}/members").status_code == 403
    assert c.api.post("/channels/direct", [a.id, b.id]).status_code == 403
    assert expect(admin.api.post("/channels/direct", [a.id, b.id]), 201)["id"] == dm["id"]
    for body in ([a.id], [a.id, b.id, c.id], ["x", a.id], {"a": 1}, [a.id, 5]):
        assert a.api.post("/channels/direct", body).status_code == 400, body
    r = a.api.post("/channels/direct", [a.id, "z" * 26])
    assert expect(r, 400)["id"] == "api.channel.create_direct_channel.invalid_user.app_error"
    assert a.api.delete(f"/channels/{dm['id']}").status_code == 400
    assert a.api.delete(f"/channels/{dm['id']}/members/{b.id}").status_code == 400
    r = a.api.post(f"/channels/{dm['id']}/members", {"user_id": c.id})
    assert r.status_code == 400


def test_group_channel(make_user: UserFactory) -> None:
    a, b, c, d = make_user(), make_user(), make_user(), make_user()
    group = make_group(a, b, c)
    ids = sorted([a.id, b.id, c.id])
    assert group["type"] == "G" and group["team_id"] == ""
    assert group["name"] == hashlib.sha1("".join(ids).encode()).hexdigest()
    assert group["display_name"] == ", ".join(sorted([a.username, b.username, c.username]))
    # The caller is included even when left out, and the same members give the same channel.
    again = expect(b.api.post("/channels/group", [a.id, c.id]), 201)
    assert again["id"] == group["id"]
    assert d.api.get(f"/channels/{group['id']}").status_code == 403
    assert a.api.post("/channels/group", [a.id, b.id]).status_code == 400
    many = [make_user().id for _ in range(8)]
    assert a.api.post("/channels/group", many).status_code == 400
    r = a.api.post("/channels/group", [b.id, "q" * 26])
    assert expect(r, 400)["id"] == "api.channel.create_group.bad_user.app_error"
    # Members may leave a group; nobody removes anyone else.
    assert a.api.delete(f"/channels/{group['id']}/members/{b.id}").status_code == 400
    assert expect(c.api.delete(f"/channels/{group['id']}/members/{c.id}"), 200) == {"status": "OK"}


def test_patch_channel(make_user: UserFactory) -> None:
    owner, member, teammate = make_user(), make_user(), make_user()
    team = team_with(owner, member, teammate)
    channel = channel_with(owner, team["id"], member)
    cid = channel["id"]
    patched = expect(member.api.put(f"/channels/{cid}/patch", {"header": "New header"}), 200)
    assert patched["header"] == "New header" and patched["update_at"] >= channel["update_at"]
    assert patched["name"] == channel["name"]
    renamed = expect(
        owner.api.put(f"/channels/{cid}/patch", {"name": unique("ren"), "display_name": "Ren"}),
        200,
    )
    assert renamed["display_name"] == "Ren"
    assert teammate.api.put(f"/channels/{cid}/patch", {"header": "x"}).status_code == 403
    assert owner.api.put(f"/channels/{cid}/patch", {"name": "Bad Name"}).status_code == 400
    assert owner.api.put(f"/channels/{cid}/patch", {"purpose": "p" * 251}).status_code == 400
    other = make_channel(owner, team["id"])
    r = owner.api.put(f"/channels/{cid}/patch", {"name": other["name"]})
    assert expect(r, 400)["id"] == "store.sql_channel.save_channel.exists.app_error"
    r = owner.api.put(f"/channels/{cid}", {"id": other["id"], "header": "x"})
    assert r.status_code == 400
    updated = expect(owner.api.put(f"/channels/{cid}", {"id": cid, "purpose": "Because"}), 200)
    assert updated["purpose"] == "Because"
    town = expect(owner.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    r = owner.api.put(f"/channels/{town['id']}/patch", {"name": "somewhere-else"})
    assert r.status_code == 400
    dm = make_dm(owner, member)
    assert owner.api.put(f"/channels/{dm['id']}/patch", {"header": "dm header"}).status_code == 200
    assert owner.api.put(f"/channels/{dm['id']}/patch", {"display_name": "x"}).status_code == 400


def test_archive_and_restore_channel(make_user: UserFactory) -> None:
    owner, member, teammate = make_user(), make_user(), make_user()
    team = team_with(owner, member, teammate)
    channel = channel_with(owner, team["id"], member)
    cid = channel["id"]
    assert teammate.api.delete(f"/channels/{cid}").status_code == 403
    assert expect(member.api.delete(f"/channels/{cid}"), 200) == {"status": "OK"}
    archived = expect(owner.api.get(f"/channels/{cid}"), 200)
    assert archived["delete_at"] > 0
    assert owner.api.delete(f"/channels/{cid}").status_code == 400
    r = owner.api.get(f"/teams/{team['id']}/channels/name/{channel['name']}")
    assert r.status_code == 404
    r = owner.api.get(
        f"/teams/{team['id']}/channels/name/{channel['name']}", params={"include_deleted": "true"}
    )
    assert expect(r, 200)["id"] == cid
    deleted = expect(owner.api.get(f"/teams/{team['id']}/channels/deleted"), 200)
    assert [c["id"] for c in deleted] == [cid]
    assert cid not in {c["id"] for c in expect(owner.api.get(f"/teams/{team['id']}/channels"), 200)}
    assert owner.api.put(f"/channels/{cid}/patch", {"header": "x"}).status_code == 400
    assert owner.api.post(f"/channels/{cid}/members", {"user_id": teammate.id}).status_code == 400
    assert member.api.post(f"/channels/{cid}/restore").status_code == 403
    assert expect(owner.api.post(f"/channels/{cid}/restore"), 200)["delete_at"] == 0
    assert owner.api.post(f"/channels/{cid}/restore").status_code == 400
    town = expect(owner.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    r = owner.api.delete(f"/channels/{town['id']}")
    assert expect(r, 400)["id"] == "api.channel.delete_channel.cannot.app_error"


def test_bad_channel_ids(make_user: UserFactory) -> None:
    a = make_user()
    assert expect(a.api.get("/channels/nope"), 400)["id"] == (
        "api.context.invalid_url_param.app_error"
    )
    r = a.api.get(f"/channels/{'a' * 26}")
    assert expect(r, 404)["id"] == "app.channel.get.existing.app_error"
    assert a.api.put(f"/channels/{'a' * 26}/patch", {"header": "x"}).status_code == 404
    assert a.api.delete(f"/channels/{'a' * 26}").status_code == 404
    assert a.api.put(f"/channels/{'a' * 26}/patch", ["x"]).status_code == 400
    assert a.api.get(f"/teams/{'a' * 26}/channels").status_code == 404


def test_channel_stats(make_user: UserFactory) -> None:
    owner, member = make_user(), make_user()
    team = team_with(owner, member)
    channel = channel_with(owner, team["id"], member)
    stats = expect(member.api.get(f"/channels/{channel['id']}/stats"), 200)
    assert stats["channel_id"] == channel["id"] and stats["member_count"] == 2


def test_helpers_compose(make_user: UserFactory) -> None:
    owner, other = make_user(), make_user()
    team = make_team(owner)
    join_team(owner, team["id"], other)
    channel = make_channel(owner, team["id"], "P")
    member = add_to_channel(owner, channel["id"], other)
    assert member["user_id"] == other.id and member["roles"] == "channel_user"
