"""Slack-style message text and attachments, as integrations send them.

Slack writes links as ``<url|label>`` and mentions as ``<!channel>``; Mattermost
turns these into Markdown (unless the integration asks it not to). Attachments are
checked for shape only: clients render them.
"""

from __future__ import annotations

import re
from typing import Any

from roost.app.kernel import errors
from roost.ids import new_id

MAX_ATTACHMENTS = 100
MAX_ACTIONS = 25
_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(channel|here|all)>")
_TEXT_FIELDS = ("pretext", "text", "title", "fallback")


def slack_to_markdown(text: str) -> str:
    text = _LINK.sub(lambda m: f"[{m.group(2)}]({m.group(1)})" if m.group(2) else m.group(1), text)
    return _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)


def check_attachments(value: Any) -> list[dict[str, Any]]:
    """Attachments as a list of objects, with their actions' shapes checked."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ATTACHMENTS:
        raise errors.invalid_body_param("attachments")
    for attachment in value:
        if not isinstance(attachment, dict):
            raise errors.invalid_body_param("attachments")
        actions = attachment.get("actions")
        if actions is None:
            continue
        if not isinstance(actions, list) or len(actions) > MAX_ACTIONS:
            raise errors.invalid_body_param("attachments.actions")
        if not all(isinstance(a, dict) for a in actions):
            raise errors.invalid_body_param("attachments.actions")
    return value


def parse_attachments(attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slack links to Markdown in the attachments' text fields and field values."""
    for attachment in attachments:
        for name in _TEXT_FIELDS:
            if isinstance(attachment.get(name), str):
                attachment[name] = slack_to_markdown(attachment[name])
        for item in attachment.get("fields") or ():
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                item["value"] = slack_to_markdown(item["value"])
    return attachments


def give_action_ids(attachments: list[Any]) -> bool:
    """Each action needs an id for ``/posts/{id}/actions/{action_id}``; returns whether
    any was missing (and is now set)."""
    changed = False
    for attachment in attachments:
        if not isinstance(attachment, dict):
            continue
        for action in attachment.get("actions") or ():
            if isinstance(action, dict) and not action.get("id"):
                action["id"] = new_id()
                changed = True
    return changed
