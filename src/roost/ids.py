"""Mattermost-style identifiers: 26 characters of z-base-32 over 16 random bytes."""

import base64
import os
import re

_STANDARD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ZBASE32 = b"ybndrfg8ejkmcpqxot1uwisza345h769"
_TRANSLATE = bytes.maketrans(_STANDARD, _ZBASE32)
_VALID = re.compile(r"^[a-z0-9]{26}\Z")


def new_id() -> str:
    """A fresh random id, also used for session tokens and request ids."""
    return base64.b32encode(os.urandom(16))[:26].translate(_TRANSLATE).decode("ascii")


def is_valid_id(value: str) -> bool:
    return bool(_VALID.match(value))
