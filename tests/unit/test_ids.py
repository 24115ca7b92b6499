"""Mattermost-style ids."""

from __future__ import annotations

import pytest

from roost.ids import is_valid_id, new_id


def test_new_ids_are_valid_and_distinct() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 26 and is_valid_id(i) for i in ids)


def test_ids_use_the_z_base_32_alphabet() -> None:
    used = set("".join(new_id() for _ in range(200)))
    assert used <= set("ybndrfg8ejkmcpqxot1uwisza345h769")


@pytest.mark.parametrize(
    "value",
    ["", "a" * 25, "a" * 27, "A" * 26, "a" * 25 + "-", "a" * 25 + "\n", " " + "a" * 25],
)
def test_invalid_ids(value: str) -> None:
    assert not is_valid_id(value)


def test_a_trailing_newline_is_not_part_of_a_valid_id() -> None:
    assert not is_valid_id("a" * 26 + "\n")
