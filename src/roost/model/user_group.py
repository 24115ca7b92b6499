"""Custom user groups (Mattermost's Group with source "custom"): a named set of users
that ``@name`` mentions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CUSTOM = "custom"
NAME_MAX = 64
DISPLAY_NAME_MAX = 128
DESCRIPTION_MAX = 1024
# Members added or removed by one request (Roost's bound; Mattermost sets none).
MAX_MEMBERS_PER_REQUEST = 1000


@dataclass(slots=True)
class UserGroup:
    id: str
    name: str
    display_name: str
    description: str = ""
    source: str = CUSTOM
    remote_id: str = ""
    allow_reference: bool = True
    creator_id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    member_count: int | None = None
    member_ids: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "description": self.description,
            "source": self.source,
            "remote_id": self.remote_id or None,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "has_syncables": False,
            "allow_reference": self.allow_reference,
            "member_ids": self.member_ids,
        }
        if self.member_count is not None:
            out["member_count"] = self.member_count
        return out


def member_dict(group_id: str, user_id: str, create_at: int, delete_at: int = 0) -> dict[str, Any]:
    """Mattermost's GroupMember."""
    return {
        "group_id": group_id,
        "user_id": user_id,
        "create_at": create_at,
        "delete_at": delete_at,
    }
