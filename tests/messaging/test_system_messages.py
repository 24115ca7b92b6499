"""The system posts Mattermost writes about membership and channel changes: their types,
props and authors, the posted events, how they count, and when none is written."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.chat import add_to_channel, join_team, make_channel, make_group, team_with
from tests.support.client import LoggedIn, expect
from tests.support.ws import WsClient, listening

User = Callable[..., LoggedIn]
Post = dict[str, Any]


def posts_in(user: LoggedIn, channel_id: str) -> list[Post]:
    """The channel's posts, oldest first."""
    listed = expect(user.api.get(f"/channels/{channel_id}/posts"), 200)
    return [listed["posts"][i] for i in reversed(listed["order"])]


def of_type(user: LoggedIn, channel_id: str, kind: str) -> list[Post]:
    return [p for p in posts_in(user, channel_id) if p["type"] == kind]


def system_types(user: LoggedIn, channel_id: str) -> list[str]:
    return [p["type"] for p in posts_in(user, channel_id) if p["type"].startswith("system_")]


def posted(ws: WsClient, kind: str) -> Post:
    frame = ws.wait_for("posted", lambda f: json.loads(f["data"]["post"])["type"] == kind)
    post: Post = json.loads(frame["data"]["post"])
    return post


def town_square(user: LoggedIn, team_id: str) -> str:
    channel = expect(user.api.get(f"/teams/{team_id}/channels/name/town-square"), 200)
    return str(channel["id"])


def off_topic(user: LoggedIn, team_id: str) -> str:
    channel = expect(user.api.get(f"/teams/{team_id}/channels/name/off-topic"), 200)
    return str(channel["id"])


def total(user: LoggedIn, channel_id: str) -> int:
    return int(expect(user.api.get(f"/channels/{channel_id}"), 200)["total_msg_count"])


@contextmanager
def default_channel_messages(admin: LoggedIn, on: bool) -> Iterator[None]:
    """Mattermost's ExperimentalEnableDefaultChannelLeaveJoinMessages, for the tenant,
    while the block runs (a live setting)."""
    key = "ExperimentalEnableDefaultChannelLeaveJoinMessages"
    expect(admin.api.put("/config/patch", {"ServiceSettings": {key: on}}), 200)
    try:
        yield
    finally:
        expect(admin.api.put("/config/patch", {"ServiceSettings": {key: True}}), 200)


def test_creating_joining_and_leaving_a_channel(msg_server: str, user_on: User) -> None:
    owner, alice = user_on(), user_on()
    team = team_with(owner, alice)
    channel = make_channel(owner, team["id"])
    created = of_type(owner, channel["id"], "system_join_channel")
    assert [(p["user_id"], p["props"]) for p in created] == [
        (owner.id, {"username": owner.username})
    ]
    before = total(owner, channel["id"])
    with listening(msg_server, owner) as (ws,):
        expect(alice.api.post(f"/channels/{channel['id']}/members", {"user_id": alice.id}), 201)
        joined = posted(ws, "system_join_channel")
        assert joined["user_id"] == alice.id
        assert joined["props"] == {"username": alice.username}
        assert joined["message"] == f"{alice.username} joined the channel."
        expect(alice.api.delete(f"/channels/{channel['id']}/members/{alice.id}"), 200)
        left = posted(ws, "system_leave_channel")
        assert left["user_id"] == alice.id
        assert left["props"] == {"username": alice.username}
        assert left["message"] == f"@{alice.username} left the channel."
    # Stored, and not counted as messages: no one's channel turns unread for them.
    assert system_types(owner, channel["id"]) == [
        "system_join_channel",
        "system_join_channel",
        "system_leave_channel",
    ]
    assert total(owner, channel["id"]) == before
    unread = expect(owner.api.get(f"/users/{owner.id}/channels/{channel['id']}/unread"), 200)
    assert unread["msg_count"] == 0


def test_adding_and_removing_someone(msg_server: str, user_on: User) -> None:
    owner, bob = user_on(), user_on()
    team = team_with(owner, bob)
    channel = make_channel(owner, team["id"], type="P")
    with listening(msg_server, owner, bob) as (wo, wb):
        add_to_channel(owner, channel["id"], bob)
        added = posted(wo, "system_add_to_channel")
        # The added user is a member by the time it is written, and hears of it too.
        assert posted(wb, "system_add_to_channel")["id"] == added["id"]
        assert added["user_id"] == owner.id
        assert added["props"] == {
            "userId": owner.id,
            "username": owner.username,
            "addedUserId": bob.id,
            "addedUsername": bob.username,
        }
        expect(owner.api.delete(f"/channels/{channel['id']}/members/{bob.id}"), 200)
        removed = posted(wo, "system_remove_from_channel")
        assert removed["user_id"] == owner.id
        assert removed["props"] == {"removedUserId": bob.id, "removedUsername": bob.username}
        assert removed["message"] == f"@{bob.username} was removed from the channel."
        wb.assert_no_event("posted")
    kinds = system_types(owner, channel["id"])
    assert kinds[-2:] == ["system_add_to_channel", "system_remove_from_channel"]


