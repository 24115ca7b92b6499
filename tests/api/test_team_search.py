"""POST /teams/search and GET /teams?include_deleted: prefix matches on name and display
name, the open-invite and group filters, paging as Mattermost pages, what each caller
may see (system admins every team, archived ones too; others open teams only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.chat import make_team
from tests.support.client import Api, LoggedIn, expect, unique

UserFactory = Callable[..., LoggedIn]


def search(user: LoggedIn, **body: Any) -> Any:
    return expect(user.api.post("/teams/search", body), 200)


def ids(teams: list[dict[str, Any]]) -> list[str]:
    return [t["id"] for t in teams]


@pytest.fixture
def teams(make_user: UserFactory) -> dict[str, Any]:
    """Teams sharing a fresh prefix: open, invite-only, matched by display name only,
    archived, and one with the prefix inside its name (no prefix match). Display names
    sort the same in every collation: the prefix's team (S...) first, then T, U, V."""
    owner = make_user()
    p = unique("s")
    made = {
        "open": make_team(owner, name=f"{p}-one", display_name="Tango open"),
        "invite": make_team(owner, name=f"{p}-two", display_name="Uniform invite", type="I"),
        "display": make_team(owner, name=unique("d"), display_name=f"{p.upper()} Alpha"),
        "archived": make_team(owner, name=f"{p}-old", display_name="Victor archived"),
        "inside": make_team(owner, name=f"x{p}", display_name="Whiskey inside"),
    }
    expect(owner.api.delete(f"/teams/{made['archived']['id']}"), 200)
    return {"prefix": p, "owner": owner, **{k: v["id"] for k, v in made.items()}}


def test_others_find_open_teams_by_name_or_display_name_prefix(
    make_user: UserFactory, teams: dict[str, Any]
) -> None:
    p, stranger = teams["prefix"], make_user()
    found = search(stranger, term=p)
    # Ordered by display name; any case; open, live teams only.
    assert ids(found) == [teams["display"], teams["open"]]
    assert ids(search(stranger, term=p.upper())) == ids(found)
    # What a non-member may see of a team: no invite id, no contact email.
    assert all(t["invite_id"] == "" and t["email"] == "" for t in found)
    # Only the name's start matches, and LIKE's wildcards are plain characters.
    assert search(stranger, term=p[1:]) == []
    assert search(stranger, term=f"{p}_one") == []
    assert search(stranger, term=f"{p}%") == []
    # The team's own admin sees its invite id.
    mine = search(teams["owner"], term=f"{p}-one")
    assert ids(mine) == [teams["open"]] and mine[0]["invite_id"]
    # Others are not paged (Mattermost's 501 for them).
    r = stranger.api.post("/teams/search", {"term": p, "page": 0, "per_page": 10})
    assert (
        expect(r, 501)["id"]
        == "api.team.search_teams.pagination_not_implemented.public_team_search"
    )


def test_a_system_admin_finds_every_team_and_pages(admin: LoggedIn, teams: dict[str, Any]) -> None:
    p = teams["prefix"]
    every = [teams["display"], teams["open"], teams["invite"], teams["archived"]]
    found = search(admin, term=p)
    assert ids(found) == every
    archived = next(t for t in found if t["id"] == teams["archived"])
    assert archived["delete_at"] > 0
    assert all(t["delete_at"] == 0 for t in found if t["id"] != teams["archived"])
    # Paged when both page and per_page are given: {teams, total_count}.
    first = search(admin, term=p, page=0, per_page=3)
    second = search(admin, term=p, page=1, per_page=3)
    assert first["total_count"] == second["total_count"] == 4
    assert ids(first["teams"]) + ids(second["teams"]) == every
    assert isinstance(search(admin, term=p, page=0), list)  # one of the two: unpaged
    # Filters; both together are their union, as Mattermost's.
    assert ids(search(admin, term=p, allow_open_invite=False)) == [teams["invite"]]
    assert ids(search(admin, term=p, allow_open_invite=True)) == [
        teams["display"],
        teams["open"],
        teams["archived"],
    ]
    assert search(admin, term=p, group_constrained=True) == []  # no team is
    assert ids(search(admin, term=p, group_constrained=False)) == every
    union = search(admin, term=p, allow_open_invite=False, group_constrained=True)
    assert ids(union) == [teams["invite"]]


def test_search_permissions_and_bad_bodies(
    admin: LoggedIn, make_user: UserFactory, server: str, teams: dict[str, Any]
) -> None:
    p, stranger = teams["prefix"], make_user()
    assert Api(server).post("/teams/search", {"term": p}).status_code == 401
    for body in (
        [p],
        {"term": 5},
        {"term": p, "page": -1, "per_page": 5},
        {"term": p, "page": "0", "per_page": "5"},
        {"term": p, "allow_open_invite": "yes"},
        {"term": p, "group_constrained": 1},
        {"term": "x" * 129},
    ):
        r = stranger.api.post("/teams/search", body)
        assert expect(r, 400)["id"] == "api.context.invalid_body_param.app_error", body
    # Without list_public_teams a member finds nothing (Mattermost's empty list).
    roles = expect(admin.api.post("/roles/names", ["system_user"]), 200)
    role = roles[0]
    kept = list(role["permissions"])
    patch = {"permissions": [x for x in kept if x != "list_public_teams"]}
    expect(admin.api.put(f"/roles/{role['id']}/patch", patch), 200)
    try:
        assert search(stranger, term=p) == []
        assert ids(search(admin, term=p, allow_open_invite=False)) == [teams["invite"]]
    finally:
        expect(admin.api.put(f"/roles/{role['id']}/patch", {"permissions": kept}), 200)
    assert ids(search(stranger, term=p)) == [teams["display"], teams["open"]]


def test_listing_archived_teams_is_for_system_admins(
    admin: LoggedIn, make_user: UserFactory, teams: dict[str, Any]
) -> None:
    everything = {"per_page": 200, "include_deleted": "true"}
    listed = {t["id"]: t for t in expect(admin.api.get("/teams", params=everything), 200)}
    assert listed[teams["archived"]]["delete_at"] > 0
    assert teams["open"] in listed and teams["invite"] in listed
    live = ids(expect(admin.api.get("/teams", params={"per_page": 200}), 200))
    assert teams["archived"] not in live and teams["open"] in live
    counted = expect(
        admin.api.get("/teams", params={"include_deleted": "true", "include_total_count": "true"}),
        200,
    )
    without = expect(admin.api.get("/teams", params={"include_total_count": "true"}), 200)
    assert counted["total_count"] > without["total_count"]
    r = make_user().api.get("/teams", params=everything)
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
