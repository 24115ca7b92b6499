"""Shape rules for names and text that several use cases share."""

from __future__ import annotations

import re
from typing import Any

USERNAME_MAX = 64
RESERVED_USERNAMES = frozenset({"all", "channel", "here", "matterbot", "system"})
_USERNAME = re.compile(r"^[a-z][a-z0-9.\-_]*\Z")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\Z")
EMAIL_MAX = 128
NAME_FIELD_MAX = 64
POSITION_MAX = 128
# Team and channel URL names: lowercase letters, digits, '-' and '_'.
_URL_NAME = re.compile(r"^[a-z0-9]+([a-z0-9\-_]*[a-z0-9]+)?\Z")


def is_valid_username(name: str) -> bool:
    return (
        0 < len(name) <= USERNAME_MAX
        and bool(_USERNAME.match(name))
        and name not in RESERVED_USERNAMES
    )


def is_valid_email(email: str) -> bool:
    return 0 < len(email) <= EMAIL_MAX and bool(_EMAIL.match(email))


def is_valid_url_name(name: str, min_len: int = 1, max_len: int = 64) -> bool:
    return min_len <= len(name) <= max_len and bool(_URL_NAME.match(name))


def has_control_chars(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t\r" for c in text)


# How deeply a JSON value may nest objects and arrays. Every stored JSON value is encoded
# again by orjson, which stops at 254 levels; real clients' deepest payloads (message
# attachments with actions and their context) stay under 15.
MAX_JSON_DEPTH = 64
NUL = "\x00"


def json_problem(data: Any) -> str | None:
    """Why a decoded JSON value cannot be stored, or None: a NUL character in any string
    or key (PostgreSQL keeps none in text), or nesting past MAX_JSON_DEPTH."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                return "text may not hold NUL (\\u0000) characters"
        elif isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                return f"nested more than {MAX_JSON_DEPTH} levels deep"
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, str) and NUL in key:
                        return "text may not hold NUL (\\u0000) characters"
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
    return None
