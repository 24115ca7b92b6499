"""A user's custom status, as Mattermost keeps it: a JSON string in the user's props
(``customStatus``), the recent ones a JSON list in a preference."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

PROPS_KEY = "customStatus"
RECENT_CATEGORY = "custom_status"
RECENT_NAME = "recent_custom_statuses"
RECENT_MAX = 5
TEXT_MAX_RUNES = 100
DEFAULT_EMOJI = "speech_balloon"
DURATIONS = frozenset(
    {
        "",
        "thirty_minutes",
        "one_hour",
        "four_hours",
        "today",
        "this_week",
        "date_and_time",
        "custom_date_time",
    }
)


@dataclass(slots=True)
class CustomStatus:
    emoji: str = ""
    text: str = ""
    duration: str = ""
    expires_at: str = ""  # RFC 3339; "" never expires

    def to_dict(self) -> dict[str, Any]:
        return {
            "emoji": self.emoji,
            "text": self.text,
            "duration": self.duration,
            "expires_at": self.expires_at,
        }

    def to_json(self) -> str:
        return orjson.dumps(self.to_dict()).decode()

    @classmethod
    def from_dict(cls, data: Any) -> CustomStatus | None:
        if not isinstance(data, dict):
            return None
        fields = {k: data.get(k, "") for k in ("emoji", "text", "duration", "expires_at")}
        if not all(isinstance(v, str) for v in fields.values()):
            return None
        return cls(**fields)

    def expires_ms(self) -> int | None:
        """When it ends (ms), None if never; an unreadable time never ends."""
        if not self.expires_at or self.duration == "":
            return None
        try:
            return int(parse_time(self.expires_at).timestamp() * 1000)
        except ValueError:
            return None

    def expired(self, now_ms: int) -> bool:
        ends = self.expires_ms()
        return ends is not None and ends <= now_ms


def parse_time(value: str) -> datetime:
    """An RFC 3339 time (Go writes 'Z' and up to nanoseconds)."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if "." in text:
        head, _, rest = text.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = head + "." + rest[:digits][:6].ljust(6, "0") + rest[digits:]
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("a time zone is required")
    return parsed


def current(props: dict[str, str], now_ms: int) -> CustomStatus | None:
    """The status in ``props`` that is in force at ``now_ms``."""
    raw = props.get(PROPS_KEY)
    if not raw:
        return None
    try:
        status = CustomStatus.from_dict(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return None
    if status is None or status.expired(now_ms):
        return None
    return status


def visible_props(props: dict[str, str]) -> dict[str, str]:
    """The props as clients should see them now: an expired custom status is none
    (Mattermost clears it with a job; Roost drops it when it is read)."""
    raw = props.get(PROPS_KEY)
    if not raw:
        return props
    try:
        status = CustomStatus.from_dict(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return props
    if status is None or not status.expired(int(time.time() * 1000)):
        return props
    return {**props, PROPS_KEY: ""}
