"""Checking one line of Mattermost's bulk-import JSONL (pure: no database).

Each line is ``{"type": T, T: {...}}`` (``version`` carries its number directly). The
rules are Mattermost's (server/channels/app/imports/import_validators.go): required
fields, lengths, allowed values; a line that breaks one is reported with its reason and
the run writes nothing. Usernames and emails are compared without case, so two lines
naming "Alice" and "alice" are a conflict rather than two people."""

from __future__ import annotations

from typing import Any

from roost.app.kernel.validation import is_valid_email, is_valid_url_name

KINDS = frozenset(
    {
        "version",
        "info",
        "role",
        "scheme",
        "team",
        "channel",
        "user",
        "bot",
        "post",
        "direct_channel",
        "direct_post",
        "emoji",
    }
)
# Lines Roost reads and checks but does not apply (it has no custom schemes or roles).
NOT_APPLIED = frozenset({"info", "role", "scheme"})
MESSAGE_MAX = 16383
HEADER_MAX = 1024
PURPOSE_MAX = 250
TEAM_DESCRIPTION_MAX = 255
DISPLAY_NAME_MAX = 64
GROUP_MIN, GROUP_MAX = 2, 8
PASSWORD_MAX = 72
USERNAME_MAX = 64
SYSTEM_ROLES = frozenset({"system_user", "system_admin", "system_guest"})
TEAM_ROLES = frozenset({"team_user", "team_admin", "team_guest"})
CHANNEL_ROLES = frozenset({"channel_user", "channel_admin", "channel_guest"})
# Every team has these, and everyone in the team is in them.
DEFAULT_CHANNELS = (("town-square", "Town Square"), ("off-topic", "Off-Topic"))
_USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-_")

Json = dict[str, Any]


class LineError(ValueError):
    """The reason a line cannot be imported."""


def _str(body: Json, key: str, *, required: bool = False, max_len: int = 0) -> str:
    value = body.get(key)
    if value is None:
        if required:
            raise LineError(f"{key} is missing")
        return ""
    if not isinstance(value, str):
        raise LineError(f"{key} must be a string")
    if required and not value.strip():
        raise LineError(f"{key} is empty")
    if max_len and len(value) > max_len:
        raise LineError(f"{key} is longer than {max_len} characters")
    if "\x00" in value:
        raise LineError(f"{key} contains a NUL character")
    return value


def _int(body: Json, key: str, *, required: bool = False) -> int:
    value = body.get(key)
    if value is None:
        if required:
            raise LineError(f"{key} is missing")
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LineError(f"{key} must be a non-negative whole number")
    return value


def _bool(body: Json, key: str) -> bool:
    value = body.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise LineError(f"{key} must be true or false")
    return value


