"""Notification work in the outbox, and Mattermost's push-proxy message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PENDING = "pending"
FAILED = "failed"
# Digest items taken into a digest being sent (the claim; see store/notifications/outbox.py).
SENDING = "sending"

# Outbox kinds. A "post" job decides who is told of a post; it becomes "push", "email"
# and "digest" rows (one each per recipient) in the transaction that deletes it.
POST = "post"
PUSH = "push"
EMAIL = "email"
DIGEST = "digest"
KINDS = (POST, PUSH, EMAIL, DIGEST)

# Push-proxy message types (Mattermost's PushNotification.type).
PUSH_MESSAGE = "message"
PUSH_CLEAR = "clear"
PUSH_UPDATE_BADGE = "update_badge"

# Push-proxy answers (Mattermost's PushResponse.status).
PUSH_OK = "OK"
PUSH_REMOVE = "REMOVE"
PUSH_FAIL = "FAIL"


@dataclass(slots=True)
class OutboxItem:
    tenant_id: str
    id: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    user_id: str = ""
    state: str = PENDING
    attempts: int = 0
    next_attempt_at: int = 0
    last_error: str = ""
    create_at: int = 0
    update_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        """What admins see: never the payload (a message's text, an email)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "user_id": self.user_id,
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at,
            "last_error": self.last_error,
            "create_at": self.create_at,
            "update_at": self.update_at,
        }
