"""Sessions: the mobile app naming its device, and Mattermost's sessions API (list a
user's sessions, revoke one, all of a user's, or everyone's)."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.ids import is_valid_id

# (pattern, name) in the order they are tried: the first match names the platform,
# the OS and the browser a session was opened from (Mattermost keeps the same props).
_PLATFORMS = (
    (re.compile(r"Mattermost Mobile|okhttp|Darwin", re.I), "Mobile"),
    (re.compile(r"Electron|Mattermost", re.I), "Desktop App"),
    (re.compile(r"Mobile|Android|iPhone|iPad", re.I), "Mobile Browser"),
)
_SYSTEMS = (
    (re.compile(r"Android", re.I), "Android"),
    (re.compile(r"iPhone|iPad|iOS", re.I), "iOS"),
    (re.compile(r"Windows", re.I), "Windows"),
    (re.compile(r"Mac OS X|Macintosh", re.I), "Mac OS"),
    (re.compile(r"CrOS", re.I), "Chrome OS"),
    (re.compile(r"Linux", re.I), "Linux"),
)
_BROWSERS = (
    (re.compile(r"Edg/", re.I), "Edge"),
    (re.compile(r"Firefox/", re.I), "Firefox"),
    (re.compile(r"Chrom(e|ium)/", re.I), "Chrome"),
    (re.compile(r"Safari/", re.I), "Safari"),
    (re.compile(r"python-httpx|python-requests|curl|Go-http-client", re.I), "API client"),
)
MAX_USER_AGENT = 512


def _first(table: tuple[tuple[re.Pattern[str], str], ...], text: str, default: str) -> str:
    for pattern, name in table:
        if pattern.search(text):
            return name
    return default


def session_props(user_agent: str) -> dict[str, str]:
    """What a sessions list shows of where a session came from, read from its login's
    User-Agent (never the header itself, which can be long and identifying)."""
    text = user_agent[:MAX_USER_AGENT]
    return {
        "platform": _first(_PLATFORMS, text, "Web"),
        "os": _first(_SYSTEMS, text, "Unknown"),
        "browser": _first(_BROWSERS, text, "Unknown"),
    }


def _text(body: dict[str, Any], name: str) -> str:
    # The mobile app sends every value as a string; a boolean is taken as its spelling.
    value = body.get(name, "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        raise errors.invalid_param(name)
    return value


async def attach_device(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    await req.services.auth.do_attach_device(
        actor,
        _text(body, "device_id"),
        notification_disabled=_text(body, "device_notification_disabled"),
        mobile_version=_text(body, "mobile_version"),
    )
    return ok_response()


async def list_sessions(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.auth.list_sessions(actor, await req.user_id_param())
    return json_response([s.to_dict() for s in found])


async def revoke_session(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    body = await req.json_object()
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not is_valid_id(session_id):
        raise errors.invalid_param("session_id")
    await req.services.auth.do_revoke_session(actor, user_id, session_id)
    req.services.audit.record(actor, "revokeSession", f"user_id={user_id} session_id={session_id}")
    return ok_response()


async def revoke_user_sessions(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.auth.do_revoke_user_sessions(actor, user_id)
    req.services.audit.record(actor, "revokeAllSessionsForUser", f"user_id={user_id}")
    return ok_response()


async def revoke_all_sessions(req: Req) -> Response:
    actor = await req.actor()
    await req.services.auth.do_revoke_all_sessions(actor)
    req.services.audit.record(actor, "revokeAllSessionsAllUsers", "")
    return ok_response()


def routes() -> list[Route]:
    r = Route
    return [
        r("/users/sessions/device", endpoint(attach_device), methods=["PUT"]),
        r("/users/sessions/revoke/all", endpoint(revoke_all_sessions), methods=["POST"]),
        r("/users/{user_id}/sessions", endpoint(list_sessions), methods=["GET"]),
        r("/users/{user_id}/sessions/revoke", endpoint(revoke_session), methods=["POST"]),
        r("/users/{user_id}/sessions/revoke/all", endpoint(revoke_user_sessions), methods=["POST"]),
    ]
