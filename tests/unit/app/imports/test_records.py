"""Checking Mattermost bulk-import lines (Mattermost's rules)."""

from __future__ import annotations

from typing import Any

import pytest

from roost.app.imports.keys import post_id, stable_id
from roost.app.imports.records import MESSAGE_MAX, LineError, parse
from roost.app.imports.structure import is_bcrypt


def _post(**fields: Any) -> dict[str, Any]:
    body = {"team": "t", "channel": "c", "user": "Ada", "message": "hi", "create_at": 1}
    body.update(fields)
    return {"type": "post", "post": body}


def test_a_post_is_normalised() -> None:
    kind, body = parse(_post(replies=[{"user": "bob", "message": "yo", "create_at": 2}]))
    assert kind == "post"
    assert body["user"] == "ada"  # usernames compare without case
    assert body["replies"][0]["user"] == "bob" and body["replies"][0]["reactions"] == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ([], "must be a JSON object"),
        ({"type": "version", "version": 2}, "unsupported version"),
        ({"type": "nonsense"}, "unknown line type"),
        ({"type": "team"}, "must carry a 'team' object"),
        (_post(create_at=0), "create_at must be set"),
        (_post(create_at="soon"), "non-negative whole number"),
        (_post(message="x" * (MESSAGE_MAX + 1)), "longer than"),
        (_post(user="9lives"), "not a valid username"),
        (_post(type="weird"), "not one Roost imports"),
        ({"type": "user", "user": {"username": "a", "email": "nope"}}, "not valid"),
        (
            {"type": "user", "user": {"username": "a", "email": "a@b.c", "roles": "god"}},
            "unknown role",
        ),
        ({"type": "direct_channel", "direct_channel": {"members": ["a"]}}, "2 to 8 users"),
        (
            {
                "type": "direct_post",
                "direct_post": {
                    "channel_members": ["a", "b"],
                    "user": "c",
                    "message": "x",
                    "create_at": 1,
                },
            },
            "not one of the channel's members",
        ),
        (
            {"type": "channel", "channel": {"team": "t", "name": "Bad Name", "display_name": "B"}},
            "not valid",
        ),
    ],
)
def test_bad_lines(line: Any, reason: str) -> None:
    with pytest.raises(LineError, match=reason):
        parse(line)


def test_ids_come_from_natural_keys() -> None:
    assert stable_id("a", 1) == stable_id("a", 1) != stable_id("a", 2)
    assert len(stable_id("x")) == 26
    assert post_id("t", "c", "", "u", 1, "m") != post_id("t", "c", "", "u", 1, "m2")


def test_bcrypt_hashes_are_recognised() -> None:
    assert is_bcrypt("$2a$10$" + "a" * 53)
    assert not is_bcrypt("plain-password")
