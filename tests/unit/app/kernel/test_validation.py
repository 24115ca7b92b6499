"""Shape rules for usernames, emails, URL names and text."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.app.kernel.validation import (
    EMAIL_MAX,
    USERNAME_MAX,
    has_control_chars,
    is_valid_email,
    is_valid_url_name,
    is_valid_username,
)


@pytest.mark.parametrize("name", ["alice", "a", "bob.smith", "c-3_po", "x" * USERNAME_MAX])
def test_valid_usernames(name: str) -> None:
    assert is_valid_username(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Alice",  # lower case only: usernames are compared as typed
        "1alice",
        "_alice",
        "al ice",
        "alice@example",
        "x" * (USERNAME_MAX + 1),
        "all",
        "channel",
        "here",
        "system",
        "matterbot",
    ],
)
def test_invalid_usernames(name: str) -> None:
    assert not is_valid_username(name)


def test_email_shape() -> None:
    assert is_valid_email("a@b")
    assert is_valid_email("first.last+tag@example.co.uk")
    local = "a" * (EMAIL_MAX - len("@example.com"))
    assert is_valid_email(f"{local}@example.com")
    assert not is_valid_email(f"a{local}@example.com")
    for bad in ("", "no-at", "@example.com", "a@", "a@@b", "a b@example.com", "a@b@c"):
        assert not is_valid_email(bad), bad


def test_url_names() -> None:
    assert is_valid_url_name("town-square")
    assert is_valid_url_name("a")
    assert is_valid_url_name("team_1")
    for bad in ("", "-lead", "trail-", "_x", "x_", "Upper", "sp ace", "dot.ted"):
        assert not is_valid_url_name(bad), bad
    assert not is_valid_url_name("ab", min_len=3)
    assert not is_valid_url_name("abcd", max_len=3)
    assert is_valid_url_name("abc", min_len=3, max_len=3)


def test_control_characters() -> None:
    assert not has_control_chars("line one\nline two\r\n\tindented")
    assert has_control_chars("bell\x07")
    assert has_control_chars("\x00")
    assert not has_control_chars("\x7f is DEL, above the C0 range")


@pytest.mark.parametrize("check", [is_valid_username, is_valid_email, is_valid_url_name])
def test_a_trailing_newline_is_refused(check: Callable[[str], bool]) -> None:
    assert not check("alice@example\n" if check is is_valid_email else "alice\n")
