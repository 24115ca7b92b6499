"""Sidebar categories over HTTP and the WebSocket: the defaults on first use, where
channels land, custom categories, order, favorites both ways, mute and collapse, events,
and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.chat import (
    channel_with,
    join_team,
    make_channel,
    make_dm,
    make_group,
    team_with,
)
from tests.support.client import LoggedIn, expect
from tests.support.ws import listening

FIELDS = {
    "id",
    "user_id",
    "team_id",
    "sort_order",
    "sorting",
    "type",
    "display_name",
    "muted",
    "collapsed",
    "channel_ids",
}


def base(user: LoggedIn, team_id: str) -> str:
    return f"/users/{user.id}/teams/{team_id}/channels/categories"


def categories(user: LoggedIn, team_id: str) -> dict[str, Any]:
    got: dict[str, Any] = expect(user.api.get(base(user, team_id)), 200)
    return got


def by_type(user: LoggedIn, team_id: str) -> dict[str, dict[str, Any]]:
    return {c["type"]: c for c in categories(user, team_id)["categories"]}


def where(user: LoggedIn, team_id: str, channel_id: str) -> list[str]:
    """The categories (by type, or display name for custom ones) holding the channel."""
    return [
        c["display_name"] if c["type"] == "custom" else c["type"]
        for c in categories(user, team_id)["categories"]
        if channel_id in c["channel_ids"]
    ]


def error_id(response: Any) -> str:
    return str(response.json()["id"])


def favorite(user: LoggedIn, channel_id: str, value: str = "true") -> dict[str, str]:
    return {"user_id": user.id, "category": "favorite_channel", "name": channel_id, "value": value}


def test_defaults_are_made_on_first_use(make_user: Callable[..., LoggedIn]) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    tid = team["id"]
    zeta = make_channel(alice, tid, display_name="Zeta")
    alpha = make_channel(alice, tid, type="P", display_name="Alpha")
    dm = make_dm(alice, bob)
    got = categories(alice, tid)
    ids = [f"{kind}_{alice.id}_{tid}" for kind in ("favorites", "channels", "direct_messages")]
    assert got["order"] == ids
    assert [c["id"] for c in got["categories"]] == ids
    fav, chans, dms = got["categories"]
    for c in got["categories"]:
        assert set(c) == FIELDS
        assert c["user_id"] == alice.id and c["team_id"] == tid
        assert c["muted"] is False and c["collapsed"] is False
    assert (fav["display_name"], fav["sort_order"], fav["sorting"]) == ("Favorites", 0, "")
    assert (chans["display_name"], chans["sort_order"], chans["sorting"]) == ("Channels", 10, "")
    assert (dms["display_name"], dms["sort_order"], dms["sorting"]) == (
        "Direct Messages",
        20,
        "recent",
    )
    assert fav["channel_ids"] == []
    names = {
        c["id"]: c["display_name"]
        for c in expect(alice.api.get(f"/users/me/teams/{tid}/channels"), 200)
        if c["type"] in ("O", "P")
    }
    # Every team channel the user is in, by display name.
    assert chans["channel_ids"] == sorted(names, key=lambda i: names[i])
    assert {zeta["id"], alpha["id"]} <= set(chans["channel_ids"])
    assert chans["channel_ids"].index(alpha["id"]) < chans["channel_ids"].index(zeta["id"])
    assert dms["channel_ids"] == [dm["id"]]
    # The second read finds the same ones; order and each one read alike.
    assert categories(alice, tid) == got
    assert expect(alice.api.get(base(alice, tid) + "/order"), 200) == ids
    one = expect(alice.api.get(base(alice, tid) + f"/{ids[1]}"), 200)
    assert one == chans
    # "me" is taken too.
    assert expect(alice.api.get(f"/users/me/teams/{tid}/channels/categories"), 200) == got


def test_new_channels_and_messages_land_in_channels_and_direct_messages(
    make_user: Callable[..., LoggedIn],
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    team = team_with(alice, bob, carol)
    other_team = team_with(alice)
    tid = team["id"]
    categories(alice, tid)  # made before any of these exist
    created = make_channel(alice, tid)
    joined = channel_with(bob, tid, alice)
    dm = make_dm(bob, alice)
    group = make_group(carol, alice, bob)
    elsewhere = make_channel(alice, other_team["id"])
    assert where(alice, tid, created["id"]) == ["channels"]
    assert where(alice, tid, joined["id"]) == ["channels"]
    assert where(alice, tid, dm["id"]) == ["direct_messages"]
    assert where(alice, tid, group["id"]) == ["direct_messages"]
    assert where(alice, tid, elsewhere["id"]) == []
    # Direct and group channels show in every team.
    assert where(alice, other_team["id"], dm["id"]) == ["direct_messages"]
    # Leaving a channel takes it out; an archived one is not listed unless placed.
    expect(alice.api.delete(f"/channels/{joined['id']}/members/{alice.id}"), 200)
    assert where(alice, tid, joined["id"]) == []
    expect(alice.api.delete(f"/channels/{created['id']}"), 200)
    assert where(alice, tid, created["id"]) == []
    # Every channel the user is in appears exactly once.
    mine = expect(alice.api.get(f"/users/me/teams/{tid}/channels"), 200)
    listed = [cid for c in categories(alice, tid)["categories"] for cid in c["channel_ids"]]
    live = {c["id"] for c in mine if not c["delete_at"]}
    assert sorted(listed) == sorted(live)


def test_custom_category_lifecycle_with_events(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    tid = team["id"]
    first = make_channel(alice, tid, display_name="First")
    second = make_channel(alice, tid, display_name="Second")
    before = categories(alice, tid)
    with listening(server, alice, bob) as (ws, other):
        body = {
            "user_id": alice.id,
            "team_id": tid,
            "display_name": "Work",
            "channel_ids": [second["id"], first["id"]],
        }
        created = expect(alice.api.post(base(alice, tid), body), 200)
        assert set(created) == FIELDS
        assert created["type"] == "custom" and created["display_name"] == "Work"
        assert created["sort_order"] == 10 and created["collapsed"] is False
        assert created["channel_ids"] == [second["id"], first["id"]]
        event = ws.wait_for("sidebar_category_created")
        assert event["data"]["category_id"] == created["id"]
        assert json.loads(event["data"]["category"])["id"] == created["id"]
        assert event["broadcast"]["user_id"] == alice.id
        assert event["broadcast"]["team_id"] == tid
        got = categories(alice, tid)
        fav, chans, dms = before["order"]
        assert got["order"] == [fav, created["id"], chans, dms]
        assert [c["sort_order"] for c in got["categories"]] == [0, 10, 20, 30]
        assert where(alice, tid, first["id"]) == ["Work"]
        # Rename, one category at a time.
        renamed = {**created, "display_name": "Deep work", "sorting": "alpha"}
        updated = expect(alice.api.put(base(alice, tid) + f"/{created['id']}", renamed), 200)
        assert updated["display_name"] == "Deep work" and updated["sorting"] == "alpha"
        event = ws.wait_for("sidebar_category_updated")
        sent = json.loads(event["data"]["updatedCategories"])
        assert [c["display_name"] for c in sent] == ["Deep work"]
        # Deleting it sends its channels back to Channels.
        assert expect(alice.api.delete(base(alice, tid) + f"/{created['id']}"), 200) == {
            "status": "OK"
        }
        event = ws.wait_for("sidebar_category_deleted")
        assert event["data"] == {"category_id": created["id"]}
        assert where(alice, tid, first["id"]) == ["channels"]
        assert categories(alice, tid)["order"] == before["order"]
        gone = alice.api.get(base(alice, tid) + f"/{created['id']}")
        assert gone.status_code == 403
        # Nothing of it reached anyone else.
        other.assert_no_event("sidebar_category_created", within=0.2)


def test_renaming_a_default_category_is_ignored(make_user: Callable[..., LoggedIn]) -> None:
    alice = make_user()
    tid = team_with(alice)["id"]
    chans = by_type(alice, tid)["channels"]
    body = {**chans, "display_name": "Mine", "collapsed": True, "type": "custom", "sort_order": 99}
    got = expect(alice.api.put(base(alice, tid) + f"/{chans['id']}", body), 200)
    assert got["display_name"] == "Channels" and got["type"] == "channels"
    assert got["sort_order"] == 10 and got["collapsed"] is True
    assert by_type(alice, tid)["channels"]["collapsed"] is True


def test_moving_channels_and_favorites_both_ways(
    server: str, make_user: Callable[..., LoggedIn]
) -> None:
    alice, bob = make_user(), make_user()
    team, second_team = team_with(alice, bob), team_with(alice)
    tid = team["id"]
    channel = make_channel(alice, tid)
    other = make_channel(alice, tid)
    dm = make_dm(alice, bob)
    cats = by_type(alice, tid)
    by_type(alice, second_team["id"])
    with listening(server, alice) as (ws,):
        # Into Favorites through the categories: the preference follows.
        fav = {**cats["favorites"], "channel_ids": [channel["id"]]}
        chans = {
            **cats["channels"],
            "channel_ids": [c for c in cats["channels"]["channel_ids"] if c != channel["id"]],
        }
        updated = expect(alice.api.put(base(alice, tid), [fav, chans]), 200)
        assert [c["type"] for c in updated] == ["favorites", "channels"]
        assert updated[0]["channel_ids"] == [channel["id"]]
        assert channel["id"] not in updated[1]["channel_ids"]
        assert where(alice, tid, channel["id"]) == ["favorites"]
        prefs = expect(alice.api.get("/users/me/preferences/favorite_channel"), 200)
        assert [(p["name"], p["value"]) for p in prefs] == [(channel["id"], "true")]
        changed = ws.wait_for("preferences_changed")
        assert json.loads(changed["data"]["preferences"])[0]["name"] == channel["id"]
        ws.wait_for("sidebar_category_updated")
        # Out again: the preference goes.
        fav["channel_ids"] = []
        chans["channel_ids"] = [*chans["channel_ids"], channel["id"]]
        expect(alice.api.put(base(alice, tid), [fav, chans]), 200)
        assert where(alice, tid, channel["id"]) == ["channels"]
        assert expect(alice.api.get("/users/me/preferences/favorite_channel"), 200) == []
        ws.wait_for("preferences_deleted")
        # The preference moves channels too: to the top of Favorites.
        prefs_path = f"/users/{alice.id}/preferences"
        expect(alice.api.put(prefs_path, [favorite(alice, other["id"])]), 200)
        expect(alice.api.put(prefs_path, [favorite(alice, channel["id"])]), 200)
        assert by_type(alice, tid)["favorites"]["channel_ids"] == [channel["id"], other["id"]]
        assert where(alice, tid, other["id"]) == ["favorites"]
        ws.wait_for("preferences_changed")
        event = ws.wait_for("sidebar_category_updated")
        assert event["broadcast"]["team_id"] == tid
        # "false" takes it out, and so does deleting the preference.
        expect(alice.api.put(prefs_path, [favorite(alice, other["id"], "false")]), 200)
        assert where(alice, tid, other["id"]) == ["channels"]
        expect(alice.api.post(prefs_path + "/delete", [favorite(alice, channel["id"])]), 200)
        assert where(alice, tid, channel["id"]) == ["channels"]
        ws.wait_for("preferences_deleted")
    # A direct channel marked favourite goes to Favorites in every team.
    expect(alice.api.put(f"/users/{alice.id}/preferences", [favorite(alice, dm["id"])]), 200)
    assert where(alice, tid, dm["id"]) == ["favorites"]
    assert where(alice, second_team["id"], dm["id"]) == ["favorites"]
    # A preference for a channel the user is not in moves nothing (and is still saved).
    stranger = make_channel(bob, tid)
    expect(alice.api.put(f"/users/{alice.id}/preferences", [favorite(alice, stranger["id"])]), 200)
    assert where(alice, tid, stranger["id"]) == []


def test_favorites_marked_before_first_use_fill_favorites(
    make_user: Callable[..., LoggedIn],
) -> None:
    alice = make_user()
    tid = team_with(alice)["id"]
    b = make_channel(alice, tid, display_name="Bravo")
    a = make_channel(alice, tid, display_name="Alpha")
    prefs = [favorite(alice, b["id"]), favorite(alice, a["id"])]
    expect(alice.api.put(f"/users/{alice.id}/preferences", prefs), 200)
    cats = by_type(alice, tid)
    assert cats["favorites"]["channel_ids"] == [a["id"], b["id"]]
    assert a["id"] not in cats["channels"]["channel_ids"]


def test_a_new_category_takes_channels_out_of_favorites(
    make_user: Callable[..., LoggedIn],
) -> None:
    alice = make_user()
    tid = team_with(alice)["id"]
    channel = make_channel(alice, tid)
    cats = by_type(alice, tid)
    expect(
        alice.api.put(base(alice, tid), [{**cats["favorites"], "channel_ids": [channel["id"]]}]),
        200,
    )
    body = {
        "user_id": alice.id,
        "team_id": tid,
        "display_name": "Mine",
        "channel_ids": [channel["id"]],
    }
    expect(alice.api.post(base(alice, tid), body), 200)
    assert where(alice, tid, channel["id"]) == ["Mine"]
    assert expect(alice.api.get("/users/me/preferences/favorite_channel"), 200) == []


def test_order(server: str, make_user: Callable[..., LoggedIn]) -> None:
    alice = make_user()
    tid = team_with(alice)["id"]
    order = categories(alice, tid)["order"]
    path = base(alice, tid) + "/order"
    with listening(server, alice) as (ws,):
        reversed_order = list(reversed(order))
        assert expect(alice.api.put(path, reversed_order), 200) == reversed_order
        event = ws.wait_for("sidebar_category_order_updated")
        assert event["data"]["order"] == reversed_order
    assert expect(alice.api.get(path), 200) == reversed_order
    got = categories(alice, tid)
    assert got["order"] == reversed_order
    assert [c["sort_order"] for c in got["categories"]] == [0, 10, 20]
    # A new category goes first when Favorites is not first.
    body = {"user_id": alice.id, "team_id": tid, "display_name": "Top"}
    created = expect(alice.api.post(base(alice, tid), body), 200)
    assert created["sort_order"] == 0
    assert expect(alice.api.get(path), 200) == [created["id"], *reversed_order]
    # Incomplete or repeated: Mattermost's store refuses it; unknown ids are bad input.
    short = alice.api.put(path, reversed_order)
    assert short.status_code == 400
    assert error_id(short) == "app.channel.sidebar_categories.app_error"
    repeated = alice.api.put(path, [created["id"], *reversed_order[:-1], reversed_order[0]])
    assert error_id(repeated) == "app.channel.sidebar_categories.app_error"
    unknown = alice.api.put(path, [*reversed_order, "x" * 26])
    assert unknown.status_code == 400
    assert error_id(unknown) == "api.context.invalid_body_param.app_error"
    assert alice.api.put(path, {"order": order}).status_code == 400
    assert expect(alice.api.get(path), 200) == [created["id"], *reversed_order]


def test_mute_and_collapse(server: str, make_user: Callable[..., LoggedIn]) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    tid = team["id"]
    quiet = make_channel(alice, tid)
    loud = make_channel(alice, tid)
    dm = make_dm(alice, bob)

    def mark_unread(channel_id: str) -> str:
        member = expect(alice.api.get(f"/channels/{channel_id}/members/{alice.id}"), 200)
        return str(member["notify_props"]["mark_unread"])

    body = {"user_id": alice.id, "team_id": tid, "display_name": "Quiet"}
    body["channel_ids"] = [quiet["id"]]
    custom = expect(alice.api.post(base(alice, tid), body), 200)
    path = base(alice, tid) + f"/{custom['id']}"
    with listening(server, alice) as (ws,):
        muted = expect(alice.api.put(path, {**custom, "muted": True, "collapsed": True}), 200)
        assert muted["muted"] is True and muted["collapsed"] is True
        assert mark_unread(quiet["id"]) == "mention"
        event = ws.wait_for("channel_member_updated")
        assert json.loads(event["data"]["channelMember"])["channel_id"] == quiet["id"]
    # Moving a channel into the muted category mutes it; out again unmutes it.
    cats = by_type(alice, tid)
    chans = cats["channels"]
    rest = [c for c in chans["channel_ids"] if c != loud["id"]]
    moved = [
        {**cats["custom"], "channel_ids": [quiet["id"], loud["id"]]},
        {**chans, "channel_ids": rest},
    ]
    expect(alice.api.put(base(alice, tid), moved), 200)
    assert mark_unread(loud["id"]) == "mention"
    back = [
        {**cats["custom"], "muted": True, "channel_ids": [quiet["id"]]},
        {**chans, "channel_ids": [*rest, loud["id"]]},
    ]
    expect(alice.api.put(base(alice, tid), back), 200)
    assert mark_unread(loud["id"]) == "all"
    assert mark_unread(quiet["id"]) == "mention"
    # Unmuting the category unmutes its channels.
    expect(alice.api.put(path, {**custom, "muted": False, "channel_ids": [quiet["id"]]}), 200)
    assert mark_unread(quiet["id"]) == "all"
    # Direct Messages cannot be muted, and keep their channels; sorting and collapse apply.
    dms = by_type(alice, tid)["direct_messages"]
    changed = {**dms, "muted": True, "sorting": "alpha", "collapsed": True, "channel_ids": []}
    got = expect(alice.api.put(base(alice, tid) + f"/{dms['id']}", changed), 200)
    assert got["muted"] is False and got["sorting"] == "alpha" and got["collapsed"] is True
    assert got["channel_ids"] == [dm["id"]]
    assert mark_unread(dm["id"]) == "all"


def test_who_may_read_and_change_them(make_user: Callable[..., LoggedIn], admin: LoggedIn) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    tid = team["id"]
    cats = categories(alice, tid)
    path = f"/users/{alice.id}/teams/{tid}/channels/categories"
    for method, suffix, body in [
        ("GET", "", None),
        ("POST", "", {"user_id": alice.id, "team_id": tid, "display_name": "x"}),
        ("PUT", "", []),
        ("GET", "/order", None),
        ("PUT", "/order", cats["order"]),
        ("GET", f"/{cats['order'][0]}", None),
        ("PUT", f"/{cats['order'][0]}", cats["categories"][0]),
        ("DELETE", f"/{cats['order'][0]}", None),
    ]:
        r = bob.api.http.request(method, path + suffix, json=body)
        assert r.status_code == 403, (method, suffix, r.text)
        assert error_id(r) == "api.context.permissions.app_error"
    # A system admin may, as Mattermost allows (edit_other_users).
    assert expect(admin.api.get(path), 200) == cats
    assert expect(admin.api.get(path + "/order"), 200) == cats["order"]
    # A category of someone else is a permission error; an admin is told it is not there.
    theirs = categories(bob, tid)["order"][1]
    r = alice.api.get(path + f"/{theirs}")
    assert r.status_code == 403
    r = alice.api.get(path + "/" + "a" * 26)
    assert r.status_code == 403
    r = admin.api.get(path + "/" + "a" * 26)
    assert r.status_code == 404 and error_id(r) == "app.channel.sidebar_categories.app_error"
    r = alice.api.put(path + f"/{theirs}", {"user_id": alice.id, "team_id": tid})
    assert r.status_code == 403
    r = alice.api.delete(path + f"/{theirs}")
    assert r.status_code == 403
    assert categories(bob, tid)["order"][1] == theirs


def test_bad_input(make_user: Callable[..., LoggedIn]) -> None:
    alice, bob = make_user(), make_user()
    team, other_team = team_with(alice, bob), team_with(alice)
    tid = team["id"]
    mine = make_channel(alice, tid)
    not_mine = make_channel(bob, tid)
    other_teams = make_channel(alice, other_team["id"])
    cats = categories(alice, tid)
    fav, chans, dms = cats["categories"]
    path = base(alice, tid)

    def refused(r: Any, status: int, error: str) -> None:
        assert r.status_code == status, r.text
        assert error_id(r) == error

    invalid_body = "api.context.invalid_body_param.app_error"
    refused(
        alice.api.get(f"/users/{alice.id}/teams/nope/channels/categories"),
        400,
        "api.context.invalid_url_param.app_error",
    )
    refused(
        alice.api.get(f"/users/{alice.id}/teams/{'z' * 26}/channels/categories"),
        404,
        "app.team.get.find.app_error",
    )
    refused(alice.api.get(path + "/favorites_nope"), 400, "api.context.invalid_url_param.app_error")
    # Channels the user is not in, or of another team: refused, nothing half-written.
    for bad in (not_mine["id"], other_teams["id"]):
        both = [{**fav, "channel_ids": [mine["id"]]}, {**chans, "channel_ids": [bad]}]
        refused(alice.api.put(path, both), 400, "api.invalid_channel")
        create = {"user_id": alice.id, "team_id": tid, "display_name": "x", "channel_ids": [bad]}
        refused(alice.api.post(path, create), 400, "api.invalid_channel")
    assert categories(alice, tid) == cats
    assert expect(alice.api.get("/users/me/preferences/favorite_channel"), 200) == []
    # A channel in two categories at once.
    twice = [{**fav, "channel_ids": [mine["id"]]}, {**chans, "channel_ids": [mine["id"]]}]
    refused(alice.api.put(path, twice), 400, invalid_body)
    # Unknown categories, bad values.
    refused(alice.api.put(path, [{**fav, "id": "b" * 26}]), 400, invalid_body)
    refused(alice.api.put(path, [fav, fav]), 400, invalid_body)
    refused(alice.api.put(path, {"not": "a list"}), 400, invalid_body)
    refused(alice.api.put(path, [{**fav, "sorting": "random"}]), 400, invalid_body)
    refused(alice.api.put(path, [{**fav, "type": "weird"}]), 400, invalid_body)
    refused(alice.api.put(path, [{**fav, "muted": "yes"}]), 400, invalid_body)
    refused(alice.api.put(path, [{**fav, "channel_ids": ["short"]}]), 400, invalid_body)
    refused(alice.api.put(path, [fav] * 101), 400, invalid_body)
    refused(alice.api.put(path + f"/{fav['id']}", {**fav, "user_id": bob.id}), 400, invalid_body)
    create = {"user_id": alice.id, "team_id": tid, "display_name": "ok"}
    refused(alice.api.post(path, {**create, "team_id": other_team["id"]}), 400, invalid_body)
    refused(alice.api.post(path, {**create, "display_name": " "}), 400, invalid_body)
    refused(alice.api.post(path, {**create, "display_name": "x" * 65}), 400, invalid_body)
    refused(alice.api.post(path, {**create, "sorting": "sideways"}), 400, invalid_body)
    refused(alice.api.post(path, [create]), 400, invalid_body)
    too_many = {**create, "channel_ids": [mine["id"]] * 5_001}
    refused(alice.api.post(path, too_many), 400, invalid_body)
    # The three defaults cannot be deleted.
    for c in (fav, chans, dms):
        refused(
            alice.api.delete(path + f"/{c['id']}"), 400, "app.channel.sidebar_categories.app_error"
        )
    assert categories(alice, tid) == cats
    # The limits that pass: a 64-character name, a channel listed twice in one category.
    ok = {**create, "display_name": "x" * 64, "channel_ids": [mine["id"], mine["id"]]}
    made = expect(alice.api.post(path, ok), 200)
    assert made["channel_ids"] == [mine["id"]]


def test_categories_per_team_are_limited(make_user: Callable[..., LoggedIn]) -> None:
    alice = make_user()
    tid = team_with(alice)["id"]
    path = base(alice, tid)
    categories(alice, tid)
    body = {"user_id": alice.id, "team_id": tid, "display_name": "c"}
    for _ in range(97):
        expect(alice.api.post(path, body), 200)
    r = alice.api.post(path, body)
    assert r.status_code == 400
    assert error_id(r) == "app.channel.sidebar_categories.app_error"
    assert len(categories(alice, tid)["order"]) == 100


def test_leaving_the_team_clears_them(make_user: Callable[..., LoggedIn]) -> None:
    alice, bob = make_user(), make_user()
    team = team_with(alice, bob)
    tid = team["id"]
    body = {"user_id": bob.id, "team_id": tid, "display_name": "Mine"}
    expect(bob.api.post(base(bob, tid), body), 200)
    assert len(categories(bob, tid)["order"]) == 4
    expect(bob.api.delete(f"/teams/{tid}/members/{bob.id}"), 200)
    # Not in the team: nothing, and nothing may be made.
    assert categories(bob, tid) == {"categories": [], "order": []}
    assert expect(bob.api.get(base(bob, tid) + "/order"), 200) == []
    r = bob.api.post(base(bob, tid), body)
    assert r.status_code == 404
    assert error_id(r) == "app.channel.sidebar_categories.app_error"
    # Back in the team: the defaults again.
    join_team(alice, tid, bob)
    assert [c["type"] for c in categories(bob, tid)["categories"]] == [
        "favorites",
        "channels",
        "direct_messages",
    ]
