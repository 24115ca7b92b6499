"""Channel members: joining, adding, leaving, removing, roles and notify settings."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.chat import (
    add_to_channel,
    channel_with,
    make_channel,
    make_dm,
    make_team,
    team_with,
)
from tests.support.client import LoggedIn, expect

UserFactory = Callable[..., LoggedIn]


def test_join_public_channel_yourself(make_user: UserFactory) -> None:
    owner, joiner, stranger = make_user(), make_user(), make_user()
    team = team_with(owner, joiner)
    channel = make_channel(owner, team["id"])
    cid = channel["id"]
    member = expect(joiner.api.post(f"/channels/{cid}/members", {"user_id": joiner.id}), 201)
    assert member["channel_id"] == cid and member["user_id"] == joiner.id
    assert member["roles"] == "channel_user" and member["scheme_admin"] is False
    assert member["notify_props"]["mark_unread"] == "all"
    # Joining twice is harmless.
    again = expect(joiner.api.post(f"/channels/{cid}/members", {"user_id": joiner.id}), 201)
    assert again["user_id"] == joiner.id
    r = stranger.api.post(f"/channels/{cid}/members", {"user_id": stranger.id})
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"


def test_add_requires_the_user_in_the_team(make_user: UserFactory) -> None:
    owner, stranger = make_user(), make_user()
    team = make_team(owner)
    channel = make_channel(owner, team["id"])
    r = owner.api.post(f"/channels/{channel['id']}/members", {"user_id": stranger.id})
    assert expect(r, 403)["id"] == "api.channel.add_user.to.channel.failed.app_error"


def test_private_channel_membership_rules(make_user: UserFactory) -> None:
    owner, member, teammate, other = make_user(), make_user(), make_user(), make_user()
    team = team_with(owner, member, teammate, other)
    private = channel_with(owner, team["id"], member, type="P")
    cid = private["id"]
    r = teammate.api.post(f"/channels/{cid}/members", {"user_id": teammate.id})
    assert r.status_code == 403
    # Any member of a private channel may bring a teammate in.
    add_to_channel(member, cid, teammate)
    assert expect(teammate.api.get(f"/channels/{cid}"), 200)["id"] == cid
    # A teammate who is not a member may not remove anyone.
    assert other.api.delete(f"/channels/{cid}/members/{member.id}").status_code == 403
    assert expect(member.api.delete(f"/channels/{cid}/members/{teammate.id}"), 200) == {
        "status": "OK"
    }
    assert teammate.api.get(f"/channels/{cid}").status_code == 403


def test_add_many_at_once(make_user: UserFactory) -> None:
    owner, a, b = make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    channel = make_channel(owner, team["id"])
    cid = channel["id"]
    added = expect(owner.api.post(f"/channels/{cid}/members", {"user_ids": [a.id, b.id]}), 201)
    assert [m["user_id"] for m in added] == [a.id, b.id]
    ids = {m["user_id"] for m in expect(owner.api.get(f"/channels/{cid}/members"), 200)}
    assert ids == {owner.id, a.id, b.id}


def test_add_member_bad_bodies(admin: LoggedIn, make_user: UserFactory) -> None:
    owner, gone = make_user(), make_user()
    team = team_with(owner, gone)
    channel = make_channel(owner, team["id"])
    cid = channel["id"]
    bodies: list[dict[str, object]] = [
        {},
        {"user_id": "bad"},
        {"user_id": 5},
        {"user_ids": "x"},
        {"user_ids": ["bad"]},
        {"user_ids": []},
        {"user_id": owner.id, "post_root_id": "bad"},
    ]
    for body in bodies:
        r = owner.api.post(f"/channels/{cid}/members", body)
        assert r.status_code == 400, body
    assert owner.api.post(f"/channels/{cid}/members", ["x"]).status_code == 400
    r = owner.api.post(f"/channels/{cid}/members", {"user_id": "z" * 26})
    assert r.status_code == 404
    r = owner.api.post(f"/channels/{'q' * 26}/members", {"user_id": owner.id})
    assert r.status_code == 404
    expect(admin.api.delete(f"/users/{gone.id}"), 200)
    r = owner.api.post(f"/channels/{cid}/members", {"user_id": gone.id})
    assert expect(r, 400)["id"] == "api.channel.add_user.to.channel.failed.deleted.app_error"


def test_member_reads(make_user: UserFactory) -> None:
    owner, a, b, teammate = make_user(), make_user(), make_user(), make_user()
    team = team_with(owner, a, b, teammate)
    channel = channel_with(owner, team["id"], a, b)
    cid = channel["id"]
    p0 = expect(a.api.get(f"/channels/{cid}/members", params={"page": 0, "per_page": 2}), 200)
    p1 = expect(a.api.get(f"/channels/{cid}/members", params={"page": 1, "per_page": 2}), 200)
    assert len(p0) == 2 and len(p1) == 1
    assert {m["user_id"] for m in p0 + p1} == {owner.id, a.id, b.id}
    one = expect(a.api.get(f"/channels/{cid}/members/{b.id}"), 200)
    assert one["user_id"] == b.id and one["roles"] == "channel_user"
    me = expect(a.api.get(f"/channels/{cid}/members/me"), 200)
    assert me["user_id"] == a.id
    r = a.api.get(f"/channels/{cid}/members/{teammate.id}")
    assert expect(r, 404)["id"] == "app.channel.get_member.missing.app_error"
    got = expect(a.api.post(f"/channels/{cid}/members/ids", [b.id, teammate.id]), 200)
    assert [m["user_id"] for m in got] == [b.id]
    # A teammate may read a public channel's members without being one.
    assert len(expect(teammate.api.get(f"/channels/{cid}/members"), 200)) == 3
    assert a.api.get(f"/channels/{cid}/members/bad").status_code == 400


def test_leave_and_remove(make_user: UserFactory) -> None:
    owner, a, b = make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    channel = channel_with(owner, team["id"], a, b)
    cid = channel["id"]
    assert expect(a.api.delete(f"/channels/{cid}/members/{a.id}"), 200) == {"status": "OK"}
    assert a.api.get(f"/channels/{cid}/members/{a.id}").status_code == 404
    # Removing someone who is not there.
    assert owner.api.delete(f"/channels/{cid}/members/{a.id}").status_code == 404
    # In a public channel any member may remove another, as Mattermost's channel_user can.
    assert b.api.delete(f"/channels/{cid}/members/{owner.id}").status_code == 200
    town = expect(owner.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    r = a.api.delete(f"/channels/{town['id']}/members/{a.id}")
    assert expect(r, 400)["id"] == "api.channel.remove.default.app_error"
    assert a.api.delete(f"/channels/{'q' * 26}/members/{a.id}").status_code == 404


def test_notify_props(admin: LoggedIn, make_user: UserFactory) -> None:
    owner, a = make_user(), make_user()
    team = team_with(owner, a)
    channel = channel_with(owner, team["id"], a)
    cid = channel["id"]
    body = {"mark_unread": "mention", "desktop": "none", "unknown_key": "ignored"}
    assert expect(a.api.put(f"/channels/{cid}/members/me/notify_props", body), 200) == {
        "status": "OK"
    }
    props = expect(a.api.get(f"/channels/{cid}/members/me"), 200)["notify_props"]
    assert props["mark_unread"] == "mention" and props["desktop"] == "none"
    assert props["push"] == "default" and "unknown_key" not in props
    for bad in ({"mark_unread": "sometimes"}, {"desktop": 1}, {"push": "x" * 100}):
        assert a.api.put(f"/channels/{cid}/members/me/notify_props", bad).status_code == 400
    r = owner.api.put(f"/channels/{cid}/members/{a.id}/notify_props", {"desktop": "all"})
    assert r.status_code == 403
    r = admin.api.put(f"/channels/{cid}/members/{a.id}/notify_props", {"desktop": "all"})
    assert r.status_code == 200
    r = a.api.put(f"/channels/{'q' * 26}/members/me/notify_props", {"desktop": "all"})
    assert r.status_code == 404


def test_member_roles(make_user: UserFactory) -> None:
    owner, a, b = make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    channel = channel_with(owner, team["id"], a, b)
    cid = channel["id"]
    roles = {"roles": "channel_user channel_admin"}
    assert a.api.put(f"/channels/{cid}/members/{b.id}/roles", roles).status_code == 403
    assert owner.api.put(f"/channels/{cid}/members/{a.id}/roles", roles).status_code == 200
    member = expect(a.api.get(f"/channels/{cid}/members/{a.id}"), 200)
    assert member["roles"] == "channel_user channel_admin" and member["scheme_admin"] is True
    # Now a channel admin, a may promote b.
    assert a.api.put(f"/channels/{cid}/members/{b.id}/roles", roles).status_code == 200
    body = {"scheme_admin": False, "scheme_user": True}
    assert a.api.put(f"/channels/{cid}/members/{b.id}/schemeRoles", body).status_code == 200
    assert expect(b.api.get(f"/channels/{cid}/members/me"), 200)["scheme_admin"] is False
    for bad in ({"roles": "system_admin"}, {"roles": ""}, {"roles": 3}):
        assert owner.api.put(f"/channels/{cid}/members/{a.id}/roles", bad).status_code == 400
    r = owner.api.put(f"/channels/{cid}/members/{a.id}/schemeRoles", {"scheme_admin": "yes"})
    assert r.status_code == 400


def test_user_channel_members_for_team(make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    team = make_team(a)
    channel = make_channel(a, team["id"])
    dm = make_dm(a, b)
    rows = expect(a.api.get(f"/users/me/teams/{team['id']}/channels/members"), 200)
    ids = {m["channel_id"] for m in rows}
    assert {channel["id"], dm["id"]} <= ids
    assert all(m["user_id"] == a.id for m in rows)
    assert b.api.get(f"/users/{a.id}/teams/{team['id']}/channels/members").status_code == 403


def test_all_channel_members_of_a_user_paged(make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    team = make_team(a)
    make_channel(a, team["id"])
    make_dm(a, b)
    everything = expect(a.api.get("/users/me/channel_members"), 200)
    # town-square, off-topic, the new channel and the DM.
    assert len(everything) == 4 and all(m["user_id"] == a.id for m in everything)
    first = expect(a.api.get("/users/me/channel_members", params={"per_page": 3}), 200)
    rest = expect(a.api.get("/users/me/channel_members", params={"page": 1, "per_page": 3}), 200)
    assert len(first) == 3 and len(rest) == 1
    assert b.api.get(f"/users/{a.id}/channel_members").status_code == 403
