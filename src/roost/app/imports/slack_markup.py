"""Slack's message markup to Markdown (pure).

Slack writes mentions and links in angle brackets (``<@U123>``, ``<#C123|general>``,
``<https://x|text>``, ``<!here>``), escapes ``& < >`` as entities, and marks *bold*,
_italic_ and ~strike~ with single characters. Code spans and blocks are left as they
are."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)
_ANGLE = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@all"}


def to_markdown(text: str, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """``users``: Slack user id -> username; ``channels``: Slack channel id -> name."""
    parts = _CODE.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a code span or block: only the entities are Slack's
            out.append(html.unescape(part))
        else:
            out.append(_prose(part, users, channels))
    return "".join(out)


def _prose(text: str, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    def angle(m: re.Match[str]) -> str:
        inner = m.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            name = users.get(target[1:])
            return f"@{name}" if name else f"@{label or target[1:]}"
        if target.startswith("#"):
            name = channels.get(target[1:]) or label
            return f"~{name}" if name else inner
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            if word in _SPECIAL:
                return _SPECIAL[word]
            return label or f"@{word}"
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        if label:
            return f"[{label}]({target})"
        return target

    # Emphasis first (on Slack's own characters), links after, entities last.
    text = _BOLD.sub(lambda m: f"\x01{m.group(1)}\x01", text)
    text = _ITALIC.sub(lambda m: f"*{m.group(1)}*", text)
    text = _STRIKE.sub(lambda m: f"~~{m.group(1)}~~", text)
    text = text.replace("\x01", "**")
    text = _ANGLE.sub(angle, text)
    return html.unescape(text)
