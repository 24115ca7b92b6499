"""Parsers of the settings' compound values (listen addresses, named database URLs),
apart from ``roost.config`` to keep that module short."""

from __future__ import annotations

import re


def parse_listen(value: str) -> tuple[str, int] | None:
    """``host:port`` (``[v6]:port``) -> (host, port); ``off`` or empty -> None."""
    value = value.strip()
    if value in ("", "off"):
        return None
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port)


_SHARD_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")


def named_urls(value: str) -> dict[str, str]:
    """'a=url,b=url' -> {a: url, b: url}; names are short lowercase words."""
    named: dict[str, str] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        name, sep, url = part.strip().partition("=")
        if not sep or not _SHARD_NAME.match(name) or not url:
            raise ValueError(f"expected name=url in database shards, got {part.strip()!r}")
        named[name] = url
    return named
