"""Permalink previews: a post linking to another post shows that post, to viewers who
may read its channel and to no one else (in answers and in events alike)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.messaging.pages import wait_until
from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import LoggedIn, expect
from tests.support.posting import post
from tests.support.ws import WsClient

User = Callable[..., LoggedIn]


def edited_frame(ws: WsClient, post_id: str) -> dict[str, Any]:
    frame: dict[str, Any] = ws.wait_for(
        "post_edited", lambda f: json.loads(f["data"]["post"])["id"] == post_id
    )
    return frame


def embeds_of(user: LoggedIn, post_id: str) -> list[dict[str, Any]]:
    found = expect(user.api.get(f"/posts/{post_id}"), 200)
    return list(found["metadata"].get("embeds") or [])


def test_permalink_preview_only_for_readers(msg_server: str, user_on: User) -> None:
    owner, alice, bob = user_on(), user_on(), user_on()
    team = make_team(owner)
    for user in (alice, bob):
        join_team(owner, team["id"], user)
    private = make_channel(owner, team["id"], type="P")
    add_to_channel(owner, private["id"], alice)
    public = make_channel(owner, team["id"])
    for user in (alice, bob):
        add_to_channel(owner, public["id"], user)
    secret = post(owner, private["id"], "the secret plan")
    link = f"{msg_server}/{team['name']}/pl/{secret['id']}"
    with WsClient(msg_server, alice.token) as wa, WsClient(msg_server, bob.token) as wb:
        wa.wait_for("hello")
        wb.wait_for("hello")
        created = post(alice, public["id"], f"see {link}")
        assert "secret plan" not in json.dumps(created)
        seen_by_alice = edited_frame(wa, created["id"])
        seen_by_bob = edited_frame(wb, created["id"])
    shown = json.loads(seen_by_alice["data"]["post"])
    embed = shown["metadata"]["embeds"][0]
    assert embed["type"] == "permalink"
    data = embed["data"]
    assert data["post_id"] == secret["id"] and data["post"]["message"] == "the secret plan"
    assert data["team_name"] == team["name"] and data["channel_id"] == private["id"]
    assert data["channel_type"] == "P"
    assert data["channel_display_name"] == private["display_name"]
    # Bob may not read the private channel: his event and his reads show nothing of it.
    assert "secret plan" not in json.dumps(seen_by_bob)
    assert not json.loads(seen_by_bob["data"]["post"])["metadata"].get("embeds")
    assert embeds_of(alice, created["id"]) == [embed]
    assert embeds_of(bob, created["id"]) == []
    listed = expect(bob.api.get(f"/channels/{public['id']}/posts"), 200)
    assert "secret plan" not in json.dumps(listed)
    # Once bob joins the channel, he sees it too.
    add_to_channel(owner, private["id"], bob)
    assert embeds_of(bob, created["id"])[0]["data"]["post_id"] == secret["id"]


def test_permalink_to_an_open_channel_for_team_members(msg_server: str, user_on: User) -> None:
    owner, carol, dave = user_on(), user_on(), user_on()
    team = make_team(owner)
    join_team(owner, team["id"], carol)
    source = make_channel(owner, team["id"])  # carol is in the team, not the channel
    said = post(owner, source["id"], "open words")
    other_team = make_team(dave)
    lounge = make_channel(dave, other_team["id"])
    join_team(dave, other_team["id"], carol)
    add_to_channel(dave, lounge["id"], carol)
    link = f"{msg_server}/{team['name']}/pl/{said['id']}"
    created = post(dave, lounge["id"], link)
    # Carol reads open channels of her team; Dave is not in that team.
    expect(carol.api.get(f"/posts/{said['id']}"), 200)
    shown = wait_until(lambda: embeds_of(carol, created["id"]), what="carol's preview")
    assert shown[0]["data"]["post"]["message"] == "open words"
    assert embeds_of(dave, created["id"]) == []
    # A link that only looks like a permalink to a missing post shows nothing.
    fake = post(dave, lounge["id"], f"{msg_server}/{team['name']}/pl/{'a' * 26}")
    assert embeds_of(dave, fake["id"]) == []
