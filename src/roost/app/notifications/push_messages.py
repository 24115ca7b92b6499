"""The push proxy's JSON (Mattermost's PushNotification), as pure functions.

``PushNotificationContents`` decides what leaves the server: ``full`` the message's
text, ``generic`` who wrote where, ``generic_no_channel`` who wrote, ``id_loaded`` ids
only (the app asks ``POST /notifications/ack`` for the rest, so the text never passes
through the proxy or the phone vendor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from roost.app.notifications.rules import (
    CHANNEL_WIDE,
    DIRECT_MESSAGE,
    EXPLICIT,
    ROOT_REPLY,
    THREAD_REPLY,
)
from roost.model.channel import DIRECT
from roost.model.notification import PUSH_CLEAR, PUSH_MESSAGE, PUSH_UPDATE_BADGE

FULL, GENERIC, GENERIC_NO_CHANNEL, ID_LOADED = "full", "generic", "generic_no_channel", "id_loaded"
ID_LOADED_MESSAGE = "You've received a new message."
# The push proxy refuses long payloads (APNs takes 4 KB); Mattermost cuts the text too.
MAX_MESSAGE_CHARS = 1024
_MENTION_TAG = re.compile(r"(?<![\w@])@(?=[A-Za-z0-9])")


@dataclass(slots=True, frozen=True)
class PostContext:
    post_id: str
    root_id: str
    channel_id: str
    channel_type: str
    channel_name: str  # display name ('@sender' for a direct channel)
    team_id: str
    sender_id: str
    sender_name: str
    message: str
    post_type: str = ""
    from_webhook: bool = False
    override_username: str = ""
    override_icon_url: str = ""


def split_device(device_id: str) -> tuple[str, str] | None:
    """Mattermost's device ids are ``platform:token``; anything else cannot be pushed to."""
    platform, sep, token = device_id.partition(":")
    if not sep or not platform or not token:
        return None
    return platform, token


def clear_mention_tags(text: str) -> str:
    """@name -> name, as Mattermost shows mentions in a push."""
    return _MENTION_TAG.sub("", text)


def generic_text(ctx: PostContext, reason: str) -> str:
    sender = ctx.sender_name
    if ctx.channel_type == DIRECT or reason == DIRECT_MESSAGE:
        return f"{sender} sent you a message."
    if reason == CHANNEL_WIDE:
        return f"{sender} notified the channel."
    if reason == EXPLICIT:
        return f"{sender} mentioned you."
    if reason == ROOT_REPLY:
        return f"{sender} commented on your post."
    if reason == THREAD_REPLY:
        return f"{sender} commented on a thread you participated in."
    return f"{sender} posted a message."


def message_push(ctx: PostContext, reason: str, contents: str, badge: int) -> dict[str, Any]:
    """The ``message`` push for one recipient (device fields are added per device)."""
    msg: dict[str, Any] = {
        "type": PUSH_MESSAGE,
        "version": "v2",
        "badge": badge,
        "post_id": ctx.post_id,
        "root_id": ctx.root_id,
        "channel_id": ctx.channel_id,
        "team_id": ctx.team_id,
        "category": "CAN_REPLY",
        "is_crt_enabled": False,
    }
    if contents == ID_LOADED:
        msg["is_id_loaded"] = True
        msg["message"] = ID_LOADED_MESSAGE
        return msg
    msg.update(
        {
            "sender_id": ctx.sender_id,
            "sender_name": ctx.sender_name,
            "channel_type": ctx.channel_type,
            "post_type": ctx.post_type,
        }
    )
    if ctx.from_webhook:
        msg["from_webhook"] = "true"
        if ctx.override_username:
            msg["override_username"] = ctx.override_username
        if ctx.override_icon_url:
            msg["override_icon_url"] = ctx.override_icon_url
    if contents != GENERIC_NO_CHANNEL:
        msg["channel_name"] = ctx.channel_name
    msg["message"] = full_text(ctx) if contents == FULL else generic_text(ctx, reason)
    return msg


def full_text(ctx: PostContext) -> str:
    text = clear_mention_tags(ctx.message)[:MAX_MESSAGE_CHARS]
    if ctx.channel_type == DIRECT:
        return text
    return f"{ctx.sender_name}: {text}"


def clear_push(channel_id: str, root_id: str, badge: int) -> dict[str, Any]:
    """Dismiss the channel's notifications on the device and set its badge."""
    return {
        "type": PUSH_CLEAR,
        "version": "v2",
        "channel_id": channel_id,
        "root_id": root_id,
        "badge": badge,
        "is_crt_enabled": False,
    }


def badge_push(badge: int) -> dict[str, Any]:
    return {"type": PUSH_UPDATE_BADGE, "version": "v2", "badge": badge}


def for_device(
    msg: dict[str, Any], device_id: str, server_id: str, ack_id: str
) -> dict[str, Any] | None:
    """The message as sent to one device; None when the device id is not pushable."""
    parts = split_device(device_id)
    if parts is None:
        return None
    platform, token = parts
    return {
        **msg,
        "platform": platform,
        "device_id": token,
        "server_id": server_id,
        "ack_id": ack_id,
    }