def test_header_purpose_and_display_name_changes(msg_server: str, user_on: User) -> None:
    owner, alice = user_on(), user_on()
    team = team_with(owner, alice)
    channel = make_channel(owner, team["id"], display_name="Before")
    add_to_channel(owner, channel["id"], alice)
    path = f"/channels/{channel['id']}/patch"
    with listening(msg_server, alice) as (ws,):
        expect(owner.api.put(path, {"header": "first"}), 200)
        header = posted(ws, "system_header_change")
        assert header["user_id"] == owner.id
        assert header["props"] == {
            "username": owner.username,
            "old_header": "",
            "new_header": "first",
        }
        assert header["message"] == f"{owner.username} updated the channel header to: first"
        expect(owner.api.put(path, {"header": "second", "purpose": "why"}), 200)
        changed = posted(ws, "system_header_change")
        assert (changed["props"]["old_header"], changed["props"]["new_header"]) == (
            "first",
            "second",
        )
        purpose = posted(ws, "system_purpose_change")
        assert purpose["props"] == {
            "username": owner.username,
            "old_purpose": "",
            "new_purpose": "why",
        }
        expect(owner.api.put(path, {"display_name": "After", "purpose": ""}), 200)
        renamed = posted(ws, "system_displayname_change")
        assert renamed["props"] == {
            "username": owner.username,
            "old_displayname": "Before",
            "new_displayname": "After",
        }
        cleared = posted(ws, "system_purpose_change")
        assert cleared["message"] == f"{owner.username} removed the channel purpose (was: why)"
        # The same values again: no change, no post.
        expect(owner.api.put(path, {"header": "second"}), 200)
        ws.assert_no_event("posted")
    # These count as messages (Mattermost counts every system post but joins and leaves).
    unread = expect(alice.api.get(f"/users/{alice.id}/channels/{channel['id']}/unread"), 200)
    assert unread["msg_count"] == 5


def test_archiving_and_restoring(msg_server: str, user_on: User) -> None:
    owner, alice = user_on(), user_on()
    team = team_with(owner, alice)
    channel = make_channel(owner, team["id"])
    add_to_channel(owner, channel["id"], alice)
    with listening(msg_server, alice) as (ws,):
        expect(owner.api.delete(f"/channels/{channel['id']}"), 200)
        archived = posted(ws, "system_channel_deleted")
        assert archived["user_id"] == owner.id
        assert archived["props"] == {"username": owner.username}
        assert archived["message"] == f"{owner.username} archived the channel."
        expect(owner.api.post(f"/channels/{channel['id']}/restore"), 200)
        restored = posted(ws, "system_channel_restored")
        assert restored["user_id"] == owner.id
        assert restored["props"] == {"username": owner.username}
    kinds = system_types(owner, channel["id"])
    assert kinds[-2:] == ["system_channel_deleted", "system_channel_restored"]


def test_privacy_conversion_names_who(msg_server: str, user_on: User) -> None:
    owner = user_on()
    team = team_with(owner)
    channel = make_channel(owner, team["id"])
    expect(owner.api.put(f"/channels/{channel['id']}/privacy", {"privacy": "P"}), 200)
    (converted,) = of_type(owner, channel["id"], "system_change_chan_privacy")
    assert converted["user_id"] == owner.id
    assert converted["props"] == {"username": owner.username}
    assert converted["message"] == "This channel has been converted to a Private Channel."


