"""A Slack workspace export as Slack documents it: users.json, channels.json,
groups.json, dms.json, mpims.json and a folder of daily JSON files per conversation
(files, where an export carries them, under __uploads/<file id>/<name>)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import orjson

TS = 1_700_000_000  # seconds, as Slack's ts


def ts(offset: int) -> str:
    return f"{TS + offset}.000100"


def _user(uid: str, name: str, **extra: Any) -> dict[str, Any]:
    profile = {
        "email": f"{name}@slack.example.com",
        "first_name": name.title(),
        "last_name": "Slacker",
        "display_name": f"{name}-nick",
        "title": "member",
    }
    profile.update(extra.pop("profile", {}))
    return {"id": uid, "name": name, "deleted": False, "is_bot": False, "profile": profile, **extra}


def export() -> dict[str, Any]:
    users = [
        _user("U1", "alice", is_admin=True, is_owner=True),
        _user("U2", "bob"),
        _user("U3", "carol"),
        _user("U4", "dave"),
        _user("U5", "gone", deleted=True),
        _user("UB", "deploybot", is_bot=True, profile={"bot_id": "B1", "real_name": "Deploy Bot"}),
    ]
    channels = [
        {
            "id": "C1",
            "name": "general",
            "created": TS - 1000,
            "creator": "U1",
            "is_archived": False,
            "is_general": True,
            "members": ["U1", "U2", "U3", "U4"],
            "topic": {"value": "company-wide"},
            "purpose": {"value": "everything"},
        },
        {
            "id": "C2",
            "name": "old_stuff",
            "created": TS - 900,
            "creator": "U1",
            "is_archived": True,
            "members": ["U1"],
            "topic": {"value": ""},
            "purpose": {"value": ""},
        },
    ]
    groups = [
        {
            "id": "G1",
            "name": "leads",
            "created": TS - 800,
            "creator": "U1",
            "is_archived": False,
            "members": ["U1", "U2"],
            "topic": {"value": "leads only"},
            "purpose": {"value": ""},
        }
    ]
    dms = [{"id": "D1", "created": TS - 700, "members": ["U1", "U2"]}]
    mpims = [
        {
            "id": "G2",
            "name": "mpdm-alice--bob--carol-1",
            "created": TS - 600,
            "creator": "U1",
            "is_archived": False,
            "members": ["U1", "U2", "U3"],
        }
    ]
    general_day1 = [
        {
            "type": "message",
            "subtype": "channel_join",
            "user": "U2",
            "text": "<@U2> has joined",
            "ts": ts(0),
        },
        {
            "type": "message",
            "user": "U1",
            "text": "Welcome <@U2>! Read <#C1|general> and *this* &amp; <https://example.com|that>",
            "ts": ts(1),
            "thread_ts": ts(1),
            "reply_count": 2,
            "reactions": [{"name": "wave", "users": ["U2", "U3"], "count": 2}],
        },
        {"type": "message", "user": "U2", "text": "thanks _all_", "ts": ts(2), "thread_ts": ts(1)},
        {
            "type": "message",
            "user": "U3",
            "text": "~late~ here",
            "ts": ts(3),
            "thread_ts": ts(1),
            "edited": {"user": "U3", "ts": ts(4)},
        },
    ]
    general_day2 = [
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B1",
            "username": "deploybot",
            "text": "deployed v2",
            "ts": ts(86400),
        },
        {
            "type": "message",
            "user": "U4",
            "text": "the report",
            "ts": ts(86401),
            "files": [{"id": "F1", "name": "report.txt", "mimetype": "text/plain"}],
        },
        {"type": "message", "user": "U404", "text": "from nobody we know", "ts": ts(86402)},
    ]
    return {
        "users.json": users,
        "channels.json": channels,
        "groups.json": groups,
        "dms.json": dms,
        "mpims.json": mpims,
        "general/2023-11-14.json": general_day1,
        "general/2023-11-15.json": general_day2,
        "old_stuff/2023-11-14.json": [
            {"type": "message", "user": "U1", "text": "old", "ts": ts(5)}
        ],
        "leads/2023-11-14.json": [
            {"type": "message", "user": "U2", "text": "private plans", "ts": ts(6)}
        ],
        "D1/2023-11-14.json": [{"type": "message", "user": "U2", "text": "hi <@U1>", "ts": ts(7)}],
        "mpdm-alice--bob--carol-1/2023-11-14.json": [
            {"type": "message", "user": "U3", "text": "three of us", "ts": ts(8)}
        ],
    }


REPORT = b"quarterly numbers\n"


def slack_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in export().items():
            z.writestr(name, orjson.dumps(data))
        z.writestr("__uploads/F1/report.txt", REPORT)
    return path
