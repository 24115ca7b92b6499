"""Teams: creation rules, visibility, membership, default channels, unread counts."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from tests.support.chat import join_team, make_channel, make_team, team_with
from tests.support.client import LoggedIn, expect, unique
from tests.support.ws import listening

UserFactory = Callable[..., LoggedIn]


def test_create_team_makes_creator_admin_and_default_channels(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner, display_name="Rocket Club")
    assert team["display_name"] == "Rocket Club"
    assert team["type"] == "O" and team["allow_open_invite"] is True
    assert len(team["id"]) == 26 and team["invite_id"]
    member = expect(owner.api.get(f"/teams/{team['id']}/members/{owner.id}"), 200)
    assert member["roles"] == "team_user team_admin"
    assert member["scheme_admin"] is True and member["delete_at"] == 0
    names = {
        c["name"] for c in expect(owner.api.get(f"/users/me/teams/{team['id']}/channels"), 200)
    }
    assert {"town-square", "off-topic"} <= names
    town = expect(owner.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    assert town["display_name"] == "Town Square" and town["type"] == "O"


@pytest.mark.parametrize(
    ("name", "error_id"),
    [
        ("a", "model.team.is_valid.name.app_error"),
        ("x" * 65, "model.team.is_valid.name.app_error"),
        ("Upper", "model.team.is_valid.characters.app_error"),
        ("has space", "model.team.is_valid.characters.app_error"),
        ("-dash", "model.team.is_valid.characters.app_error"),
        ("api", "model.team.is_valid.reserved.app_error"),
        ("signupteam", "model.team.is_valid.reserved.app_error"),
    ],
)
def test_team_name_rules(make_user: UserFactory, name: str, error_id: str) -> None:
    owner = make_user()
    r = owner.api.post("/teams", {"name": name, "display_name": "X", "type": "O"})
    assert expect(r, 400)["id"] == error_id


def test_team_bad_bodies(make_user: UserFactory) -> None:
    owner = make_user()
    name = unique("t")
    for body in (
        {"name": name, "display_name": "", "type": "O"},
        {"name": name, "display_name": "d" * 65, "type": "O"},
        {"name": name, "display_name": "X", "type": "Z"},
        {"name": name, "display_name": "X", "description": "d" * 256},
        {"name": 7, "display_name": "X"},
        {"display_name": "X"},
    ):
        r = owner.api.post("/teams", body)
        assert r.status_code == 400, body
        assert {"id", "message", "request_id"} <= set(r.json())
    assert owner.api.post("/teams", [1, 2]).status_code == 400
    assert owner.api.post("/teams", content=b"{nope").status_code == 400


def test_team_name_unique(make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    team = make_team(a)
    r = b.api.post("/teams", {"name": team["name"], "display_name": "Dup", "type": "O"})
    assert expect(r, 400)["id"] == "app.team.save.existing.app_error"


def test_anonymous_is_refused(anon: object, server: str) -> None:
    from tests.support.client import Api

    api = Api(server)
    assert api.post("/teams", {"name": unique("t"), "display_name": "X"}).status_code == 401
    assert api.get("/teams").status_code == 401


def test_get_team_by_id_and_name_and_exists(make_user: UserFactory) -> None:
    owner, outsider = make_user(), make_user()
    open_team = make_team(owner)
    closed = make_team(owner, type="I")
    assert closed["type"] == "I" and closed["allow_open_invite"] is False
    # Open teams are visible to anyone; invite-only ones only to members.
    assert expect(outsider.api.get(f"/teams/{open_team['id']}"), 200)["id"] == open_team["id"]
    assert expect(outsider.api.get(f"/teams/{closed['id']}"), 403)["id"] == (
        "api.context.permissions.app_error"
    )
    assert expect(owner.api.get(f"/teams/{closed['id']}"), 200)["name"] == closed["name"]
    assert (
        expect(outsider.api.get(f"/teams/name/{open_team['name']}"), 200)["id"] == open_team["id"]
    )
    assert outsider.api.get(f"/teams/name/{closed['name']}").status_code == 403
    assert expect(outsider.api.get(f"/teams/name/{open_team['name']}/exists"), 200) == {
        "exists": True
    }
    assert expect(outsider.api.get(f"/teams/name/{closed['name']}/exists"), 200) == {
        "exists": False
    }
    assert expect(owner.api.get(f"/teams/name/{closed['name']}/exists"), 200) == {"exists": True}
    assert expect(owner.api.get("/teams/name/no-such-team-here/exists"), 200) == {"exists": False}
    assert owner.api.get("/teams/name/no-such-team-here").status_code == 404
    assert owner.api.get(f"/teams/{'a' * 26}").status_code == 404
    assert expect(owner.api.get("/teams/not-an-id"), 400)["id"] == (
        "api.context.invalid_url_param.app_error"
    )


def test_list_teams_shows_open_teams_and_admin_sees_all(
    admin: LoggedIn, make_user: UserFactory
) -> None:
    owner, other = make_user(), make_user()
    open_team = make_team(owner)
    closed = make_team(owner, type="I")
    seen = {t["id"] for t in expect(other.api.get("/teams", params={"per_page": 200}), 200)}
    assert open_team["id"] in seen and closed["id"] not in seen
    every = {t["id"] for t in expect(admin.api.get("/teams", params={"per_page": 200}), 200)}
    assert {open_team["id"], closed["id"]} <= every
    counted = expect(other.api.get("/teams", params={"include_total_count": "true"}), 200)
    assert counted["total_count"] >= 1 and isinstance(counted["teams"], list)
    page = expect(other.api.get("/teams", params={"page": 0, "per_page": 1}), 200)
    assert len(page) == 1
    assert other.api.get("/teams", params={"page": -1}).status_code == 400


def test_join_open_team_self_and_invite_only_needs_admin(make_user: UserFactory) -> None:
    owner, joiner, stranger = make_user(), make_user(), make_user()
    open_team = make_team(owner)
    member = join_team(joiner, open_team["id"], joiner)
    assert member["roles"] == "team_user" and member["team_id"] == open_team["id"]
    # Joining again changes nothing and still answers 201.
    again = join_team(joiner, open_team["id"], joiner)
    assert again["user_id"] == joiner.id
    closed = make_team(owner, type="I")
    body = {"team_id": closed["id"], "user_id": stranger.id}
    assert stranger.api.post(f"/teams/{closed['id']}/members", body).status_code == 403
    # An ordinary member of an invite-only team may not add others either.
    join_team(owner, closed["id"], joiner)
    assert joiner.api.post(f"/teams/{closed['id']}/members", body).status_code == 403
    join_team(owner, closed["id"], stranger)
    ids = {m["user_id"] for m in expect(owner.api.get(f"/teams/{closed['id']}/members"), 200)}
    assert ids == {owner.id, joiner.id, stranger.id}


def test_add_member_bad_input(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    tid = team["id"]
    assert owner.api.post(f"/teams/{tid}/members", {"user_id": "bad"}).status_code == 400
    assert owner.api.post(f"/teams/{tid}/members", {}).status_code == 400
    r = owner.api.post(f"/teams/{tid}/members", {"team_id": "a" * 26, "user_id": owner.id})
    assert r.status_code == 400
    r = owner.api.post(f"/teams/{tid}/members", {"team_id": tid, "user_id": "b" * 26})
    assert r.status_code == 404
    r = owner.api.post(f"/teams/{'c' * 26}/members", {"user_id": owner.id})
    assert r.status_code == 404


def test_joining_team_joins_default_channels(make_user: UserFactory) -> None:
    owner, joiner = make_user(), make_user()
    team = make_team(owner)
    join_team(owner, team["id"], joiner)
    mine = expect(joiner.api.get(f"/users/{joiner.id}/teams/{team['id']}/channels"), 200)
    assert {c["name"] for c in mine} == {"town-square", "off-topic"}
    teams = expect(joiner.api.get("/users/me/teams"), 200)
    assert [t["id"] for t in teams] == [team["id"]]
    members = expect(joiner.api.get("/users/me/teams/members"), 200)
    assert [m["team_id"] for m in members] == [team["id"]]


def test_team_members_paging_ids_and_visibility(make_user: UserFactory) -> None:
    owner, a, b, outsider = make_user(), make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    tid = team["id"]
    p0 = expect(owner.api.get(f"/teams/{tid}/members", params={"page": 0, "per_page": 2}), 200)
    p1 = expect(owner.api.get(f"/teams/{tid}/members", params={"page": 1, "per_page": 2}), 200)
    assert len(p0) == 2 and len(p1) == 1
    got = expect(a.api.post(f"/teams/{tid}/members/ids", [b.id, outsider.id]), 200)
    assert [m["user_id"] for m in got] == [b.id]
    assert outsider.api.get(f"/teams/{tid}/members").status_code == 403
    assert outsider.api.get(f"/teams/{tid}/members/{a.id}").status_code == 403
    r = a.api.get(f"/teams/{tid}/members/{outsider.id}")
    assert expect(r, 404)["id"] == "app.team.get_member.missing.app_error"
    assert a.api.post(f"/teams/{tid}/members/ids", ["nope"]).status_code == 400
    stats = expect(a.api.get(f"/teams/{tid}/stats"), 200)
    assert stats == {"team_id": tid, "total_member_count": 3, "active_member_count": 3}


def test_leave_team_and_remove_member(make_user: UserFactory) -> None:
    owner, a, b = make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    tid = team["id"]
    # A plain member cannot remove someone else.
    assert a.api.delete(f"/teams/{tid}/members/{b.id}").status_code == 403
    assert expect(a.api.delete(f"/teams/{tid}/members/{a.id}"), 200) == {"status": "OK"}
    assert a.api.get(f"/teams/{tid}/members/{a.id}").status_code == 403
    assert expect(a.api.get("/users/me/teams"), 200) == []
    town = expect(owner.api.get(f"/teams/{tid}/channels/name/town-square"), 200)
    members = expect(owner.api.get(f"/channels/{town['id']}/members"), 200)
    assert a.id not in {m["user_id"] for m in members}
    # The team admin removes b; a second removal finds no member.
    assert owner.api.delete(f"/teams/{tid}/members/{b.id}").status_code == 200
    assert owner.api.delete(f"/teams/{tid}/members/{b.id}").status_code == 404
    # Rejoining works and brings the default channels back.
    join_team(a, tid, a)
    names = {c["name"] for c in expect(a.api.get(f"/users/me/teams/{tid}/channels"), 200)}
    assert "town-square" in names


def test_patch_team_and_privacy(make_user: UserFactory) -> None:
    owner, member = make_user(), make_user()
    team = team_with(owner, member)
    tid = team["id"]
    patched = expect(
        owner.api.put(f"/teams/{tid}/patch", {"display_name": "New", "description": "Hi"}), 200
    )
    assert patched["display_name"] == "New" and patched["description"] == "Hi"
    assert patched["name"] == team["name"]
    assert member.api.put(f"/teams/{tid}/patch", {"display_name": "Mine"}).status_code == 403
    assert owner.api.put(f"/teams/{tid}/patch", {"display_name": ""}).status_code == 400
    assert owner.api.put(f"/teams/{tid}/patch", {"description": 5}).status_code == 400
    private = expect(owner.api.put(f"/teams/{tid}/privacy", {"privacy": "I"}), 200)
    assert private["type"] == "I" and private["allow_open_invite"] is False
    assert owner.api.put(f"/teams/{tid}/privacy", {"privacy": "X"}).status_code == 400
    r = owner.api.put(f"/teams/{tid}", {"id": "a" * 26, "display_name": "Y"})
    assert r.status_code == 400
    assert expect(owner.api.put(f"/teams/{tid}", {"display_name": "Y"}), 200)["display_name"] == "Y"


def test_delete_team_is_soft(admin: LoggedIn, make_user: UserFactory) -> None:
    owner, member = make_user(), make_user()
    team = team_with(owner, member)
    tid = team["id"]
    assert member.api.delete(f"/teams/{tid}").status_code == 403
    assert expect(owner.api.delete(f"/teams/{tid}"), 200) == {"status": "OK"}
    assert expect(admin.api.get(f"/teams/{tid}"), 200)["delete_at"] > 0
    assert tid not in {t["id"] for t in expect(member.api.get("/users/me/teams"), 200)}
    assert tid not in {t["id"] for t in expect(admin.api.get("/teams?per_page=200"), 200)}
    assert owner.api.delete(f"/teams/{tid}").status_code == 404
    body = {"team_id": tid, "user_id": member.id}
    assert owner.api.post(f"/teams/{tid}/members", body).status_code == 404


def test_an_archived_team_is_restored_with_its_members(
    admin: LoggedIn, make_user: UserFactory, server: str
) -> None:
    owner, member = make_user(), make_user()
    tid = team_with(owner, member)["id"]
    expect(owner.api.delete(f"/teams/{tid}"), 200)
    with listening(server, member) as [ws]:
        assert member.api.post(f"/teams/{tid}/restore").status_code == 403
        assert admin.api.post(f"/teams/{'z' * 26}/restore").status_code == 404
        restored = expect(owner.api.post(f"/teams/{tid}/restore"), 200)
        assert (restored["id"], restored["delete_at"]) == (tid, 0)
        event = ws.wait_for("restore_team")
        assert orjson.loads(event["data"]["team"])["id"] == tid
    assert tid in {t["id"] for t in expect(member.api.get("/users/me/teams"), 200)}
    assert expect(admin.api.get(f"/teams/{tid}"), 200)["delete_at"] == 0


def test_team_member_roles(make_user: UserFactory) -> None:
    owner, a = make_user(), make_user()
    team = team_with(owner, a)
    tid = team["id"]
    r = a.api.put(f"/teams/{tid}/members/{a.id}/roles", {"roles": "team_user team_admin"})
    assert r.status_code == 403
    r = owner.api.put(f"/teams/{tid}/members/{a.id}/roles", {"roles": "team_user team_admin"})
    assert expect(r, 200) == {"status": "OK"}
    assert expect(a.api.get(f"/teams/{tid}/members/{a.id}"), 200)["scheme_admin"] is True
    r = owner.api.put(f"/teams/{tid}/members/{a.id}/roles", {"roles": "system_admin"})
    assert r.status_code == 400
    r = owner.api.put(
        f"/teams/{tid}/members/{a.id}/schemeRoles", {"scheme_admin": False, "scheme_user": True}
    )
    assert r.status_code == 200
    assert expect(a.api.get(f"/teams/{tid}/members/{a.id}"), 200)["roles"] == "team_user"


def test_user_teams_of_someone_else_is_forbidden(admin: LoggedIn, make_user: UserFactory) -> None:
    a, b = make_user(), make_user()
    make_team(b)
    assert a.api.get(f"/users/{b.id}/teams").status_code == 403
    assert a.api.get(f"/users/{b.id}/teams/members").status_code == 403
    assert a.api.get(f"/users/{b.id}/teams/unread").status_code == 403
    assert len(expect(admin.api.get(f"/users/{b.id}/teams"), 200)) == 1


def test_team_unread_shape(make_user: UserFactory) -> None:
    owner = make_user()
    team = make_team(owner)
    make_channel(owner, team["id"])
    rows = expect(owner.api.get("/users/me/teams/unread"), 200)
    assert rows == [
        {
            "team_id": team["id"],
            "msg_count": 0,
            "mention_count": 0,
            "msg_count_root": 0,
            "mention_count_root": 0,
            "thread_count": 0,
            "thread_mention_count": 0,
            "thread_urgent_mention_count": 0,
        }
    ]
    one = expect(owner.api.get(f"/users/me/teams/{team['id']}/unread"), 200)
    assert one["team_id"] == team["id"] and one["msg_count"] == 0
    excluded = expect(
        owner.api.get("/users/me/teams/unread", params={"exclude_team": team["id"]}), 200
    )
    assert excluded == []


def test_join_by_invite_id(make_user: UserFactory) -> None:
    owner, guest = make_user(), make_user()
    closed = make_team(owner, type="I")
    r = guest.api.post("/teams/members/invite", params={"invite_id": closed["invite_id"]})
    member = expect(r, 201)
    assert member["team_id"] == closed["id"] and member["user_id"] == guest.id
    assert expect(guest.api.get(f"/teams/{closed['id']}"), 200)["id"] == closed["id"]
    r = guest.api.post("/teams/members/invite", params={"invite_id": "q" * 26})
    assert expect(r, 404)["id"] == "app.team.get_by_invite_id.finding.app_error"
    assert guest.api.post("/teams/members/invite").status_code == 400
    assert guest.api.post("/teams/members/invite", params={"invite_id": "bad"}).status_code == 400


def test_invite_id_and_email_are_for_insiders(make_user: UserFactory) -> None:
    owner, member, outsider = make_user(), make_user(), make_user()
    team = team_with(owner, member, email="contact@example.com")
    tid = team["id"]
    assert team["email"] == "contact@example.com" and team["invite_id"]
    seen_by_member = expect(member.api.get(f"/teams/{tid}"), 200)
    assert seen_by_member["invite_id"] == team["invite_id"] and seen_by_member["email"] == ""
    seen_by_outsider = expect(outsider.api.get(f"/teams/{tid}"), 200)
    assert seen_by_outsider["invite_id"] == "" and seen_by_outsider["email"] == ""
    listed = [t for t in expect(outsider.api.get("/teams?per_page=200"), 200) if t["id"] == tid]
    assert listed and listed[0]["invite_id"] == ""
    assert expect(owner.api.get(f"/teams/name/{team['name']}"), 200)["email"] == team["email"]
