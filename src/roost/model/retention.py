"""Data retention policies (Mattermost's granular ``RetentionPolicy``): how many days a
set of teams' and channels' posts are kept. A channel's policy wins over its team's,
and a team's over the global one (``DataRetentionSettings``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KEEP_FOREVER = -1


@dataclass(slots=True)
class RetentionPolicy:
    id: str
    display_name: str
    post_duration: int  # days; KEEP_FOREVER: never deleted
    team_count: int = 0
    channel_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "post_duration": self.post_duration,
            "team_count": self.team_count,
            "channel_count": self.channel_count,
        }
