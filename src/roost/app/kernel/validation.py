"""Shape rules for names and text that several use cases share."""

from __future__ import annotations

import re

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
