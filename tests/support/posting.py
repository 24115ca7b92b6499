"""Posting through the public API, and a ready-made room for post tests.

``make_room(make_user)`` gives an owner, alice and bob in one team and channel, plus an
outsider who is in the team only; ``post(user, channel_id, message, root_id=...)``
creates a post and returns its JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, expect


@dataclass
class Room:
    owner: LoggedIn  # team and channel admin
    alice: LoggedIn
    bob: LoggedIn
    outsider: LoggedIn  # in the team, not in the channel
    team_id: str
    channel_id: str


def make_room(make_user: Callable[..., LoggedIn], channel_type: str = "O") -> Room:
    owner, alice, bob, outsider = make_user(), make_user(), make_user(), make_user()
    team = team_with(owner, alice, bob, outsider)
    channel = channel_with(owner, team["id"], alice, bob, type=channel_type)
    return Room(owner, alice, bob, outsider, team["id"], channel["id"])


def post(user: LoggedIn, channel_id: str, message: str, **fields: Any) -> dict[str, Any]:
    body = {"channel_id": channel_id, "message": message, **fields}
    created: dict[str, Any] = expect(user.api.post("/posts", body), 201)
    return created


def page(user: LoggedIn, channel_id: str, **params: Any) -> dict[str, Any]:
    listed: dict[str, Any] = expect(
        user.api.get(f"/channels/{channel_id}/posts", params=params), 200
    )
    return listed


def member(user: LoggedIn, channel_id: str, user_id: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(user.api.get(f"/channels/{channel_id}/members/{user_id}"), 200)
    return found


def channel(user: LoggedIn, channel_id: str) -> dict[str, Any]:
    found: dict[str, Any] = expect(user.api.get(f"/channels/{channel_id}"), 200)
    return found


class Attempts:
    """Posts a user tries while something fails; keeps the ids the server acknowledged
    (201), which must all survive whatever happened."""

    def __init__(self, user: LoggedIn, channel_id: str) -> None:
        self.user = user
        self.channel_id = channel_id
        self.acknowledged: list[str] = []

    def post(self, message: str) -> int:
        r = self.user.api.post("/posts", {"channel_id": self.channel_id, "message": message})
        if r.status_code == 201:
            self.acknowledged.append(r.json()["id"])
        return r.status_code
