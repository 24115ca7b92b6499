"""The shipped role defaults: well formed, and Mattermost's lists plus Roost's additions."""

from __future__ import annotations

import json
from importlib import resources

from roost.app.accounts.roles import default_roles
from roost.model.roles import RoleTable, catalogue, is_valid_role_name, member_roles


def _raw() -> dict[str, object]:
    text = resources.files("roost.model").joinpath("role_defaults.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_every_default_permission_is_a_valid_id() -> None:
    cat = catalogue()
    assert len(cat.roles) == 24
    assert len({r.name for r in cat.roles}) == 24
    for role in cat.roles:
        assert is_valid_role_name(role.name)
        assert set(role.permissions) <= cat.valid_permissions, role.name
    system_admin = next(r for r in cat.roles if r.name == "system_admin")
    assert len(system_admin.permissions) == 290
    assert cat.patch_not_allowed == {
        "manage_roles",
        "sysconsole_read_user_management_system_roles",
        "sysconsole_write_user_management_system_roles",
    }


def test_roost_additions_are_merged_and_listed() -> None:
    additions = _raw()["roost_additions"]
    assert isinstance(additions, dict)
    by_name = {r.name: r for r in catalogue().roles}
    for name, permissions in additions.items():
        assert set(permissions) <= set(by_name[name].permissions)
    assert "edit_others_posts" in by_name["team_admin"].permissions
    assert "delete_others_posts" in by_name["channel_admin"].permissions


def test_role_table_grants_by_union_and_ignores_unknown_names() -> None:
    table = RoleTable.of(default_roles(1))
    assert table.grants(["channel_user"], "create_post")
    assert not table.grants(["team_user"], "create_post")
    assert table.grants(["team_user", "channel_user"], "create_post")
    assert not table.grants(["no_such_role"], "create_post")
    assert table.grants(["system_admin"], "manage_system")
    role = table.roles["channel_user"]
    assert table.by_id(role.id) is role
    assert set(role.to_dict()) == {
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


def test_role_names_and_member_roles() -> None:
    assert is_valid_role_name("team_user") and is_valid_role_name("a" * 64)
    for bad in ("", "a" * 65, "Team", "team-user", "team user", "team_user\n"):
        assert not is_valid_role_name(bad)
    assert member_roles("channel", True, True, "") == "channel_user channel_admin"
    assert member_roles("team", True, False, "custom") == "team_user custom"
