"""WebSocket events of teams and channels, and that only those allowed receive them."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.support.chat import (
    add_to_channel,
    channel_with,
    join_team,
    make_channel,
    make_dm,
    make_group,
    make_team,
    team_with,
)
from tests.support.client import LoggedIn, expect
from tests.support.ws import listening

UserFactory = Callable[..., LoggedIn]


def test_channel_created_goes_to_the_creator_only(server: str, make_user: UserFactory) -> None:
    owner, teammate = make_user(), make_user()
    team = team_with(owner, teammate)
    with listening(server, owner, teammate) as (ws_owner, ws_mate):
        channel = make_channel(owner, team["id"])
        event = ws_owner.wait_for("channel_created")
        assert event["data"] == {"channel_id": channel["id"], "team_id": team["id"]}
        ws_mate.assert_no_event("channel_created")


def test_user_added_reaches_members_and_the_new_member(server: str, make_user: UserFactory) -> None:
    owner, joiner, teammate = make_user(), make_user(), make_user()
    team = team_with(owner, joiner, teammate)
    channel = make_channel(owner, team["id"])
    cid = channel["id"]
    with listening(server, owner, joiner, teammate) as (ws_owner, ws_joiner, ws_mate):
        add_to_channel(owner, cid, joiner)
        for ws in (ws_owner, ws_joiner):
            event = ws.wait_for("user_added", lambda f: f["broadcast"]["channel_id"] == cid)
            assert event["data"] == {"user_id": joiner.id, "team_id": team["id"]}
        ws_mate.assert_no_event("user_added")


def test_direct_added_goes_to_both(server: str, make_user: UserFactory) -> None:
    a, b, c = make_user(), make_user(), make_user()
    with listening(server, a, b, c) as (ws_a, ws_b, ws_c):
        dm = make_dm(a, b)
        for ws in (ws_a, ws_b):
            event = ws.wait_for("direct_added")
            assert event["data"] == {"creator_id": a.id, "teammate_id": b.id}
            assert event["broadcast"]["channel_id"] == dm["id"]
        ws_c.assert_no_event("direct_added")
        # Asking again finds the same channel and announces nothing.
        make_dm(b, a)
        ws_a.assert_no_event("direct_added")


def test_group_added_goes_to_members(server: str, make_user: UserFactory) -> None:
    a, b, c, d = make_user(), make_user(), make_user(), make_user()
    with listening(server, a, b, d) as (ws_a, ws_b, ws_d):
        group = make_group(a, b, c)
        for ws in (ws_a, ws_b):
            event = ws.wait_for("group_added")
            assert sorted(json.loads(event["data"]["teammate_ids"])) == sorted([a.id, b.id, c.id])
            assert event["broadcast"]["channel_id"] == group["id"]
        ws_d.assert_no_event("group_added")


def test_multiple_channels_viewed_goes_to_the_viewer(server: str, make_user: UserFactory) -> None:
    owner, a = make_user(), make_user()
    team = team_with(owner, a)
    channel = channel_with(owner, team["id"], a)
    cid = channel["id"]
    with listening(server, owner, a) as (ws_owner, ws_a):
        body = expect(a.api.post("/channels/members/me/view", {"channel_id": cid}), 200)
        event = ws_a.wait_for("multiple_channels_viewed")
        assert event["data"] == {"channel_times": body["last_viewed_at_times"]}
        assert event["broadcast"]["user_id"] == a.id
        ws_owner.assert_no_event("multiple_channels_viewed")


def test_channel_updated_and_deleted_events(server: str, make_user: UserFactory) -> None:
    owner, member, teammate, stranger = make_user(), make_user(), make_user(), make_user()
    team = team_with(owner, member, teammate)
    private = channel_with(owner, team["id"], member, type="P")
    public = channel_with(owner, team["id"], member)
    with listening(server, member, teammate, stranger) as (ws_member, ws_mate, ws_stranger):
        expect(owner.api.put(f"/channels/{private['id']}/patch", {"header": "Secret"}), 200)
        event = ws_member.wait_for("channel_updated")
        assert json.loads(event["data"]["channel"])["header"] == "Secret"
        ws_mate.assert_no_event("channel_updated")
        # Archiving a public channel is news to its whole team, not to outsiders.
        expect(owner.api.delete(f"/channels/{public['id']}"), 200)
        for ws in (ws_member, ws_mate):
            event = ws.wait_for("channel_deleted")
            assert event["data"]["channel_id"] == public["id"]
            assert event["data"]["delete_at"] > 0
        ws_stranger.assert_no_event("channel_deleted")
        # Archiving a private one only to its members.
        expect(owner.api.delete(f"/channels/{private['id']}"), 200)
        ws_member.wait_for("channel_deleted", lambda f: f["data"]["channel_id"] == private["id"])
        ws_mate.assert_no_event("channel_deleted")


def test_user_removed_events(server: str, make_user: UserFactory) -> None:
    owner, a, b = make_user(), make_user(), make_user()
    team = team_with(owner, a, b)
    channel = channel_with(owner, team["id"], a, b)
    cid = channel["id"]
    with listening(server, owner, a) as (ws_owner, ws_a):
        expect(owner.api.delete(f"/channels/{cid}/members/{a.id}"), 200)
        to_channel = ws_owner.wait_for("user_removed")
        assert to_channel["data"] == {"user_id": a.id, "remover_id": owner.id}
        assert to_channel["broadcast"]["channel_id"] == cid
        to_removed = ws_a.wait_for("user_removed")
        assert to_removed["data"] == {"channel_id": cid, "remover_id": owner.id}


def test_team_events(server: str, make_user: UserFactory) -> None:
    owner, joiner = make_user(), make_user()
    team = make_team(owner)
    with listening(server, owner, joiner) as (ws_owner, ws_joiner):
        join_team(owner, team["id"], joiner)
        event = ws_joiner.wait_for("added_to_team")
        assert event["data"] == {"team_id": team["id"], "user_id": joiner.id}
        ws_owner.assert_no_event("added_to_team")
        # Joining the team joined town-square: its members hear of it.
        ws_owner.wait_for("user_added", lambda f: f["data"]["user_id"] == joiner.id)
        expect(joiner.api.delete(f"/teams/{team['id']}/members/{joiner.id}"), 200)
        for ws in (ws_owner, ws_joiner):
            event = ws.wait_for("leave_team")
            assert event["data"] == {"user_id": joiner.id, "team_id": team["id"]}
        expect(owner.api.put(f"/teams/{team['id']}/patch", {"display_name": "Renamed"}), 200)
        event = ws_owner.wait_for("update_team")
        assert json.loads(event["data"]["team"])["display_name"] == "Renamed"


def test_member_cache_follows_joins_and_leaves(server: str, make_user: UserFactory) -> None:
    """Typing fans out to the cached member set: it must track joins and leaves."""
    owner, a = make_user(), make_user()
    team = team_with(owner, a)
    channel = make_channel(owner, team["id"])
    cid = channel["id"]
    with listening(server, owner, a) as (ws_owner, ws_a):
        ws_owner.send("user_typing", {"channel_id": cid, "parent_id": ""})
        ws_a.assert_no_event("typing")
        add_to_channel(owner, cid, a)
        ws_owner.send("user_typing", {"channel_id": cid, "parent_id": ""})
        assert ws_a.wait_for("typing")["data"]["user_id"] == owner.id
        expect(a.api.delete(f"/channels/{cid}/members/{a.id}"), 200)
        ws_owner.send("user_typing", {"channel_id": cid, "parent_id": ""})
        ws_a.assert_no_event("typing")
