"""What a guest sees of other people, as Mattermost's view restrictions: only themself
and whoever shares a channel with them (direct ones included). Listings leave the
others out, lookups of one of them answer 403, direct and group channels open only with
people they see, and user events about the others do not reach them; regular users are
unaffected."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.chat import channel_with, make_dm, team_with
from tests.support.client import LoggedIn, expect
from tests.support.ws import listening

User = Callable[..., LoggedIn]
FORBIDDEN = "api.context.permissions.app_error"


@dataclass
class World:
    """The guest shares the town square of ``team`` with its members (as in Mattermost,
    a team's default channels take guests too) and a direct channel with ``friend``;
    ``stranger`` is only in ``team2``, where the guest is not."""

    owner: LoggedIn  # made both teams and their channels
    guest: LoggedIn
    mate: LoggedIn  # in the guest's team and channel
    friend: LoggedIn  # in team2; shares only a direct channel with the guest
    stranger: LoggedIn  # in team2, sharing nothing with the guest
    team: dict[str, Any]
    team2: dict[str, Any]
    theirs: dict[str, Any]  # the guest's channel in team
    other: dict[str, Any]  # a public channel of team without the guest
    far: dict[str, Any]  # team2's channel of the stranger and the friend


def world(user_on: User, msg_admin: LoggedIn) -> World:
    tag = uuid.uuid4().hex[:6]
    owner, guest, mate, friend, stranger = (
        user_on(username=f"{role}{tag}")
        for role in ("owner", "guest", "mate", "friend", "stranger")
    )
    team = team_with(owner, guest, mate)
    team2 = team_with(owner, friend, stranger)
    theirs = channel_with(owner, team["id"], guest, mate)
    other = channel_with(owner, team["id"])
    far = channel_with(owner, team2["id"], stranger, friend)
    make_dm(friend, guest)
    expect(msg_admin.api.post(f"/users/{guest.id}/demote"), 200)
    return World(owner, guest, mate, friend, stranger, team, team2, theirs, other, far)


def ids(found: list[dict[str, Any]]) -> set[str]:
    return {u["id"] for u in found}


def forbidden(r: Any) -> None:
    assert r.status_code == 403, r.text
    assert r.json()["id"] == FORBIDDEN


def test_guest_lists_only_people_sharing_a_channel(user_on: User, msg_admin: LoggedIn) -> None:
    w = world(user_on, msg_admin)
    seen = {w.guest.id, w.owner.id, w.mate.id, w.friend.id}
    api = w.guest.api
    # Every listing of /users: the stranger (and everyone else on the server) left out.
    assert ids(expect(api.get("/users", params={"per_page": 200}), 200)) == seen
    in_team = expect(api.get("/users", params={"in_team": w.team2["id"]}), 200)
    assert ids(in_team) == {w.owner.id, w.friend.id}
    in_far = expect(api.get("/users", params={"in_channel": w.far["id"]}), 200)
    assert ids(in_far) == {w.owner.id, w.friend.id}
    outside = api.get("/users", params={"in_team": w.team2["id"], "not_in_channel": w.theirs["id"]})
    assert ids(expect(outside, 200)) == {w.friend.id}
    not_in_team = expect(api.get("/users", params={"not_in_team": w.team["id"]}), 200)
    assert ids(not_in_team) == {w.friend.id}
    # A regular user sees the stranger in the same listings.
    in_far = expect(w.mate.api.get("/users", params={"in_channel": w.far["id"]}), 200)
    assert ids(in_far) == {w.owner.id, w.friend.id, w.stranger.id}
    # Lookups by id and by name: only those they see.
    by_ids = api.post("/users/ids", [w.mate.id, w.stranger.id, w.friend.id])
    assert ids(expect(by_ids, 200)) == {w.mate.id, w.friend.id}
    by_names = api.post("/users/usernames", [w.mate.username, w.stranger.username])
    assert ids(expect(by_names, 200)) == {w.mate.id}
    # Search and autocomplete.
    assert expect(api.post("/users/search", {"term": w.stranger.username}), 200) == []
    found = expect(api.post("/users/search", {"term": w.mate.username}), 200)
    assert ids(found) == {w.mate.id}
    in_team_search = api.post(
        "/users/search", {"term": w.stranger.username, "team_id": w.team2["id"]}
    )
    assert expect(in_team_search, 200) == []
    tag = w.guest.username.removeprefix("guest")
    auto = api.get("/users/autocomplete", params={"name": "", "in_team": w.team["id"]})
    assert ids(expect(auto, 200)["users"]) == {w.owner.id, w.guest.id, w.mate.id}
    auto = api.get("/users/autocomplete", params={"name": "", "in_team": w.team2["id"]})
    assert ids(expect(auto, 200)["users"]) == {w.owner.id, w.friend.id}
    auto = api.get(
        "/users/autocomplete",
        params={"name": "", "in_team": w.team2["id"], "in_channel": w.theirs["id"]},
    )
    body = expect(auto, 200)
    assert ids(body["users"]) == {w.owner.id, w.guest.id, w.mate.id}
    assert ids(body["out_of_channel"]) == {w.friend.id}
    auto = api.get("/users/autocomplete", params={"name": f"stranger{tag}"})
    assert expect(auto, 200)["users"] == []
    auto = w.mate.api.get("/users/autocomplete", params={"name": f"stranger{tag}"})
    assert ids(expect(auto, 200)["users"]) == {w.stranger.id}


def test_guest_lookups_of_hidden_users_answer_403(user_on: User, msg_admin: LoggedIn) -> None:
    w = world(user_on, msg_admin)
    api = w.guest.api
    for path in (
        f"/users/{w.stranger.id}",
        f"/users/username/{w.stranger.username}",
        f"/users/email/{w.stranger.email}",
        f"/users/{w.stranger.id}/image",
        f"/users/{w.stranger.id}/image/default",
        # An id that is nobody's: no telling it from a hidden user.
        f"/users/{'q' * 26}",
    ):
        forbidden(api.get(path))
    for path in (
        f"/users/{w.mate.id}",
        f"/users/{w.friend.id}",
        f"/users/username/{w.mate.username}",
        f"/users/email/{w.friend.email}",
        f"/users/{w.mate.id}/image",
        f"/users/{w.mate.id}/image/default",
        "/users/me",
        f"/users/{w.guest.id}",
    ):
        assert api.get(path).status_code == 200, path
    # Statuses Mattermost answers to anyone.
    assert expect(api.get(f"/users/{w.stranger.id}/status"), 200)["user_id"] == w.stranger.id
    # Someone newly sharing a channel with the guest becomes visible at once.
    expect(w.stranger.api.post("/channels/direct", [w.stranger.id, w.guest.id]), 201)
    assert expect(api.get(f"/users/{w.stranger.id}"), 200)["id"] == w.stranger.id
    # Promoted, they see everyone.
    expect(msg_admin.api.post(f"/users/{w.guest.id}/promote"), 200)
    assert expect(api.get(f"/users/{msg_admin.id}"), 200)["id"] == msg_admin.id


def test_regular_users_see_everyone(user_on: User, msg_admin: LoggedIn) -> None:
    w = world(user_on, msg_admin)
    api = w.mate.api  # shares no channel with the stranger either
    expect(api.get(f"/users/{w.stranger.id}"), 200)
    expect(api.get(f"/users/username/{w.stranger.username}"), 200)
    expect(api.get(f"/users/{w.stranger.id}/image"), 200)
    by_ids = api.post("/users/ids", [w.stranger.id, msg_admin.id])
    assert ids(expect(by_ids, 200)) == {w.stranger.id, msg_admin.id}
    in_team = expect(api.get("/users", params={"in_team": w.team2["id"]}), 200)
    assert ids(in_team) == {w.owner.id, w.friend.id, w.stranger.id}
    found = expect(api.post("/users/search", {"term": w.stranger.username}), 200)
    assert ids(found) == {w.stranger.id}
    expect(api.post("/channels/direct", [w.mate.id, w.stranger.id]), 201)


def test_guest_opens_conversations_only_with_people_they_see(
    user_on: User, msg_admin: LoggedIn
) -> None:
    w = world(user_on, msg_admin)
    api = w.guest.api
    forbidden(api.post("/channels/direct", [w.guest.id, w.stranger.id]))
    forbidden(api.post("/channels/group", [w.guest.id, w.mate.id, w.stranger.id]))
    dm = expect(api.post("/channels/direct", [w.guest.id, w.mate.id]), 201)
    assert dm["type"] == "D"
    group = expect(api.post("/channels/group", [w.guest.id, w.mate.id, w.friend.id]), 201)
    assert group["type"] == "G"
    # Others may still open one with the guest, who then sees them.
    expect(w.stranger.api.post("/channels/direct", [w.stranger.id, w.guest.id]), 201)
    expect(api.get(f"/users/{w.stranger.id}"), 200)
    expect(api.post("/channels/group", [w.guest.id, w.mate.id, w.stranger.id]), 201)


def test_guest_creates_browses_and_searches_no_channels(user_on: User, msg_admin: LoggedIn) -> None:
    w = world(user_on, msg_admin)
    api = w.guest.api
    team_id = w.team["id"]
    for kind in ("O", "P"):
        name = f"g{uuid.uuid4().hex[:8]}"
        body = {"team_id": team_id, "name": name, "display_name": name, "type": kind}
        forbidden(api.post("/channels", body))
    forbidden(api.get(f"/teams/{team_id}/channels"))
    forbidden(api.post(f"/teams/{team_id}/channels/search", {"term": w.other["name"]}))
    forbidden(api.get(f"/teams/{team_id}/channels/autocomplete", params={"name": ""}))
    forbidden(api.post(f"/channels/{w.other['id']}/members", {"user_id": w.guest.id}))
    forbidden(api.get(f"/channels/{w.other['id']}"))
    # Their own channels they still read.
    mine = expect(api.get(f"/users/me/teams/{team_id}/channels"), 200)
    assert w.theirs["id"] in {c["id"] for c in mine}
    assert w.other["id"] not in {c["id"] for c in mine}
    # A regular member of the team browses and searches.
    listed = expect(w.mate.api.get(f"/teams/{team_id}/channels"), 200)
    assert w.other["id"] in {c["id"] for c in listed}


def test_user_events_reach_a_guest_only_about_people_they_see(
    msg_server: str, user_on: User, msg_admin: LoggedIn
) -> None:
    w = world(user_on, msg_admin)
    with listening(msg_server, w.guest, w.owner) as (guest_ws, owner_ws):
        expect(w.stranger.api.put("/users/me/patch", {"nickname": "hidden"}), 200)
        expect(w.mate.api.put("/users/me/patch", {"nickname": "seen"}), 200)
        # Events arrive in order: the first user_updated the guest gets is the mate's.
        first = guest_ws.wait_for("user_updated")
        assert first["data"]["user"]["id"] == w.mate.id
        assert first["data"]["user"]["nickname"] == "seen"
        # The owner (a regular user) hears of both.
        about = owner_ws.wait_for("user_updated")
        assert about["data"]["user"]["id"] == w.stranger.id
        about = owner_ws.wait_for("user_updated")
        assert about["data"]["user"]["id"] == w.mate.id
        # A sign-up: every regular user hears of it, no guest (they share nothing yet).
        newcomer = user_on()
        joined = owner_ws.wait_for("new_user")
        assert joined["data"]["user_id"] == newcomer.id
        guest_ws.assert_no_event("new_user", within=0.5)


def test_guest_lists_only_team_members_they_see(user_on: User, msg_admin: LoggedIn) -> None:
    w = world(user_on, msg_admin)
    team_id = w.team["id"]
    # The guest leaves the team's default channels; a newcomer then shares none with them.
    for name in ("town-square", "off-topic"):
        channel = expect(w.guest.api.get(f"/teams/{team_id}/channels/name/{name}"), 200)
        expect(w.guest.api.delete(f"/channels/{channel['id']}/members/{w.guest.id}"), 200)
    newcomer = user_on()
    expect(
        w.owner.api.post(f"/teams/{team_id}/members", {"team_id": team_id, "user_id": newcomer.id}),
        201,
    )
    members = expect(w.guest.api.get(f"/teams/{team_id}/members"), 200)
    assert {m["user_id"] for m in members} == {w.owner.id, w.guest.id, w.mate.id}
    by_ids = w.guest.api.post(f"/teams/{team_id}/members/ids", [newcomer.id, w.mate.id])
    assert {m["user_id"] for m in expect(by_ids, 200)} == {w.mate.id}
    # A regular member lists them all.
    members = expect(w.mate.api.get(f"/teams/{team_id}/members"), 200)
    assert {m["user_id"] for m in members} == {w.owner.id, w.guest.id, w.mate.id, newcomer.id}
