"""Incoming and outgoing webhooks, as Mattermost renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# trigger_when: the first word equals a trigger word, or starts with one.
TRIGGER_EXACT = 0
TRIGGER_PREFIX = 1
FORM_CONTENT = "application/x-www-form-urlencoded"
JSON_CONTENT = "application/json"


@dataclass(slots=True)
class IncomingWebhook:
    id: str
    user_id: str
    channel_id: str
    team_id: str
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    display_name: str = ""
    description: str = ""
    username: str = ""
    icon_url: str = ""
    channel_locked: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "team_id": self.team_id,
            "display_name": self.display_name,
            "description": self.description,
            "username": self.username,
            "icon_url": self.icon_url,
            "channel_locked": self.channel_locked,
        }


@dataclass(slots=True)
class OutgoingWebhook:
    id: str
    token: str
    creator_id: str
    team_id: str
    channel_id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    trigger_words: list[str] = field(default_factory=list)
    trigger_when: int = TRIGGER_EXACT
    callback_urls: list[str] = field(default_factory=list)
    display_name: str = ""
    description: str = ""
    content_type: str = FORM_CONTENT
    username: str = ""
    icon_url: str = ""

    def trigger_for(self, message: str) -> str | None:
        """The trigger word this message fires, if any (the first word decides)."""
        words = message.split(maxsplit=1)
        if not words:
            return None
        first = words[0]
        for word in self.trigger_words:
            if first == word or (self.trigger_when == TRIGGER_PREFIX and first.startswith(word)):
                return word
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "token": self.token,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "creator_id": self.creator_id,
            "team_id": self.team_id,
            "channel_id": self.channel_id,
            "trigger_words": self.trigger_words,
            "trigger_when": self.trigger_when,
            "callback_urls": self.callback_urls,
            "display_name": self.display_name,
            "description": self.description,
            "content_type": self.content_type,
            "username": self.username,
            "icon_url": self.icon_url,
        }
