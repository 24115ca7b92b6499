"""Teams and their members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.model.roles import member_roles


@dataclass(slots=True)
class Team:
    id: str
    name: str
    display_name: str
    type: str = "O"
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    description: str = ""
    email: str = ""
    company_name: str = ""
    allowed_domains: str = ""
    invite_id: str = ""
    allow_open_invite: bool = False
    creator_id: str = ""
    # When the team's icon was last set (ms); 0 while it has none.
    last_team_icon_update: int = 0

    def to_dict(self) -> dict[str, Any]:
        shown = {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "display_name": self.display_name,
            "name": self.name,
            "description": self.description,
            "email": self.email,
            "type": self.type,
            "company_name": self.company_name,
            "allowed_domains": self.allowed_domains,
            "invite_id": self.invite_id,
            "allow_open_invite": self.allow_open_invite,
            "scheme_id": "",
            "group_constrained": False,
            "policy_id": None,
            "cloud_limits_archived": False,
        }
        # Mattermost leaves the field out of the JSON while the team has no icon.
        if self.last_team_icon_update:
            shown["last_team_icon_update"] = self.last_team_icon_update
        return shown


@dataclass(slots=True)
class TeamMember:
    team_id: str
    user_id: str
    scheme_user: bool = True
    scheme_admin: bool = False
    explicit_roles: str = ""
    create_at: int = 0
    delete_at: int = 0

    @property
    def roles(self) -> str:
        return member_roles("team", self.scheme_user, self.scheme_admin, self.explicit_roles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "user_id": self.user_id,
            "roles": self.roles,
            "delete_at": self.delete_at,
            "scheme_user": self.scheme_user,
            "scheme_admin": self.scheme_admin,
            "scheme_guest": False,
            "explicit_roles": self.explicit_roles,
            "create_at": self.create_at,
        }
