"""Calling an HTTP app: the CallRequest Roost sends, its JWT, and the CallResponse.

Every call is a JSON POST to ``root_url + path`` through the safe outbound client,
signed (unless the manifest says ``use_jwt: false``) with an HS256 JWT in
``Mattermost-App-Authorization``, made with the app's own secret, valid 15 minutes and
naming the acting user. Only an HTTP 200 with a CallResponse is an answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import orjson

from roost.app.integrations.errors import app_call_failed
from roost.app.integrations.outbound import OutboundError, OutboundHttp
from roost.model.app import InstalledApp

JWT_HEADER = "Mattermost-App-Authorization"
JWT_SECONDS = 15 * 60
RESPONSE_TYPES = ("ok", "error", "form", "navigate")
EXPANDABLE = ("acting_user", "channel", "team", "post", "root_post", "user")
NONE_LEVELS = ("", "none")


def jwt_headers(app: InstalledApp, acting_user_id: str) -> dict[str, str]:
    if not app.use_jwt:
        return {}
    now = int(time.time())
    claims = {"iat": now, "exp": now + JWT_SECONDS, "acting_user_id": acting_user_id}
    return {JWT_HEADER: "Bearer " + jwt.encode(claims, app.secret, algorithm="HS256")}


def base_context(app: InstalledApp, site_url: Callable[[str], str]) -> dict[str, Any]:
    """What every call's context carries: who the app is, and how it calls back (its
    tenant's address)."""
    return {
        "app_id": app.app_id,
        "bot_user_id": app.bot_user_id,
        "bot_access_token": app.bot_token,
        "mattermost_site_url": site_url(app.tenant_id),
        "user_agent": "roost",
    }


def wanted(call: dict[str, Any]) -> set[str]:
    """The objects the call's ``expand`` asks for (any level but none)."""
    expand = call.get("expand") or {}
    return {k for k, v in expand.items() if k in EXPANDABLE and v not in NONE_LEVELS}


def request_body(call: dict[str, Any], context: dict[str, Any], **fields: Any) -> bytes:
    body: dict[str, Any] = {"path": call["path"], "context": context, "expand": call.get("expand")}
    if "state" in call:
        body["state"] = call["state"]
    body.update({k: v for k, v in fields.items() if v is not None})
    return orjson.dumps(body)


def call_url(app: InstalledApp, path: str) -> str:
    return app.root_url + path


async def send(
    http: OutboundHttp, app: InstalledApp, path: str, body: bytes, acting_user_id: str
) -> dict[str, Any]:
    """Make the call and return the app's CallResponse."""
    try:
        response = await http.request(
            "POST",
            call_url(app, path),
            body=body,
            content_type="application/json",
            headers=jwt_headers(app, acting_user_id),
        )
    except OutboundError as exc:
        raise exc.refusal or app_call_failed(app.app_id, str(exc)) from None
    if response.status != 200:
        raise app_call_failed(app.app_id, f"answered {response.status}")
    try:
        answer = orjson.loads(response.body) if response.body.strip() else {}
    except orjson.JSONDecodeError:
        raise app_call_failed(app.app_id, "the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise app_call_failed(app.app_id, "the answer is not a CallResponse")
    answer.setdefault("type", "ok")
    if answer["type"] not in RESPONSE_TYPES:
        raise app_call_failed(app.app_id, f"unknown response type {answer['type']!r}")
    return answer


def check_call_path(path: Any) -> bool:
    return isinstance(path, str) and path.startswith("/") and len(path) <= 512
