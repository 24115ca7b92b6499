"""Profile and status lookups are served from memory; every change must show at once."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.client import PASSWORD, LoggedIn, expect, unique


def _profile(viewer: LoggedIn, user_id: str) -> dict[str, object]:
    found = expect(viewer.api.post("/users/ids", [user_id]), 200)
    assert len(found) == 1
    return dict(found[0])


def _status(viewer: LoggedIn, user_id: str) -> str:
    found = expect(viewer.api.post("/users/status/ids", [user_id]), 200)
    assert [s["user_id"] for s in found] == [user_id]
    return str(found[0]["status"])


def test_profile_changes_show_in_lookups_at_once(
    make_user: Callable[..., LoggedIn], admin: LoggedIn
) -> None:
    viewer, target = make_user(), make_user()
    assert _profile(viewer, target.id)["nickname"] == ""
    # Read twice so the second answer comes from memory, then change it.
    assert expect(viewer.api.get(f"/users/{target.id}"), 200)["nickname"] == ""
    expect(target.api.put("/users/me/patch", {"nickname": "Nick"}), 200)
    assert _profile(viewer, target.id)["nickname"] == "Nick"
    assert expect(viewer.api.get(f"/users/{target.id}"), 200)["nickname"] == "Nick"

    expect(admin.api.put(f"/users/{target.id}/roles", {"roles": "system_user system_admin"}), 200)
    assert _profile(viewer, target.id)["roles"] == "system_user system_admin"

    expect(admin.api.put(f"/users/{target.id}/active", {"active": False}), 200)
    assert _profile(viewer, target.id)["delete_at"] != 0
    expect(admin.api.put(f"/users/{target.id}/active", {"active": True}), 200)
    assert _profile(viewer, target.id)["delete_at"] == 0


def test_password_change_moves_last_password_update(make_user: Callable[..., LoggedIn]) -> None:
    viewer, target = make_user(), make_user()
    # Only the user sees their own password age; others' lookups leave it out.
    before = _profile(target, target.id)["last_password_update"]
    assert "last_password_update" not in _profile(viewer, target.id)
    body = {"current_password": PASSWORD, "new_password": PASSWORD + "-2"}
    expect(target.api.put(f"/users/{target.id}/password", body), 200)
    assert _profile(target, target.id)["last_password_update"] != before


def test_bot_description_and_disable_show_in_lookups(admin: LoggedIn) -> None:
    bot = expect(admin.api.post("/bots", {"username": unique("bot"), "description": "one"}), 201)
    uid = bot["user_id"]
    assert _profile(admin, uid)["bot_description"] == "one"
    expect(admin.api.put(f"/bots/{uid}", {"description": "two"}), 200)
    assert _profile(admin, uid)["bot_description"] == "two"
    expect(admin.api.post(f"/bots/{uid}/disable"), 200)
    assert _profile(admin, uid)["delete_at"] != 0


def test_lookups_keep_order_and_drop_unknown_and_repeated_ids(
    make_user: Callable[..., LoggedIn],
) -> None:
    a, b, c = make_user(), make_user(), make_user()
    _profile(a, c.id)  # c is now in memory, b is not
    got = expect(a.api.post("/users/ids", [b.id, "z" * 26, c.id, b.id]), 200)
    assert [u["id"] for u in got] == [b.id, c.id]
    statuses = expect(a.api.post("/users/status/ids", [c.id, "z" * 26, c.id]), 200)
    assert [s["user_id"] for s in statuses] == [c.id, "z" * 26]
    assert statuses[1]["status"] == "offline"


def test_status_changes_show_in_lookups_at_once(make_user: Callable[..., LoggedIn]) -> None:
    viewer, target = make_user(), make_user()
    first = _status(viewer, target.id)
    assert first in ("online", "offline")
    for wanted in ("dnd", "away", "online", "offline"):
        body = {"user_id": target.id, "status": wanted}
        expect(target.api.put(f"/users/{target.id}/status", body), 200)
        assert _status(viewer, target.id) == wanted
        assert _status(viewer, target.id) == wanted
