"""LDAP groups against a real OpenLDAP (slapd): listing the directory's groups, linking
one to a Roost group, the sync keeping its members as the directory's (added and
removed, with the member events), unlinking, who may, bad remote ids, and ``@group``
mentions of a linked group."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.sso.conftest import LdapDeployment
from tests.sso.slapd import BASE_DN
from tests.support.chat import channel_with, team_with
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.posting import post
from tests.support.ws import listening


def _person(ldap: LdapDeployment, uid: str, sign_in: bool = True) -> LoggedIn | None:
    """A directory person; with ``sign_in``, their Roost account (made by a first login)."""
    password = f"{uid}-pw"
    ldap.directory.add_person(uid, password)
    if not sign_in:
        return None
    return _sign_in(ldap, uid)


def _sign_in(ldap: LdapDeployment, uid: str) -> LoggedIn:
    body = {"login_id": uid, "password": f"{uid}-pw"}
    answer = httpx.post(f"{ldap.base}/api/v4/users/login", json=body, timeout=15)
    assert answer.status_code == 200, answer.text
    raw = answer.json()
    token = answer.headers["Token"]
    return LoggedIn(raw["id"], raw["username"], raw["email"], token, Api(ldap.base, token), raw)


def _listed(ldap: LdapDeployment, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = expect(ldap.admin.api.get("/ldap/groups", params=params), 200)
    return found


def _members(ldap: LdapDeployment, group_id: str) -> set[str]:
    found = expect(ldap.admin.api.get(f"/groups/{group_id}/members"), 200)
    return {u["id"] for u in found["members"]}


def _sync(ldap: LdapDeployment) -> None:
    assert expect(ldap.admin.api.post("/ldap/sync"), 200)["status"] == "OK"


def test_the_directory_groups_are_listed_to_admins(ldap: LdapDeployment) -> None:
    _person(ldap, "lister", sign_in=False)
    tag = uuid.uuid4().hex[:6]
    first = ldap.directory.add_group(f"Listing {tag} One", "lister")
    second = ldap.directory.add_group(f"Listing {tag} Two", "lister")

    everyone = _listed(ldap, per_page=200)
    assert everyone["count"] >= 2
    keys = {g["primary_key"]: g for g in everyone["groups"]}
    assert keys[first]["name"] == f"Listing {tag} One"
    assert keys[first]["mattermost_group_id"] is None and keys[first]["has_syncables"] is None
    # q: part of the name, any case; paging over the matches.
    found = _listed(ldap, q=f"listing {tag.upper()}", per_page=1)
    assert found["count"] == 2 and [g["primary_key"] for g in found["groups"]] == [first]
    page_two = _listed(ldap, q=f"listing {tag}", per_page=1, page=1)
    assert [g["primary_key"] for g in page_two["groups"]] == [second]
    assert _listed(ldap, q="no group is named so")["groups"] == []

    # System admins only, for listing, linking and unlinking.
    someone = create_user(ldap.base)
    for answer in (
        someone.api.get("/ldap/groups"),
        someone.api.post(f"/ldap/groups/{first}/link"),
        someone.api.delete(f"/ldap/groups/{first}/link"),
    ):
        assert answer.status_code == 403
        assert answer.json()["id"] == "api.context.permissions.app_error"
    assert Api(ldap.base).get("/ldap/groups").status_code == 401
    # Nothing was linked by those refused.
    still = {g["primary_key"]: g for g in _listed(ldap, per_page=200)["groups"]}
    assert still[first]["mattermost_group_id"] is None


def test_a_linked_group_follows_the_directory(ldap: LdapDeployment) -> None:
    ann, bob = _person(ldap, "gl-ann"), _person(ldap, "gl-bob")
    assert ann is not None and bob is not None
    _person(ldap, "gl-carl", sign_in=False)  # in the group, no Roost account yet
    remote_id = ldap.directory.add_group("Platform Team", "gl-ann", "gl-bob", "gl-carl")

    made = ldap.admin.api.post(f"/ldap/groups/{remote_id}/link")
    assert made.status_code == 201, made.text
    group = made.json()
    assert (group["source"], group["remote_id"], group["display_name"]) == (
        "ldap",
        remote_id,
        "Platform Team",
    )
    assert group["name"] == "platform-team" and group["allow_reference"] is True
    again = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 200)
    assert again["id"] == group["id"]
    listed = {g["primary_key"]: g for g in _listed(ldap, q="platform team")["groups"]}
    assert listed[remote_id]["mattermost_group_id"] == group["id"]
    # is_linked: only the linked ones, or only the others.
    assert [
        g["primary_key"] for g in _listed(ldap, q="platform team", is_linked="true")["groups"]
    ] == [remote_id]
    assert _listed(ldap, q="platform team", is_linked="false")["groups"] == []
    # Among the tenant's groups, by source.
    ldap_groups = expect(ldap.admin.api.get("/groups", params={"group_source": "ldap"}), 200)
    assert group["id"] in [g["id"] for g in ldap_groups]
    assert group["id"] not in [
        g["id"]
        for g in expect(ldap.admin.api.get("/groups", params={"group_source": "custom"}), 200)
    ]

    # The sync: members who have an account, with their events.
    with listening(ldap.base, ann) as (wa,):
        _sync(ldap)
        added = json.loads(wa.wait_for("group_member_add")["data"]["group_member"])
        assert (added["group_id"], added["user_id"]) == (group["id"], ann.id)
    assert _members(ldap, group["id"]) == {ann.id, bob.id}

    # The directory changes: bob leaves the group, carl signs in, dana joins.
    carl = _sign_in(ldap, "gl-carl")
    dana = _person(ldap, "gl-dana")
    assert dana is not None
    ldap.directory.group_members("Platform Team", add=("gl-dana",), drop=("gl-bob",))
    with listening(ldap.base, bob, dana) as (wb, wd):
        _sync(ldap)
        gone = json.loads(wb.wait_for("group_member_deleted")["data"]["group_member"])
        assert (gone["group_id"], gone["user_id"]) == (group["id"], bob.id)
        joined = json.loads(wd.wait_for("group_member_add")["data"]["group_member"])
        assert joined["user_id"] == dana.id
    assert _members(ldap, group["id"]) == {ann.id, carl.id, dana.id}
    # A second sync with no change changes nothing.
    _sync(ldap)
    assert _members(ldap, group["id"]) == {ann.id, carl.id, dana.id}

    # Only the sync changes it: the custom-group routes refuse.
    for answer in (
        ldap.admin.api.put(f"/groups/{group['id']}/patch", {"display_name": "Renamed"}),
        ldap.admin.api.post(f"/groups/{group['id']}/members", {"user_ids": [bob.id]}),
        ldap.admin.api.delete(f"/groups/{group['id']}"),
    ):
        assert answer.status_code == 400
        assert answer.json()["id"] == "app.group.crud_permission"

    # A user the directory deactivates leaves the group at the same sync.
    ldap.directory.remove("gl-carl")
    _sync(ldap)
    assert _members(ldap, group["id"]) == {ann.id, dana.id}


def test_unlinking_and_linking_again(ldap: LdapDeployment) -> None:
    erin = _person(ldap, "ul-erin")
    assert erin is not None
    remote_id = ldap.directory.add_group("Unlinked Ones", "ul-erin")
    group = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 201)
    _sync(ldap)
    assert _members(ldap, group["id"]) == {erin.id}

    assert expect(ldap.admin.api.delete(f"/ldap/groups/{remote_id}/link"), 200)["status"] == "OK"
    deleted = expect(ldap.admin.api.get(f"/groups/{group['id']}"), 200)
    assert deleted["delete_at"] > 0
    listed = {g["primary_key"]: g for g in _listed(ldap, q="unlinked ones")["groups"]}
    assert listed[remote_id]["mattermost_group_id"] is None
    # Unlinking an unlinked group is fine; one never linked is not found.
    expect(ldap.admin.api.delete(f"/ldap/groups/{remote_id}/link"), 200)
    never = ldap.admin.api.delete(f"/ldap/groups/{uuid.uuid4()}/link")
    assert never.status_code == 404 and never.json()["id"] == "app.group.no_rows"

    # Linked again: the same group back (200), its members kept.
    back = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 200)
    assert (back["id"], back["delete_at"], back["member_count"]) == (group["id"], 0, 1)

    # Renamed in the directory: the display name follows, the @name stays.
    ldap.directory.rename_group("Unlinked Ones", "Linked Again")
    _sync(ldap)
    renamed = expect(ldap.admin.api.get(f"/groups/{group['id']}"), 200)
    assert (renamed["display_name"], renamed["name"]) == ("Linked Again", group["name"])

    # A group gone from the directory keeps its link and loses its members.
    ldap.directory.remove_group("Linked Again")
    _sync(ldap)
    assert _members(ldap, group["id"]) == set()


def test_unique_member_groups_match_dns_however_spelled(ldap: LdapDeployment) -> None:
    ivy, jon = _person(ldap, "um-ivy"), _person(ldap, "um-jon")
    assert ivy is not None and jon is not None
    remote_id = ldap.directory.add_unique_group(
        "Unique Crew",
        f"UID=um-ivy, OU=People, {BASE_DN.upper()}",
        f"uid=um-jon,ou=people,{BASE_DN}#'0101'B",
        f"uid=nobody-here,ou=people,{BASE_DN}",
    )
    group = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 201)
    _sync(ldap)
    assert _members(ldap, group["id"]) == {ivy.id, jon.id}


def test_bad_remote_ids(ldap: LdapDeployment) -> None:
    for remote_id in (str(uuid.uuid4()), "not-a-uuid", "*", "x)(cn=*"):
        answer = ldap.admin.api.post(f"/ldap/groups/{remote_id}/link")
        assert answer.status_code == 404, remote_id
        assert answer.json()["id"] == "api.ldap_group.not_found"
    too_long = ldap.admin.api.post(f"/ldap/groups/{'a' * 49}/link")
    assert too_long.status_code == 400
    assert too_long.json()["id"] == "api.context.invalid_url_param.app_error"


def test_a_linked_group_name_is_made_valid_and_unique(ldap: LdapDeployment) -> None:
    # A username already holds the plain name: the group gets a suffix.
    create_user(ldap.base, username="design-crew")
    _person(ldap, "nm-hal", sign_in=False)
    remote_id = ldap.directory.add_group("Design Crew!", "nm-hal")
    group = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 201)
    assert group["name"].startswith("design-crew-") and group["name"] != "design-crew"
    assert group["display_name"] == "Design Crew!"


def test_a_mention_of_a_linked_group_notifies_its_members(ldap: LdapDeployment) -> None:
    fay, gus = _person(ldap, "mn-fay"), _person(ldap, "mn-gus")
    assert fay is not None and gus is not None
    author, bystander = create_user(ldap.base), create_user(ldap.base)
    remote_id = ldap.directory.add_group("Support Desk", "mn-fay", "mn-gus")
    group = expect(ldap.admin.api.post(f"/ldap/groups/{remote_id}/link"), 201)
    _sync(ldap)
    team = team_with(author, fay, gus, bystander)
    channel = channel_with(author, team["id"], fay, gus, bystander)
    with listening(ldap.base, fay, bystander) as (wf, wb):
        post(author, channel["id"], f"@{group['name']} the printer is down")
        mentioned = json.loads(wf.wait_for("posted")["data"]["mentions"])
        assert sorted(mentioned) == sorted([fay.id, gus.id])
        plain = wb.wait_for("posted")
        assert bystander.id not in json.loads(plain["data"].get("mentions", "[]"))
    unread = expect(gus.api.get(f"/users/{gus.id}/channels/{channel['id']}/unread"), 200)
    assert unread["mention_count"] == 1