def test_team_joins_and_leaves_in_town_square(msg_server: str, user_on: User) -> None:
    owner, alice, bob = user_on(), user_on(), user_on()
    team = team_with(owner)
    town, off = town_square(owner, team["id"]), off_topic(owner, team["id"])
    # The creator joined it: their own join in Town Square, a channel join in Off-Topic.
    assert [p["user_id"] for p in of_type(owner, town, "system_join_team")] == [owner.id]
    assert [p["user_id"] for p in of_type(owner, off, "system_join_channel")] == [owner.id]
    with listening(msg_server, owner) as (ws,):
        # The single add says the user joined (Mattermost names no requester there).
        join_team(owner, team["id"], alice)
        joined = posted(ws, "system_join_team")
        assert (joined["channel_id"], joined["user_id"]) == (town, alice.id)
        assert joined["props"] == {"username": alice.username}
        assert joined["message"] == f"{alice.username} joined the team."
        assert posted(ws, "system_join_channel")["channel_id"] == off
        # The batch add names who added them.
        body = [{"team_id": team["id"], "user_id": bob.id}]
        expect(owner.api.post(f"/teams/{team['id']}/members/batch", body), 201)
        added = posted(ws, "system_add_to_team")
        assert (added["channel_id"], added["user_id"]) == (town, owner.id)
        assert added["props"] == {
            "userId": owner.id,
            "username": owner.username,
            "addedUserId": bob.id,
            "addedUsername": bob.username,
        }
        assert posted(ws, "system_add_to_channel")["channel_id"] == off
        expect(alice.api.delete(f"/teams/{team['id']}/members/{alice.id}"), 200)
        left = posted(ws, "system_leave_team")
        assert (left["channel_id"], left["user_id"]) == (town, alice.id)
        assert left["props"] == {"username": alice.username}
        # Removed by an admin: still the removed user's own post, as in Mattermost.
        expect(owner.api.delete(f"/teams/{team['id']}/members/{bob.id}"), 200)
        removed = posted(ws, "system_remove_from_team")
        assert (removed["channel_id"], removed["user_id"]) == (town, bob.id)
        assert removed["message"] == f"{bob.username} was removed from the team."
    # None of them counts as a message.
    unread = expect(owner.api.get(f"/users/{owner.id}/channels/{town}/unread"), 200)
    assert unread["msg_count"] == 0


def test_none_in_direct_and_group_channels(msg_server: str, user_on: User) -> None:
    alice, bob, carol = user_on(), user_on(), user_on()
    team_with(alice, bob, carol)
    group = make_group(alice, bob, carol)
    expect(carol.api.delete(f"/channels/{group['id']}/members/{carol.id}"), 200)
    assert system_types(alice, group["id"]) == []


def test_none_when_nothing_changed(msg_server: str, user_on: User) -> None:
    owner, alice = user_on(), user_on()
    team = team_with(owner, alice)
    channel = make_channel(owner, team["id"])
    add_to_channel(owner, channel["id"], alice)
    add_to_channel(owner, channel["id"], alice)
    join_team(owner, team["id"], alice)
    assert system_types(owner, channel["id"]).count("system_add_to_channel") == 1
    town = town_square(owner, team["id"])
    assert len(of_type(owner, town, "system_join_team")) == 2


def test_team_messages_follow_the_setting(
    msg_server: str, msg_admin: LoggedIn, user_on: User
) -> None:
    owner, alice = user_on(), user_on()
    team = team_with(owner)
    town, off = town_square(owner, team["id"]), off_topic(owner, team["id"])
    before = system_types(owner, town), system_types(owner, off)
    config = expect(alice.api.get("/config/client?format=old"), 200)
    assert config["ExperimentalEnableDefaultChannelLeaveJoinMessages"] == "true"
    with default_channel_messages(msg_admin, False):
        config = expect(alice.api.get("/config/client?format=old"), 200)
        assert config["ExperimentalEnableDefaultChannelLeaveJoinMessages"] == "false"
        join_team(owner, team["id"], alice)
        channel = make_channel(owner, team["id"])
        expect(alice.api.delete(f"/teams/{team['id']}/members/{alice.id}"), 200)
        # Other channels' joins are not the setting's.
        assert system_types(owner, channel["id"]) == ["system_join_channel"]
    assert (system_types(owner, town), system_types(owner, off)) == before


def test_guests_get_the_guest_kinds_and_no_team_join(
    msg_server: str, msg_admin: LoggedIn, user_on: User
) -> None:
    owner, guest = user_on(), user_on()
    team = team_with(owner)
    channel = make_channel(owner, team["id"])
    expect(msg_admin.api.post(f"/users/{guest.id}/demote"), 200)
    join_team(owner, team["id"], guest)
    assert [
        p["props"].get("username")
        for p in of_type(owner, town_square(owner, team["id"]), "system_join_team")
    ] == [owner.username]
    add_to_channel(owner, channel["id"], guest)
    (added,) = of_type(owner, channel["id"], "system_add_guest_to_chan")
    assert added["props"]["addedUsername"] == guest.username
    assert (
        added["message"] == f"{guest.username} added to the channel as a guest by {owner.username}."
    )
