"""JSON columns are text on both databases; these read and write them."""

from __future__ import annotations

from typing import Any

import orjson


def dump(value: Any) -> str:
    return orjson.dumps(value).decode()


def load_dict(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    value = orjson.loads(text)
    return value if isinstance(value, dict) else {}


def load_list(text: str | None) -> list[Any]:
    if not text:
        return []
    value = orjson.loads(text)
    return value if isinstance(value, list) else []
