"""JSON columns: written as text, read back leniently."""

from __future__ import annotations

from typing import Any

import pytest

from roost.store.db.codec import dump, load_dict, load_list


def test_dump_is_compact_json_text() -> None:
    assert dump({"a": [1, "é"], "b": None}) == '{"a":[1,"é"],"b":null}'
    assert isinstance(dump([]), str)


def test_round_trip() -> None:
    props: dict[str, Any] = {"attachments": [{"text": "hi"}], "n": 1.5, "flag": True}
    assert load_dict(dump(props)) == props
    assert load_list(dump([1, {"x": 2}])) == [1, {"x": 2}]


@pytest.mark.parametrize("text", [None, "", "[]", "3", '"text"', "null"])
def test_load_dict_gives_an_empty_dict_for_missing_or_other_json(text: str | None) -> None:
    assert load_dict(text) == {}


@pytest.mark.parametrize("text", [None, "", "{}", "3", '"text"', "null"])
def test_load_list_gives_an_empty_list_for_missing_or_other_json(text: str | None) -> None:
    assert load_list(text) == []


def test_invalid_json_is_an_error_not_an_empty_value() -> None:
    # A corrupt column is not silently read as empty.
    with pytest.raises(ValueError):
        load_dict("{not json")
    with pytest.raises(ValueError):
        load_list("[1,")


def test_dump_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError):
        dump({1, 2})
