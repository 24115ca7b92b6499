"""An outbound call waiting in the delivery queue, or one that finally failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PENDING = "pending"
FAILED = "failed"


@dataclass(slots=True)
class Delivery:
    tenant_id: str
    id: str
    kind: str
    url: str
    content_type: str
    body: bytes
    source_id: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    state: str = PENDING
    attempts: int = 0
    next_attempt_at: int = 0
    last_error: str = ""
    create_at: int = 0
    update_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        """What admins see: never the body, which may carry the integration's token."""
        return {
            "id": self.id,
            "kind": self.kind,
            "source_id": self.source_id,
            "url": redacted_url(self.url),
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at,
            "last_error": self.last_error,
            "create_at": self.create_at,
            "update_at": self.update_at,
        }


def redacted_url(url: str) -> str:
    """The URL without credentials, query or fragment, where secrets tend to live."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
