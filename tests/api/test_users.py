"""Users: sign-up rules, lookups, patches, autocomplete, deactivation."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique


def test_signup_validation(anon: Api, admin: LoggedIn) -> None:
    bad = [
        {"username": "1starts-with-digit", "email": "a@b.co", "password": PASSWORD},
        {"username": "UPPER space", "email": "a@b.co", "password": PASSWORD},
        {"username": "all", "email": "a@b.co", "password": PASSWORD},
        {"username": unique("u"), "email": "not-an-email", "password": PASSWORD},
        {"username": unique("u"), "email": "a@b.co", "password": "1"},
        {"username": unique("u"), "email": "a@b.co", "password": "x" * 73},
        {"username": "u" * 65, "email": "a@b.co", "password": PASSWORD},
        {"username": unique("u"), "email": "a@b.co", "password": PASSWORD, "nickname": "n" * 65},
        {"email": "a@b.co", "password": PASSWORD},
    ]
    for body in bad:
        r = anon.post("/users", body)
        assert r.status_code == 400, body
        assert "id" in r.json() and "request_id" in r.json()


def test_duplicate_username_and_email(anon: Api, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    r = anon.post("/users", {"username": user.username, "email": "x@y.zz", "password": PASSWORD})
    assert expect(r, 400)["id"] == "app.user.save.username_exists.app_error"
    r = anon.post("/users", {"username": unique("u"), "email": user.email, "password": PASSWORD})
    assert expect(r, 400)["id"] == "app.user.save.email_exists.app_error"


def test_get_user_me_and_by_id(make_user: Callable[..., LoggedIn]) -> None:
    a, b = make_user(), make_user()
    assert expect(a.api.get("/users/me"), 200)["id"] == a.id
    assert expect(a.api.get(f"/users/{b.id}"), 200)["username"] == b.username
    assert (
        expect(a.api.get("/users/bad-id"), 400)["id"] == "api.context.invalid_url_param.app_error"
    )
    assert a.api.get(f"/users/{'a' * 26}").status_code == 404


def test_lookups_by_ids_usernames_username_email(make_user: Callable[..., LoggedIn]) -> None:
    a, b, c = make_user(), make_user(), make_user()
    got = expect(a.api.post("/users/ids", [b.id, c.id, b.id]), 200)
    assert sorted(u["id"] for u in got) == sorted([b.id, c.id])
    got = expect(a.api.post("/users/usernames", [b.username, "nobody-at-all"]), 200)
    assert [u["id"] for u in got] == [b.id]
    assert expect(a.api.get(f"/users/username/{c.username}"), 200)["id"] == c.id
    assert expect(a.api.get(f"/users/email/{c.email}"), 200)["id"] == c.id
    assert a.api.get("/users/username/nobody-at-all").status_code == 404
    assert a.api.post("/users/ids", ["bad"]).status_code == 400
    assert a.api.post("/users/ids", {"not": "a list"}).status_code == 400


def test_list_users_paging_and_cap(make_user: Callable[..., LoggedIn]) -> None:
    a = make_user()
    for _ in range(3):
        make_user()
    page0 = expect(a.api.get("/users", params={"page": 0, "per_page": 2}), 200)
    page1 = expect(a.api.get("/users", params={"page": 1, "per_page": 2}), 200)
    assert len(page0) == 2 and len(page1) == 2
    assert {u["id"] for u in page0}.isdisjoint({u["id"] for u in page1})
    everyone = expect(a.api.get("/users", params={"per_page": 10_000}), 200)
    assert len(everyone) <= 200
    assert a.api.get("/users", params={"page": -1}).status_code == 400
    assert a.api.get("/users", params={"per_page": "many"}).status_code == 400


def test_patch_own_profile_and_not_others(make_user: Callable[..., LoggedIn]) -> None:
    a, b = make_user(), make_user()
    body = expect(a.api.put("/users/me/patch", {"nickname": "Ace", "position": "Pilot"}), 200)
    assert body["nickname"] == "Ace" and body["position"] == "Pilot"
    assert expect(a.api.get("/users/me"), 200)["nickname"] == "Ace"
    assert expect(a.api.put(f"/users/{b.id}/patch", {"nickname": "x"}), 403)["id"] == (
        "api.context.permissions.app_error"
    )
    r = a.api.put("/users/me/patch", {"username": b.username})
    assert expect(r, 400)["id"] == "app.user.save.username_exists.app_error"


def test_admin_can_patch_anyone(admin: LoggedIn, make_user: Callable[..., LoggedIn]) -> None:
    a = make_user()
    assert (
        expect(admin.api.put(f"/users/{a.id}/patch", {"first_name": "Ada"}), 200)["first_name"]
        == "Ada"
    )


def test_autocomplete_by_prefix(make_user: Callable[..., LoggedIn]) -> None:
    prefix = unique("zed")
    a = make_user(username=prefix + "a")
    make_user(username=prefix + "b")
    found = expect(a.api.get("/users/autocomplete", params={"name": prefix}), 200)
    assert sorted(u["username"] for u in found["users"]) == [prefix + "a", prefix + "b"]


def test_deactivated_user_cannot_log_in(
    anon: Api, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    a = make_user()
    assert expect(admin.api.delete(f"/users/{a.id}"), 200) == {"status": "OK"}
    assert a.api.get("/users/me").status_code == 401
    r = anon.post("/users/login", {"login_id": a.username, "password": PASSWORD})
    assert r.status_code == 401
    assert expect(admin.api.get(f"/users/{a.id}"), 200)["delete_at"] > 0


def test_password_change(anon: Api, make_user: Callable[..., LoggedIn]) -> None:
    a = make_user()
    r = a.api.put("/users/me/password", {"current_password": "wrong", "new_password": "N3w-pass!"})
    assert r.status_code == 400
    r = a.api.put("/users/me/password", {"current_password": PASSWORD, "new_password": "N3w-pass!"})
    assert expect(r, 200) == {"status": "OK"}
    assert (
        anon.post("/users/login", {"login_id": a.username, "password": "N3w-pass!"}).status_code
        == 200
    )


def test_status_and_preferences(make_user: Callable[..., LoggedIn]) -> None:
    a, b = make_user(), make_user()
    assert expect(a.api.get("/users/me/status"), 200)["status"] == "offline"
    saved = expect(a.api.put("/users/me/status", {"user_id": a.id, "status": "dnd"}), 200)
    assert saved["status"] == "dnd" and saved["manual"] is True
    got = expect(b.api.post("/users/status/ids", [a.id, b.id]), 200)
    assert {s["user_id"]: s["status"] for s in got} == {a.id: "dnd", b.id: "offline"}
    assert a.api.put("/users/me/status", {"user_id": a.id, "status": "sleepy"}).status_code == 400
    assert (
        b.api.put(f"/users/{a.id}/status", {"user_id": a.id, "status": "away"}).status_code == 403
    )

    prefs = [
        {
            "user_id": a.id,
            "category": "display_settings",
            "name": "use_military_time",
            "value": "true",
        }
    ]
    assert expect(a.api.put("/users/me/preferences", prefs), 200) == {"status": "OK"}
    got = expect(a.api.get("/users/me/preferences/display_settings"), 200)
    assert got == prefs
    one = expect(a.api.get("/users/me/preferences/display_settings/name/use_military_time"), 200)
    assert one["value"] == "true"
    assert b.api.put(f"/users/{a.id}/preferences", prefs).status_code == 403
    assert expect(a.api.post("/users/me/preferences/delete", prefs), 200) == {"status": "OK"}
    assert expect(a.api.get("/users/me/preferences"), 200) == []
