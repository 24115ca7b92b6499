"""Roles and permissions: Mattermost's built-in roles, as data.

The defaults (each built-in role's permission list on a fresh Mattermost server), the
permission ids a role may hold and the ones a patch may never change are in
``role_defaults.json`` beside this module; every tenant gets its own copy of the roles
(``app/accounts/roles.py``), which an admin may change. ``RoleTable`` answers "does any
of these roles grant this permission" for the checks in ``app/accounts/permissions.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

ROLE_NAME_MAX = 64
DISPLAY_NAME_MAX = 128
DESCRIPTION_MAX = 1024
_ROLE_NAME = re.compile(r"[a-z0-9_]+\Z")

# The roles Mattermost gives users and members by their scheme flags.
SYSTEM_USER = "system_user"
SYSTEM_ADMIN = "system_admin"
TEAM_USER = "team_user"
TEAM_ADMIN = "team_admin"
CHANNEL_USER = "channel_user"
CHANNEL_ADMIN = "channel_admin"

# Patching these roles needs manage_system (Mattermost's api4 patchRole); every other
# role needs sysconsole_write_user_management_permissions or _system_roles.
SYSTEM_ROLES_NEEDING_MANAGE_SYSTEM = frozenset(
    {
        SYSTEM_ADMIN,
        "system_user_manager",
        "system_read_only_admin",
        "system_manager",
        "system_shared_channel_manager",
    }
)
SCHEME_ROLES = frozenset(
    {
        TEAM_ADMIN,
        CHANNEL_ADMIN,
        SYSTEM_USER,
        TEAM_USER,
        CHANNEL_USER,
        "system_guest",
        "team_guest",
        "channel_guest",
        "playbook_admin",
        "playbook_member",
        "run_admin",
        "run_member",
    }
)


def member_roles(scope: str, scheme_user: bool, scheme_admin: bool, explicit: str) -> str:
    """``"team_user team_admin"``-style roles of a team or channel member."""
    parts = []
    if scheme_user:
        parts.append(f"{scope}_user")
    if scheme_admin:
        parts.append(f"{scope}_admin")
    if explicit:
        parts.append(explicit)
    return " ".join(parts)


def is_valid_role_name(name: str) -> bool:
    return 0 < len(name) <= ROLE_NAME_MAX and _ROLE_NAME.match(name) is not None


@dataclass(slots=True, frozen=True)
class RoleDefault:
    name: str
    display_name: str
    description: str
    scheme_managed: bool
    built_in: bool
    permissions: tuple[str, ...]


@dataclass(slots=True, frozen=True)
class Catalogue:
    roles: tuple[RoleDefault, ...]
    # Every permission id a role may hold (Mattermost's current ones and deprecated ones).
    valid_permissions: frozenset[str]
    patch_not_allowed: frozenset[str]


@cache
def catalogue() -> Catalogue:
    """The shipped defaults, Roost's additions merged in (read once)."""
    raw: dict[str, Any] = json.loads(
        resources.files("roost.model").joinpath("role_defaults.json").read_text("utf-8")
    )
    additions: dict[str, list[str]] = raw["roost_additions"]
    roles = tuple(
        RoleDefault(
            name=r["name"],
            display_name=r["display_name"],
            description=r["description"],
            scheme_managed=bool(r["scheme_managed"]),
            built_in=bool(r["built_in"]),
            permissions=tuple(sorted({*r["permissions"], *additions.get(r["name"], ())})),
        )
        for r in raw["roles"]
    )
    return Catalogue(
        roles=roles,
        valid_permissions=frozenset(raw["all_permissions"])
        | frozenset(raw["deprecated_permissions"]),
        patch_not_allowed=frozenset(raw["patch_not_allowed"]),
    )


@dataclass(slots=True)
class Role:
    id: str
    name: str
    display_name: str
    description: str
    permissions: list[str]
    scheme_managed: bool
    built_in: bool
    create_at: int
    update_at: int
    delete_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Mattermost's Role JSON (@mattermost/types)."""
        return {
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "description": self.description,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "permissions": list(self.permissions),
            "scheme_managed": self.scheme_managed,
            "built_in": self.built_in,
        }


@dataclass(slots=True, frozen=True)
class RoleTable:
    """One tenant's roles by name, with each role's permissions as a set."""

    roles: Mapping[str, Role]
    _granted: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @staticmethod
    def of(roles: Iterable[Role]) -> RoleTable:
        by_name = {r.name: r for r in roles}
        granted = {name: frozenset(r.permissions) for name, r in by_name.items() if not r.delete_at}
        return RoleTable(by_name, granted)

    def grants(self, role_names: Iterable[str], permission: str) -> bool:
        """Whether any of the roles grants the permission (unknown names grant nothing)."""
        for name in role_names:
            held = self._granted.get(name)
            if held is not None and permission in held:
                return True
        return False

    def by_id(self, role_id: str) -> Role | None:
        for role in self.roles.values():
            if role.id == role_id:
                return role
        return None


def split_roles(*role_strings: str) -> list[str]:
    """Role names from Mattermost's space-separated role strings."""
    names: list[str] = []
    for roles in role_strings:
        names.extend(roles.split())
    return names


def unknown_permissions(permissions: Sequence[str]) -> list[str]:
    valid = catalogue().valid_permissions
    return [p for p in permissions if p not in valid]
