"""Custom emoji, and the names of the system emoji they may not take."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

EMOJI_NAME_MAX = 64
_EMOJI_NAME = re.compile(r"^[a-zA-Z0-9_+\-]+\Z")


def is_valid_emoji_name(name: str) -> bool:
    """Mattermost's rule for an emoji name: 1-64 letters, digits, '_', '+' or '-'."""
    return 0 < len(name) <= EMOJI_NAME_MAX and bool(_EMOJI_NAME.match(name))


@cache
def system_emoji_names() -> frozenset[str]:
    """The names of the emoji every client has built in (system_emoji_names.txt says
    where the list comes from)."""
    text = resources.files("roost.model").joinpath("system_emoji_names.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_system_emoji(name: str) -> bool:
    return name in system_emoji_names()


@dataclass(slots=True)
class Emoji:
    id: str
    creator_id: str
    name: str
    create_at: int
    update_at: int
    delete_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "creator_id": self.creator_id,
            "name": self.name,
            "description": "",
        }
