"""Unsent messages, kept on the server so they follow the user between devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Draft:
    user_id: str
    channel_id: str
    root_id: str = ""
    message: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)
    create_at: int = 0
    update_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": 0,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "root_id": self.root_id,
            "message": self.message,
            "props": self.props,
            "file_ids": self.file_ids,
            "metadata": {},
            "priority": {},
        }
