"""A custom slash command: a trigger in a team that calls an integration's URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

METHOD_POST = "P"
METHOD_GET = "G"


@dataclass(slots=True)
class Command:
    id: str
    token: str
    creator_id: str
    team_id: str
    trigger: str
    url: str
    method: str = METHOD_POST
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    username: str = ""
    icon_url: str = ""
    auto_complete: bool = False
    auto_complete_desc: str = ""
    auto_complete_hint: str = ""
    display_name: str = ""
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "token": self.token,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "creator_id": self.creator_id,
            "team_id": self.team_id,
            "trigger": self.trigger,
            "method": self.method,
            "username": self.username,
            "icon_url": self.icon_url,
            "auto_complete": self.auto_complete,
            "auto_complete_desc": self.auto_complete_desc,
            "auto_complete_hint": self.auto_complete_hint,
            "display_name": self.display_name,
            "description": self.description,
            "url": self.url,
        }


@dataclass(slots=True)
class CommandWebhook:
    """The response_url handed to a custom command: where its delayed replies go."""

    id: str
    command_id: str
    user_id: str
    channel_id: str
    root_id: str = ""
    create_at: int = 0
    use_count: int = 0
