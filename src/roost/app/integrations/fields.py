"""Integration settings read from request bodies (hooks and commands), each checked."""

from __future__ import annotations

from typing import Any

from roost.app.integrations.outbound_policy import is_valid_url
from roost.app.kernel import errors


def text_field(body: dict[str, Any], name: str, max_len: int, default: str = "") -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str) or len(value) > max_len:
        raise errors.invalid_body_param(name)
    return value


def bool_field(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise errors.invalid_body_param(name)
    return value


def url_field(body: dict[str, Any], name: str, required: bool = True) -> str:
    value = body.get(name, "")
    if (value or required) and (not isinstance(value, str) or not is_valid_url(value)):
        raise errors.invalid_body_param(name, "an http or https URL")
    return str(value or "")


def str_list_field(body: dict[str, Any], name: str, max_items: int, max_len: int) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or len(value) > max_items:
        raise errors.invalid_body_param(name)
    if not all(isinstance(v, str) and 0 < len(v.strip()) <= max_len for v in value):
        raise errors.invalid_body_param(name)
    return [v.strip() for v in value]
