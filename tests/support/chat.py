"""Teams and channels through the public API, for any test that needs somewhere to talk.

team = make_team(owner)
join_team(owner, team["id"], alice)
channel = make_channel(owner, team["id"])          # "O"; type="P" for private
add_to_channel(owner, channel["id"], alice)
dm = make_dm(alice, bob)
group = make_group(alice, bob, carol)
"""

from __future__ import annotations

from typing import Any

from tests.support.client import LoggedIn, expect, unique


def make_team(owner: LoggedIn, **fields: Any) -> dict[str, Any]:
    """A new team (open unless ``type="I"``); the owner is its team admin."""
    name = fields.pop("name", unique("team"))
    body = {"name": name, "display_name": fields.pop("display_name", name), "type": "O", **fields}
    team: dict[str, Any] = expect(owner.api.post("/teams", body), 201)
    return team


def join_team(actor: LoggedIn, team_id: str, user: LoggedIn) -> dict[str, Any]:
    """Add ``user`` to the team; ``actor`` is a team/system admin, or the user themselves."""
    body = {"team_id": team_id, "user_id": user.id}
    member: dict[str, Any] = expect(actor.api.post(f"/teams/{team_id}/members", body), 201)
    return member


def make_channel(creator: LoggedIn, team_id: str, type: str = "O", **fields: Any) -> dict[str, Any]:
    """A new channel in the team, which the creator must belong to; they become its admin."""
    name = fields.pop("name", unique("chan"))
    body = {
        "team_id": team_id,
        "name": name,
        "display_name": fields.pop("display_name", name),
        "type": type,
        **fields,
    }
    channel: dict[str, Any] = expect(creator.api.post("/channels", body), 201)
    return channel


def add_to_channel(actor: LoggedIn, channel_id: str, user: LoggedIn) -> dict[str, Any]:
    """Add ``user`` (already in the channel's team) to the channel."""
    r = actor.api.post(f"/channels/{channel_id}/members", {"user_id": user.id})
    member: dict[str, Any] = expect(r, 201)
    return member


def make_dm(a: LoggedIn, b: LoggedIn) -> dict[str, Any]:
    """The direct channel of a and b (created by a; the same channel every time)."""
    channel: dict[str, Any] = expect(a.api.post("/channels/direct", [a.id, b.id]), 201)
    return channel


def make_group(creator: LoggedIn, *others: LoggedIn) -> dict[str, Any]:
    """The group channel of the creator and 2 to 7 others."""
    ids = [creator.id, *(o.id for o in others)]
    channel: dict[str, Any] = expect(creator.api.post("/channels/group", ids), 201)
    return channel


def team_with(owner: LoggedIn, *members: LoggedIn, **fields: Any) -> dict[str, Any]:
    """A team the owner made, with the given users already in it."""
    team = make_team(owner, **fields)
    for user in members:
        join_team(owner, team["id"], user)
    return team


def channel_with(
    owner: LoggedIn, team_id: str, *members: LoggedIn, type: str = "O", **fields: Any
) -> dict[str, Any]:
    """A channel the owner made in the team, with the given (team member) users in it."""
    channel = make_channel(owner, team_id, type, **fields)
    for user in members:
        add_to_channel(owner, channel["id"], user)
    return channel
