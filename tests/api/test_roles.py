"""Roles as data: /api/v4/roles and its bad input, and role_updated over the socket."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.client import Api, LoggedIn, expect
from tests.support.ws import listening

ROLE_KEYS = {
    "id",
    "name",
    "display_name",
    "description",
    "create_at",
    "update_at",
    "delete_at",
    "permissions",
    "scheme_managed",
    "built_in",
}
BUILT_IN = {
    "system_admin",
    "system_user",
    "system_guest",
    "system_user_access_token",
    "system_post_all",
    "system_post_all_public",
    "system_user_manager",
    "system_read_only_admin",
    "system_manager",
    "system_custom_group_admin",
    "system_shared_channel_manager",
    "team_admin",
    "team_user",
    "team_guest",
    "team_post_all",
    "team_post_all_public",
    "channel_admin",
    "channel_user",
    "channel_guest",
    "custom_group_user",
    "playbook_admin",
    "playbook_member",
    "run_admin",
    "run_member",
}
PERMISSIONS_ERROR = "api.context.permissions.app_error"


def by_name(api: Api, name: str) -> dict[str, Any]:
    role: dict[str, Any] = expect(api.get(f"/roles/name/{name}"), 200)
    return role


@pytest.fixture
def restore(admin: LoggedIn) -> Iterator[Callable[[str], None]]:
    """Remember roles before a test changes them; put their permissions back after."""
    saved: dict[str, list[str]] = {}

    def remember(name: str) -> None:
        role = by_name(admin.api, name)
        saved.setdefault(str(role["id"]), list(role["permissions"]))

    yield remember
    for role_id, permissions in saved.items():
        expect(admin.api.put(f"/roles/{role_id}/patch", {"permissions": permissions}), 200)


def test_every_tenant_has_the_built_in_roles(admin: LoggedIn) -> None:
    roles = expect(admin.api.get("/roles"), 200)
    assert {r["name"] for r in roles} == BUILT_IN
    for role in roles:
        assert set(role) == ROLE_KEYS
        assert len(role["id"]) == 26 and role["delete_at"] == 0
    user = next(r for r in roles if r["name"] == "channel_user")
    assert user["display_name"] == "authentication.roles.channel_user.name"
    assert user["scheme_managed"] is True and user["built_in"] is True
    assert {"create_post", "read_channel", "use_channel_mentions"} <= set(user["permissions"])
    admin_role = next(r for r in roles if r["name"] == "system_admin")
    assert "manage_system" in admin_role["permissions"]
    assert len(admin_role["permissions"]) == 290
    custom = next(r for r in roles if r["name"] == "custom_group_user")
    assert custom["built_in"] is False and custom["permissions"] == []


def test_reads_by_id_name_and_names(admin: LoggedIn, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    team_user = by_name(user.api, "team_user")
    assert expect(user.api.get(f"/roles/{team_user['id']}"), 200) == team_user
    found = expect(
        user.api.post("/roles/names", ["system_user", "team_user", "nosuchrole", " "]), 200
    )
    assert sorted(r["name"] for r in found) == ["system_user", "team_user"]
    # Only system admins list every role.
    body = expect(user.api.get("/roles"), 403)
    assert body["id"] == PERMISSIONS_ERROR and "manage_system" in body["detailed_error"]


def test_bad_input(admin: LoggedIn, anon: Api) -> None:
    assert expect(anon.get("/roles/name/system_user"), 401)["id"] == (
        "api.context.session_expired.app_error"
    )
    api = admin.api
    assert expect(api.get("/roles/" + "x" * 26), 404)["id"] == "app.role.get.app_error"
    assert expect(api.get("/roles/short"), 400)["id"] == "api.context.invalid_url_param.app_error"
    assert expect(api.get("/roles/name/nosuchrole"), 404)["id"] == "app.role.get_by_name.app_error"
    assert expect(api.get("/roles/name/Bad-Name"), 400)["id"] == (
        "api.context.invalid_url_param.app_error"
    )
    invalid_body = "api.context.invalid_body_param.app_error"
    assert expect(api.post("/roles/names", []), 400)["id"] == invalid_body
    assert expect(api.post("/roles/names"), 400)["id"] == invalid_body
    assert expect(api.post("/roles/names", ["Bad Name"]), 400)["id"] == invalid_body
    assert expect(api.post("/roles/names", [1]), 400)["id"] == invalid_body
    assert expect(api.post("/roles/names", {"a": 1}), 400)["id"] == invalid_body
    assert expect(api.post("/roles/names", ["system_user"] * 101), 400)["id"] == invalid_body
    assert len(expect(api.post("/roles/names", ["system_user"] * 100), 200)) == 1
    role_id = by_name(api, "channel_user")["id"]
    url = f"/roles/{role_id}/patch"
    assert expect(api.put(url, {"permissions": "create_post"}), 400)["id"] == invalid_body
    assert expect(api.put(url, {"permissions": [1]}), 400)["id"] == invalid_body
    assert expect(api.put(url, ["create_post"]), 400)["id"] == invalid_body
    r = api.http.put(url, content=b"{nope", headers={"Content-Type": "application/json"})
    assert expect(r, 400)["id"] == invalid_body
    missing = f"/roles/{'y' * 26}/patch"
    assert expect(api.put(missing, {"permissions": []}), 404)["id"] == "app.role.get.app_error"


def test_patch_refusals_write_nothing(
    admin: LoggedIn, make_user: Callable[..., LoggedIn], restore: Callable[[str], None]
) -> None:
    restore("channel_user")
    role = by_name(admin.api, "channel_user")
    before = list(role["permissions"])
    url = f"/roles/{role['id']}/patch"
    # Unknown permission ids: 400, nothing saved.
    r = admin.api.put(url, {"permissions": [*before, "fly_to_the_moon"]})
    assert expect(r, 400)["id"] == "app.role.save.invalid_role.app_error"
    # Permissions no patch may add or remove: 501.
    r = admin.api.put(url, {"permissions": [*before, "manage_roles"]})
    assert expect(r, 501)["id"] == "api.roles.patch_roles.not_allowed_permission.error"
    # Only system admins patch roles.
    r = make_user().api.put(url, {"permissions": before[1:]})
    assert expect(r, 403)["id"] == PERMISSIONS_ERROR
    assert by_name(admin.api, "channel_user")["permissions"] == before
    # No change: the role as it was, update_at untouched. Absent permissions: no change.
    assert expect(admin.api.put(url, {"permissions": before}), 200) == role
    assert expect(admin.api.put(url, {}), 200) == role


def test_patch_changes_the_role_and_tells_clients(
    server: str,
    admin: LoggedIn,
    make_user: Callable[..., LoggedIn],
    restore: Callable[[str], None],
) -> None:
    restore("team_user")
    role = by_name(admin.api, "team_user")
    url = f"/roles/{role['id']}/patch"
    kept = [p for p in role["permissions"] if p != "invite_user"]
    watcher = make_user()
    with listening(server, watcher) as (ws,):
        # Duplicates are dropped.
        patched = expect(admin.api.put(url, {"permissions": [*kept, kept[0]]}), 200)
        assert patched["permissions"] == kept
        assert patched["update_at"] >= role["update_at"]
        event = ws.wait_for("role_updated")
        assert event["broadcast"]["user_id"] == "" and event["broadcast"]["channel_id"] == ""
        sent = json.loads(event["data"]["role"])
        assert sent == patched
    assert by_name(watcher.api, "team_user") == patched
    assert expect(admin.api.get(f"/roles/{role['id']}"), 200) == patched
