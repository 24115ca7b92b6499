"""One audit record: who did what, from where, in which session (Mattermost's Audit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Column widths, as Mattermost's Audits table has them; longer values are cut to fit.
ACTION_MAX = 512
EXTRA_INFO_MAX = 1024
IP_ADDRESS_MAX = 64


@dataclass(slots=True, frozen=True)
class Audit:
    id: str
    create_at: int
    user_id: str
    action: str
    extra_info: str = ""
    ip_address: str = ""
    session_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "user_id": self.user_id,
            "action": self.action,
            "extra_info": self.extra_info,
            "ip_address": self.ip_address,
            "session_id": self.session_id,
        }
