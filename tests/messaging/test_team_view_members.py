"""``view_members`` at the team level (issue 23), as Mattermost's view restrictions: when
an admin takes it from ``system_user``, people see only those sharing a channel with
them, plus every member of the teams where their team roles grant it; an admin giving
it to ``team_user`` (or to ``team_guest``) widens the view to those teams' members, and
no further, in listings, autocomplete, search, single lookups and user events. A server of its own:
the roles changed here are the whole server's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.messaging.conftest import MESSAGING_ENV
from tests.support.chat import team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server
from tests.support.ws import listening

VIEW_MEMBERS = "view_members"
FORBIDDEN = "api.context.permissions.app_error"


@dataclass
class Server:
    base: str
    admin: LoggedIn


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-view-members-{backend}")
    with (
        database(backend, data_dir) as url,
        running_server(url, data_dir, MESSAGING_ENV) as base,
    ):
        admin = create_user(base, username=f"vmadmin{uuid.uuid4().hex[:6]}")
        yield Server(base, admin)
        admin.api.close()


@dataclass
class World:
    owner: LoggedIn  # made both teams
    mate: LoggedIn  # a regular member of team
    loner: LoggedIn  # in team, sharing no channel with anyone (left its default channels)
    stranger: LoggedIn  # only in team2
    team: dict[str, Any]
    team2: dict[str, Any]


def _world(server: Server, loner_is_guest: bool) -> World:
    tag = uuid.uuid4().hex[:6]
    owner, mate, loner, stranger = (
        create_user(server.base, username=f"{role}{tag}")
        for role in ("owner", "mate", "loner", "stranger")
    )
    team = team_with(owner, mate, loner)
    team2 = team_with(owner, stranger)
    # Only a guest may leave town-square: a regular loner is a guest for the leaving
    # only, then a member again (their memberships stay as they are).
    expect(server.admin.api.post(f"/users/{loner.id}/demote"), 200)
    for name in ("town-square", "off-topic"):
        channel = expect(loner.api.get(f"/teams/{team['id']}/channels/name/{name}"), 200)
        expect(loner.api.delete(f"/channels/{channel['id']}/members/{loner.id}"), 200)
    if not loner_is_guest:
        expect(server.admin.api.post(f"/users/{loner.id}/promote"), 200)
    return World(owner, mate, loner, stranger, team, team2)


class Roles:
    """Patches built-in roles, and puts them back."""

    def __init__(self, admin: LoggedIn) -> None:
        self.admin = admin
        self.saved: dict[str, tuple[str, list[str]]] = {}

    def set(self, name: str, *, grant: bool) -> None:
        role = expect(self.admin.api.get(f"/roles/name/{name}"), 200)
        self.saved.setdefault(name, (role["id"], list(role["permissions"])))
        perms = set(role["permissions"])
        perms = perms | {VIEW_MEMBERS} if grant else perms - {VIEW_MEMBERS}
        expect(
            self.admin.api.put(f"/roles/{role['id']}/patch", {"permissions": sorted(perms)}), 200
        )

    def restore(self) -> None:
        for role_id, perms in self.saved.values():
            expect(self.admin.api.put(f"/roles/{role_id}/patch", {"permissions": perms}), 200)


def ids(found: list[dict[str, Any]]) -> set[str]:
    return {u["id"] for u in found}


def _sees(viewer: LoggedIn, w: World) -> dict[str, set[str]]:
    """What the viewer finds of team and team2's people, each way of looking (search
    and lookup: of the others)."""
    api = viewer.api
    people = [p for p in (w.mate, w.loner, w.stranger) if p.id != viewer.id]
    found: dict[str, set[str]] = {
        "in_team": ids(expect(api.get("/users", params={"in_team": w.team["id"]}), 200)),
        "in_team2": ids(expect(api.get("/users", params={"in_team": w.team2["id"]}), 200)),
        "auto": ids(
            expect(
                api.get("/users/autocomplete", params={"name": "", "in_team": w.team["id"]}), 200
            )["users"]
        ),
        "search": set(),
        "lookup": set(),
    }
    for person in people:
        hits = expect(api.post("/users/search", {"term": person.username}), 200)
        found["search"] |= ids(hits)
        answer = api.get(f"/users/{person.id}")
        if answer.status_code == 200:
            found["lookup"].add(person.id)
        else:
            assert answer.status_code == 403 and answer.json()["id"] == FORBIDDEN, answer.text
    return found


def test_team_user_grant_widens_a_restricted_member(server: Server) -> None:
    w = _world(server, loner_is_guest=False)
    roles = Roles(server.admin)
    try:
        # Everyone sees everyone while system_user holds view_members (the default).
        assert _sees(w.mate, w)["in_team2"] == {w.owner.id, w.stranger.id}
        roles.set("system_user", grant=False)
        seen = _sees(w.mate, w)
        # By channel only: the loner (no shared channel) and the stranger are hidden.
        assert seen["in_team"] == seen["auto"] == {w.owner.id, w.mate.id}
        assert seen["in_team2"] == {w.owner.id}
        assert seen["search"] == seen["lookup"] == set()
        # team_user with view_members: the mate sees all of their team, not team2.
        roles.set("team_user", grant=True)
        seen = _sees(w.mate, w)
        assert seen["in_team"] == seen["auto"] == {w.owner.id, w.mate.id, w.loner.id}
        assert seen["in_team2"] == {w.owner.id}
        assert seen["search"] == seen["lookup"] == {w.loner.id}
        # The stranger, only in team2, sees team2's (the owner) and no one of team.
        assert _sees(w.stranger, w)["lookup"] == set()
    finally:
        roles.restore()
    assert _sees(w.mate, w)["lookup"] == {w.loner.id, w.stranger.id}


def test_team_guest_grant_widens_a_guest(server: Server) -> None:
    w = _world(server, loner_is_guest=True)
    roles = Roles(server.admin)
    try:
        # A guest who left the default channels sees no one of their team.
        seen = _sees(w.loner, w)
        assert seen["in_team"] == {w.loner.id}
        assert seen["lookup"] == seen["search"] == set()
        with listening(server.base, w.loner) as (loner_ws,):
            expect(w.mate.api.put("/users/me/patch", {"nickname": "unseen"}), 200)
            loner_ws.assert_no_event("user_updated", within=1.0)
        # team_guest with view_members: the team's members, not team2's stranger.
        roles.set("team_guest", grant=True)
        with listening(server.base, w.loner) as (loner_ws,):
            expect(w.stranger.api.put("/users/me/patch", {"nickname": "far"}), 200)
            expect(w.mate.api.put("/users/me/patch", {"nickname": "near"}), 200)
            # Events arrive in order: the first the guest gets is the mate's.
            first = loner_ws.wait_for("user_updated")
            assert first["data"]["user"]["id"] == w.mate.id
        seen = _sees(w.loner, w)
        assert seen["in_team"] == seen["auto"] == {w.owner.id, w.mate.id, w.loner.id}
        assert seen["in_team2"] == {w.owner.id}
        assert seen["search"] == seen["lookup"] == {w.mate.id}
        # A direct channel opens with a teammate now, not with the stranger.
        expect(w.loner.api.post("/channels/direct", [w.loner.id, w.mate.id]), 201)
        far = w.loner.api.post("/channels/direct", [w.loner.id, w.stranger.id])
        assert far.status_code == 403, far.text
    finally:
        roles.restore()
    assert _sees(w.loner, w)["lookup"] == {w.mate.id}  # they share a direct channel now
