"""Import files built as Mattermost documents its bulk-import format (version 1 JSONL;
attachments inside the zip under the paths the lines name)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import orjson

from tests.support.files import png

T0 = 1_600_000_000_000  # history from 2020


def line(kind: str, body: Any) -> bytes:
    if kind == "version":
        return orjson.dumps({"type": "version", "version": body}) + b"\n"
    return orjson.dumps({"type": kind, kind: body}) + b"\n"


def every_type() -> list[bytes]:
    """One of each line type Mattermost documents, with memberships, preferences,
    notify props, threads, reactions, attachments, flags and pins."""
    return [
        line("version", 1),
        line(
            "scheme",
            {
                "name": "custom",
                "display_name": "Custom",
                "scope": "team",
                "description": "not applied by Roost",
            },
        ),
        line(
            "team",
            {
                "name": "history",
                "display_name": "History Team",
                "type": "O",
                "description": "moved from Mattermost",
                "allow_open_invite": True,
            },
        ),
        line(
            "channel",
            {
                "team": "history",
                "name": "general-talk",
                "display_name": "General Talk",
                "type": "O",
                "header": "the header",
                "purpose": "the purpose",
            },
        ),
        line(
            "channel",
            {"team": "history", "name": "secret", "display_name": "Secret", "type": "P"},
        ),
        line(
            "user",
            {
                "username": "ada",
                "email": "ada@example.com",
                "profile_image": "data/profile/ada.png",
                "nickname": "countess",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "position": "engineer",
                "roles": "system_user",
                "locale": "en",
                "military_time": "true",
                "theme": '{"type":"Onyx"}',
                "notify_props": {"desktop": "all", "mobile": "mention", "email": "false"},
                "teams": [
                    {
                        "name": "history",
                        "roles": "team_user team_admin",
                        "channels": [
                            {
                                "name": "general-talk",
                                "roles": "channel_user channel_admin",
                                "favorite": True,
                            },
                            {"name": "secret", "roles": "channel_user"},
                        ],
                    }
                ],
            },
        ),
        line(
            "user",
            {
                "username": "grace",
                "email": "grace@example.com",
                "first_name": "Grace",
                "roles": "system_user",
                "teams": [
                    {
                        "name": "history",
                        "roles": "team_user",
                        "channels": [{"name": "general-talk", "roles": "channel_user"}],
                    }
                ],
            },
        ),
        line(
            "user",
            {
                "username": "linus",
                "email": "linus@example.com",
                "roles": "system_user",
                "teams": [{"name": "history", "roles": "team_user"}],
            },
        ),
        line(
            "bot",
            {
                "username": "history-bot",
                "owner": "ada",
                "display_name": "History Bot",
                "description": "posts reminders",
            },
        ),
        line(
            "post",
            {
                "team": "history",
                "channel": "general-talk",
                "user": "ada",
                "message": "Welcome to the #history team",
                "create_at": T0,
                "is_pinned": True,
                "flagged_by": ["grace"],
                "reactions": [{"user": "grace", "emoji_name": "tada", "create_at": T0 + 10}],
                "attachments": [{"path": "data/notes.txt"}],
                "replies": [
                    {"user": "grace", "message": "glad to be here", "create_at": T0 + 1000},
                    {
                        "user": "linus",
                        "message": "me too",
                        "create_at": T0 + 2000,
                        "reactions": [{"user": "ada", "emoji_name": "+1", "create_at": T0 + 2100}],
                    },
                ],
            },
        ),
        line(
            "post",
            {
                "team": "history",
                "channel": "general-talk",
                "user": "grace",
                "message": "a picture",
                "create_at": T0 + 5000,
                "edit_at": T0 + 6000,
                "attachments": [{"path": "data/images/picture.png"}],
            },
        ),
        line(
            "post",
            {
                "team": "history",
                "channel": "secret",
                "user": "ada",
                "message": "only for admins",
                "create_at": T0 + 7000,
            },
        ),
        line("direct_channel", {"members": ["ada", "grace"], "header": "just us"}),
        line(
            "direct_channel",
            {"members": ["ada", "grace", "linus"], "favorited_by": ["linus"]},
        ),
        line(
            "direct_post",
            {
                "channel_members": ["ada", "grace"],
                "user": "grace",
                "message": "psst",
                "create_at": T0 + 8000,
                "replies": [{"user": "ada", "message": "yes?", "create_at": T0 + 9000}],
            },
        ),
        line(
            "direct_post",
            {
                "channel_members": ["ada", "grace", "linus"],
                "user": "linus",
                "message": "group hello",
                "create_at": T0 + 10000,
            },
        ),
        line("emoji", {"name": "history-parrot", "image": "data/emoji/parrot.png"}),
    ]


def attachments() -> dict[str, bytes]:
    return {
        "data/notes.txt": b"meeting notes\n",
        "data/images/picture.png": png(8, 8),
        "data/emoji/parrot.png": png(16, 16),
        "data/profile/ada.png": png(32, 20),
    }


def zip_of(path: Path, lines: list[bytes], files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("import.jsonl", b"".join(lines))
        for name, data in (files or {}).items():
            z.writestr(name, data)
    return path


def jsonl_of(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def raw_zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()
