"""Converting channels between public and private (PUT /channels/{id}/privacy)."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import LoggedIn, expect
from tests.support.ws import WsClient

User = Callable[..., LoggedIn]


def test_convert_both_ways(msg_server: str, user_on: User) -> None:
    owner, member, other = user_on(), user_on(), user_on()
    team = make_team(owner)
    join_team(owner, team["id"], member)
    join_team(owner, team["id"], other)
    channel = make_channel(owner, team["id"])
    add_to_channel(owner, channel["id"], member)
    with WsClient(msg_server, other.token) as wo, WsClient(msg_server, member.token) as wm:
        wo.wait_for("hello")
        wm.wait_for("hello")
        converted = expect(
            owner.api.put(f"/channels/{channel['id']}/privacy", {"privacy": "P"}), 200
        )
        assert converted["type"] == "P"
        assert wo.wait_for("channel_converted")["data"]["channel_id"] == channel["id"]
        updated = wm.wait_for("channel_updated")
        assert json.loads(updated["data"]["channel"])["type"] == "P"
    # Members stay; others in the team no longer read it.
    assert expect(member.api.get(f"/channels/{channel['id']}"), 200)["type"] == "P"
    assert other.api.get(f"/channels/{channel['id']}/posts").status_code == 403
    listed = expect(owner.api.get(f"/channels/{channel['id']}/posts"), 200)
    types = [listed["posts"][i]["type"] for i in listed["order"]]
    assert "system_change_chan_privacy" in types
    # A plain member may not convert it (channel admins and team admins may).
    r = member.api.put(f"/channels/{channel['id']}/privacy", {"privacy": "O"})
    assert r.status_code == 403
    back = expect(owner.api.put(f"/channels/{channel['id']}/privacy", {"privacy": "O"}), 200)
    assert back["type"] == "O"
    assert other.api.get(f"/channels/{channel['id']}/posts").status_code == 200


def test_what_cannot_be_converted(msg_server: str, user_on: User) -> None:
    owner, friend = user_on(), user_on()
    team = make_team(owner)
    join_team(owner, team["id"], friend)
    channel = make_channel(owner, team["id"])
    for bad in ["X", "", None, 1]:
        r = owner.api.put(f"/channels/{channel['id']}/privacy", {"privacy": bad})
        assert r.status_code == 400, bad
    town = expect(owner.api.get(f"/teams/{team['id']}/channels/name/town-square"), 200)
    r = owner.api.put(f"/channels/{town['id']}/privacy", {"privacy": "P"})
    assert r.status_code == 400
    assert r.json()["id"] == "api.channel.update_channel_privacy.default_channel_error"
    dm = expect(owner.api.post("/channels/direct", [owner.id, friend.id]), 201)
    r = owner.api.put(f"/channels/{dm['id']}/privacy", {"privacy": "O"})
    assert r.status_code == 400
    r = owner.api.put(f"/channels/{'d' * 26}/privacy", {"privacy": "P"})
    assert r.status_code in (403, 404)