def _list(body: Json, key: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise LineError(f"{key} must be a list")
    return value


def _obj(body: Json, key: str) -> Json:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LineError(f"{key} must be an object")
    return value


def _roles(value: str, allowed: frozenset[str], what: str) -> str:
    names = value.split()
    bad = [n for n in names if n not in allowed]
    if bad:
        raise LineError(f"{what} roles: unknown role {bad[0]!r}")
    return " ".join(names)


def username_of(value: Any, field: str = "user") -> str:
    """A username as Roost stores it (lower case), or the reason it is not one."""
    if not isinstance(value, str) or not value:
        raise LineError(f"{field} is missing")
    name = value.strip().lower()
    if len(name) > USERNAME_MAX or not name[:1].isalpha() or set(name) - _USERNAME_CHARS:
        raise LineError(f"{field} {value!r} is not a valid username")
    return name


def parse(obj: Any) -> tuple[str, Json]:
    """The line's type and its checked body (defaults filled, names normalised)."""
    if not isinstance(obj, dict):
        raise LineError("a line must be a JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str) or not kind:
        raise LineError("the line has no type")
    if kind not in KINDS:
        raise LineError(f"unknown line type {kind!r}")
    if kind == "version":
        version = obj.get("version")
        if version != 1:
            raise LineError(f"unsupported version {version!r} (Roost reads version 1)")
        return kind, {"version": 1}
    body = obj.get(kind)
    if not isinstance(body, dict):
        raise LineError(f"a {kind} line must carry a {kind!r} object")
    return kind, _CHECKS[kind](body)


def _as_is(body: Json) -> Json:
    return body


def team(body: Json) -> Json:
    name = _str(body, "name", required=True)
    if not is_valid_url_name(name, 2, 64):
        raise LineError(f"team name {name!r} is not valid")
    kind = _str(body, "type") or "O"
    if kind not in ("O", "I"):
        raise LineError("team type must be O or I")
    return {
        "name": name,
        "display_name": _str(body, "display_name", required=True, max_len=DISPLAY_NAME_MAX),
        "type": kind,
        "description": _str(body, "description", max_len=TEAM_DESCRIPTION_MAX),
        "allow_open_invite": _bool(body, "allow_open_invite"),
    }


def channel(body: Json) -> Json:
    name = _str(body, "name", required=True)
    if not is_valid_url_name(name, 1, 64):
        raise LineError(f"channel name {name!r} is not valid")
    kind = _str(body, "type") or "O"
    if kind not in ("O", "P"):
        raise LineError("channel type must be O or P")
    return {
        "team": _str(body, "team", required=True),
        "name": name,
        "display_name": _str(body, "display_name", required=True, max_len=DISPLAY_NAME_MAX),
        "type": kind,
        "header": _str(body, "header", max_len=HEADER_MAX),
        "purpose": _str(body, "purpose", max_len=PURPOSE_MAX),
        "deleted_at": _int(body, "deleted_at"),
    }


_PREFERENCES = {
    # user line field: (category, name); name "" is the user's id where Mattermost says so.
    "theme": ("theme", ""),
    "military_time": ("display_settings", "use_military_time"),
    "link_previews": ("display_settings", "link_previews"),
    "message_display": ("display_settings", "message_display"),
    "collapse_consecutive_messages": ("display_settings", "collapse_consecutive_messages"),
    "colorize_usernames": ("display_settings", "colorize_usernames"),
    "channel_display_mode": ("display_settings", "channel_display_mode"),
    "name_format": ("display_settings", "name_format"),
    "feature_enabled_markdown_preview": ("advanced_settings", "feature_enabled_markdown_preview"),
    "formatting": ("advanced_settings", "formatting"),
    "send_on_ctrl_enter": ("advanced_settings", "send_on_ctrl_enter"),
    "code_block_ctrl_enter": ("advanced_settings", "code_block_ctrl_enter"),
    "show_join_leave": ("advanced_settings", "join_leave"),
    "show_unread_section": ("sidebar_settings", "show_unread_section"),
    "limit_visible_dms_gms": ("sidebar_settings", "limit_visible_dms_gms"),
    "email_interval": ("notifications", "email_interval"),
    "tutorial_step": ("tutorial_step", "<user>"),
}
_NOTIFY = {
    "desktop": "desktop",
    "desktop_sound": "desktop_sound",
    "email": "email",
    "mobile": "push",
    "mobile_push_status": "push_status",
    "channel": "channel",
    "comments": "comments",
    "mention_keys": "mention_keys",
}
_CHANNEL_NOTIFY = ("desktop", "mobile", "mark_unread", "email", "ignore_channel_mentions")


def user(body: Json) -> Json:
    username = username_of(body.get("username"), "username")
    email = _str(body, "email", required=True, max_len=128)
    if not is_valid_email(email):
        raise LineError(f"email {email!r} is not valid")
    password = _str(body, "password", max_len=PASSWORD_MAX if body.get("password") else 0)
    auth_service = _str(body, "auth_service", max_len=32)
    roles = _roles(_str(body, "roles") or "system_user", SYSTEM_ROLES, "system")
    prefs = []
    for field, (category, name) in _PREFERENCES.items():
        value = _str(body, field)
        if value:
            prefs.append((category, name, value))
    notify = {}
    for field, prop in _NOTIFY.items():
        value = _str(_obj(body, "notify_props"), field)
        if value:
            notify[prop] = value
    teams = []
    for t in _list(body, "teams"):
        if not isinstance(t, dict):
            raise LineError("each of teams must be an object")
        channels = []
        for c in _list(t, "channels"):
            if not isinstance(c, dict):
                raise LineError("each of a team's channels must be an object")
            cn = _obj(c, "notify_props")
            channels.append(
                {
                    "name": _str(c, "name", required=True),
                    "admin": "channel_admin"
                    in _roles(_str(c, "roles") or "channel_user", CHANNEL_ROLES, "channel").split(),
                    "favorite": _bool(c, "favorite"),
                    "notify_props": {k: _str(cn, k) for k in _CHANNEL_NOTIFY if _str(cn, k)},
                    "last_viewed_at": _int(c, "last_viewed_at"),
                    "msg_count": _int(c, "msg_count"),
                    "msg_count_root": _int(c, "msg_count_root"),
                    "mention_count": _int(c, "mention_count"),
                }
            )
        teams.append(
            {
                "name": _str(t, "name", required=True),
                "admin": "team_admin"
                in _roles(_str(t, "roles") or "team_user", TEAM_ROLES, "team").split(),
                "theme": _str(t, "theme"),
                "channels": channels,
            }
        )
    return {
        "username": username,
        "email": email,
        "auth_service": auth_service,
        "auth_data": _str(body, "auth_data", max_len=128),
        "password": password,
        "nickname": _str(body, "nickname", max_len=64),
        "first_name": _str(body, "first_name", max_len=64),
        "last_name": _str(body, "last_name", max_len=64),
        "position": _str(body, "position", max_len=128),
        "roles": roles,
        "locale": _str(body, "locale", max_len=8) or "en",
        "delete_at": _int(body, "delete_at"),
        "preferences": prefs,
        "notify_props": notify,
        "teams": teams,
        "profile_image": _str(body, "profile_image"),
    }


def bot(body: Json) -> Json:
    return {
        "username": username_of(body.get("username"), "username"),
        "owner": username_of(body.get("owner"), "owner"),
        "display_name": _str(body, "display_name", max_len=DISPLAY_NAME_MAX),
        "description": _str(body, "description", max_len=1024),
        "delete_at": _int(body, "delete_at"),
    }


def _reactions(body: Json) -> list[Json]:
    out = []
    for r in _list(body, "reactions"):
        if not isinstance(r, dict):
            raise LineError("each reaction must be an object")
        out.append(
            {
                "user": username_of(r.get("user")),
                "emoji_name": _str(r, "emoji_name", required=True, max_len=64),
                "create_at": _int(r, "create_at", required=True),
            }
        )
    return out


def _attachments(body: Json) -> list[str]:
    out = []
    for a in _list(body, "attachments"):
        if not isinstance(a, dict):
            raise LineError("each attachment must be an object")
        out.append(_str(a, "path", required=True))
    return out


def _flagged(body: Json) -> list[str]:
    return [username_of(u, "flagged_by") for u in _list(body, "flagged_by")]


def _message(body: Json, *, reply: bool) -> Json:
    post: Json = {
        "user": username_of(body.get("user")),
        "type": _str(body, "type", max_len=64),
        "message": _str(body, "message", max_len=MESSAGE_MAX),
        "props": _obj(body, "props"),
        "create_at": _int(body, "create_at", required=True),
        "edit_at": _int(body, "edit_at"),
        "is_pinned": _bool(body, "is_pinned"),
        "flagged_by": _flagged(body),
        "reactions": _reactions(body),
        "attachments": _attachments(body),
    }
    if post["create_at"] == 0:
        raise LineError("create_at must be set")
    if post["type"] and not post["type"].startswith(("system_", "custom_", "slack_")):
        raise LineError(f"post type {post['type']!r} is not one Roost imports")
    if not reply:
        replies = []
        for r in _list(body, "replies"):
            if not isinstance(r, dict):
                raise LineError("each reply must be an object")
            replies.append(_message(r, reply=True))
        post["replies"] = replies
    return post


def post(body: Json) -> Json:
    return {
        "team": _str(body, "team", required=True),
        "channel": _str(body, "channel", required=True),
        **_message(body, reply=False),
    }


def _members(body: Json, key: str) -> list[str]:
    raw = body.get(key)
    if raw is None and key == "members":
        raw = [p.get("username") for p in _list(body, "participants") if isinstance(p, dict)]
    if not isinstance(raw, list):
        raise LineError(f"{key} is missing")
    names = [username_of(m, key) for m in raw]
    if not GROUP_MIN <= len(names) <= GROUP_MAX:
        raise LineError(f"{key} must name {GROUP_MIN} to {GROUP_MAX} users")
    return sorted(set(names))


def direct_channel(body: Json) -> Json:
    return {
        "members": _members(body, "members"),
        "favorited_by": [username_of(u, "favorited_by") for u in _list(body, "favorited_by")],
        "header": _str(body, "header", max_len=HEADER_MAX),
    }


def direct_post(body: Json) -> Json:
    members = _members(body, "channel_members")
    out = {"channel_members": members, **_message(body, reply=False)}
    if out["user"] not in members:
        raise LineError(f"user {out['user']!r} is not one of the channel's members")
    return out


def emoji(body: Json) -> Json:
    name = _str(body, "name", required=True, max_len=64)
    if set(name) - set("abcdefghijklmnopqrstuvwxyz0123456789-_+"):
        raise LineError(f"emoji name {name!r} is not valid")
    return {"name": name, "image": _str(body, "image", required=True)}


_CHECKS = {
    "info": _as_is,
    "role": _as_is,
    "scheme": _as_is,
    "team": team,
    "channel": channel,
    "user": user,
    "bot": bot,
    "post": post,
    "direct_channel": direct_channel,
    "direct_post": direct_post,
    "emoji": emoji,
}
