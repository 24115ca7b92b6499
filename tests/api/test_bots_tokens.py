"""Bots, personal access tokens and profile images."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique


def test_admin_creates_bot_that_acts_with_a_token(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    name = unique("bot")
    bot = expect(
        admin.api.post("/bots", {"username": name, "display_name": "Bot", "description": "d"}), 201
    )
    assert bot["username"] == name and bot["owner_id"] == admin.id
    assert set(bot) >= {"user_id", "create_at", "update_at", "delete_at", "description"}
    user = expect(admin.api.get(f"/users/{bot['user_id']}"), 200)
    assert user["is_bot"] is True and user["bot_description"] == "d"
    token = expect(admin.api.post(f"/users/{bot['user_id']}/tokens", {"description": "ci"}), 200)
    assert len(token["token"]) == 26 and token["is_active"] is True
    as_bot = Api(server, token["token"])
    assert expect(as_bot.get("/users/me"), 200)["id"] == bot["user_id"]
    # Bots never log in with a password.
    r = Api(server).post("/users/login", {"login_id": name, "password": PASSWORD})
    assert r.status_code == 401
    # Disabling the token cuts the bot off at once; enabling restores it.
    expect(admin.api.post("/users/tokens/disable", {"token_id": token["id"]}), 200)
    assert as_bot.get("/users/me").status_code == 401
    expect(admin.api.post("/users/tokens/enable", {"token_id": token["id"]}), 200)
    assert as_bot.get("/users/me").status_code == 200
    expect(admin.api.post("/users/tokens/revoke", {"token_id": token["id"]}), 200)
    assert as_bot.get("/users/me").status_code == 401
    assert admin.api.get(f"/users/tokens/{token['id']}").status_code == 404


def test_bot_listing_patch_disable_and_permissions(
    admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    plain = make_user()
    assert plain.api.post("/bots", {"username": unique("bot")}).status_code == 403
    bot = expect(admin.api.post("/bots", {"username": unique("bot")}), 201)
    listed = expect(admin.api.get("/bots", params={"per_page": 200}), 200)
    assert bot["user_id"] in {b["user_id"] for b in listed}
    patched = expect(admin.api.put(f"/bots/{bot['user_id']}", {"display_name": "Helper"}), 200)
    assert patched["display_name"] == "Helper"
    assert plain.api.put(f"/bots/{bot['user_id']}", {"display_name": "x"}).status_code == 403
    disabled = expect(admin.api.post(f"/bots/{bot['user_id']}/disable"), 200)
    assert disabled["delete_at"] > 0
    assert admin.api.get(f"/bots/{bot['user_id']}").status_code == 404
    got = admin.api.get(f"/bots/{bot['user_id']}", params={"include_deleted": "true"})
    assert expect(got, 200)["delete_at"] > 0
    enabled = expect(admin.api.post(f"/bots/{bot['user_id']}/enable"), 200)
    assert enabled["delete_at"] == 0
    assigned = expect(admin.api.post(f"/bots/{bot['user_id']}/assign/{plain.id}"), 200)
    assert assigned["owner_id"] == plain.id
    # The new owner now manages it, including its tokens.
    expect(plain.api.post(f"/users/{bot['user_id']}/tokens", {"description": "mine"}), 200)
    assert admin.api.post("/bots", {"username": "bad name!"}).status_code == 400


def test_personal_tokens_need_the_role(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    assert user.api.post(f"/users/{user.id}/tokens", {"description": "x"}).status_code == 403
    expect(
        admin.api.put(f"/users/{user.id}/roles", {"roles": "system_user system_user_access_token"}),
        200,
    )
    # Roles are read per session lookup; the cache may hold the old roles briefly,
    # so log in afresh to see the new role.
    login = Api(server).post("/users/login", {"login_id": user.username, "password": PASSWORD})
    fresh = Api(server, login.headers["Token"])
    token = expect(fresh.post(f"/users/{user.id}/tokens", {"description": "scripts"}), 200)
    mine = expect(fresh.get(f"/users/{user.id}/tokens"), 200)
    assert [t["id"] for t in mine] == [token["id"]]
    assert "token" not in mine[0]
    assert expect(fresh.get(f"/users/tokens/{token['id']}"), 200)["description"] == "scripts"
    other = make_user()
    assert other.api.get(f"/users/tokens/{token['id']}").status_code == 403
    assert fresh.post(f"/users/{user.id}/tokens", {"description": ""}).status_code == 400
    assert fresh.post("/users/tokens/revoke", {"token_id": "bad"}).status_code == 400
    assert admin.api.put(f"/users/{user.id}/roles", {"roles": "root"}).status_code == 400


def test_profile_image_is_png(server: str, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    r = httpx.get(
        f"{server}/api/v4/users/{user.id}/image",
        headers={"Authorization": f"Bearer {user.token}"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert httpx.get(f"{server}/api/v4/users/{user.id}/image").status_code == 401
