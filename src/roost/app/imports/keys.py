"""Ids an import derives from natural keys, so running the same file twice finds the
rows the first run wrote instead of writing them again (and an interrupted run, run
again, picks up where it stopped)."""

from __future__ import annotations

import base64
import hashlib

_STANDARD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ZBASE32 = b"ybndrfg8ejkmcpqxot1uwisza345h769"
_TRANSLATE = bytes.maketrans(_STANDARD, _ZBASE32)


def stable_id(*parts: object) -> str:
    """A 26-character id in Mattermost's alphabet made from ``parts`` alone."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()[:16]
    return base64.b32encode(digest)[:26].translate(_TRANSLATE).decode("ascii")


def post_id(tenant_id: str, channel_id: str, root_id: str, user_id: str, at: int, msg: str) -> str:
    """A post's natural key, as Mattermost's importer matches posts: its channel (and
    thread), author, creation time and message."""
    return stable_id("post", tenant_id, channel_id, root_id, user_id, at, msg)
