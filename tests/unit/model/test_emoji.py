"""Emoji names: Mattermost's rule, and the system emoji list shipped as a data file."""

from __future__ import annotations

import pytest

from roost.model.emoji import Emoji, is_system_emoji, is_valid_emoji_name, system_emoji_names


@pytest.mark.parametrize("name", ["a", "a-b_c+d", "x" * 64, "+1", "ABC123"])
def test_valid_names(name: str) -> None:
    assert is_valid_emoji_name(name)


@pytest.mark.parametrize("name", ["", "x" * 65, "has space", "smile!", "ü", "a\n", ":smile:"])
def test_invalid_names(name: str) -> None:
    assert not is_valid_emoji_name(name)


def test_the_system_list() -> None:
    names = system_emoji_names()
    assert len(names) > 1800  # emoji-datasource 16.0.0 has 1972 short names
    for name in ("+1", "-1", "thumbsup", "smile", "speech_balloon", "calendar", "100"):
        assert is_system_emoji(name), name
    assert not is_system_emoji("roost_custom")
    assert all(is_valid_emoji_name(n) for n in names)
    assert not any(n.startswith("#") for n in names)  # the file's header is not a name


def test_shape() -> None:
    e = Emoji(id="i", creator_id="u", name="n", create_at=1, update_at=2)
    assert e.to_dict() == {
        "id": "i",
        "create_at": 1,
        "update_at": 2,
        "delete_at": 0,
        "creator_id": "u",
        "name": "n",
        "description": "",
    }
