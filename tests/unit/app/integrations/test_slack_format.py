"""Slack-style text and attachments from integrations."""

from __future__ import annotations

from typing import Any

import pytest

from roost.app.integrations.slack_format import (
    MAX_ACTIONS,
    MAX_ATTACHMENTS,
    check_attachments,
    give_action_ids,
    parse_attachments,
    slack_to_markdown,
)
from roost.app.kernel.errors import AppError
from roost.ids import is_valid_id


@pytest.mark.parametrize(
    ("slack", "markdown"),
    [
        ("see <https://example.com|the docs>", "see [the docs](https://example.com)"),
        ("<https://example.com>", "https://example.com"),
        ("<mailto:a@example.com|mail me>", "[mail me](mailto:a@example.com)"),
        ("<!channel> <!here> <!all>", "@channel @here @all"),
        # Not links: other schemes, user references and plain angle brackets stay.
        ("<ftp://example.com|x> <@U123> <b>", "<ftp://example.com|x> <@U123> <b>"),
        ("<!everyone>", "<!everyone>"),
        ("", ""),
    ],
)
def test_slack_to_markdown(slack: str, markdown: str) -> None:
    assert slack_to_markdown(slack) == markdown


def test_an_empty_label_gives_the_bare_url() -> None:
    assert slack_to_markdown("<https://example.com|>") == "https://example.com"


def test_check_attachments_accepts_none_and_lists_of_objects() -> None:
    assert check_attachments(None) == []
    attachments = [{"text": "a"}, {"actions": [{"name": "ok"}]}, {"actions": None}]
    assert check_attachments(attachments) is attachments


@pytest.mark.parametrize(
    ("value", "param"),
    [
        ({"text": "not a list"}, "attachments"),
        (["text"], "attachments"),
        ([{}] * (MAX_ATTACHMENTS + 1), "attachments"),
        ([{"actions": {"name": "x"}}], "attachments.actions"),
        ([{"actions": ["x"]}], "attachments.actions"),
        ([{"actions": [{}] * (MAX_ACTIONS + 1)}], "attachments.actions"),
    ],
)
def test_check_attachments_refuses_bad_shapes(value: Any, param: str) -> None:
    with pytest.raises(AppError) as raised:
        check_attachments(value)
    assert raised.value.status == 400
    assert raised.value.error_id == "api.context.invalid_body_param.app_error"
    assert param in raised.value.message


def test_parse_attachments_converts_text_fields_and_field_values_only() -> None:
    attachments: list[dict[str, Any]] = [
        {
            "pretext": "<!here>",
            "text": "<https://a.example|A>",
            "title": "<https://t.example>",
            "fallback": "<!channel>",
            "author_name": "<!here>",  # not a text field: left alone
            "fields": [
                {"title": "<!here>", "value": "<https://v.example|V>"},
                {"value": 5},
                "not an object",
            ],
        },
        {"text": None, "fields": None},
    ]
    parsed = parse_attachments(attachments)
    assert parsed[0]["pretext"] == "@here"
    assert parsed[0]["text"] == "[A](https://a.example)"
    assert parsed[0]["title"] == "https://t.example"
    assert parsed[0]["fallback"] == "@channel"
    assert parsed[0]["author_name"] == "<!here>"
    assert parsed[0]["fields"][0] == {"title": "<!here>", "value": "[V](https://v.example)"}
    assert parsed[0]["fields"][1] == {"value": 5}
    assert parsed[1] == {"text": None, "fields": None}


def test_give_action_ids_fills_only_missing_ids() -> None:
    attachments: list[Any] = [
        {"actions": [{"id": "keep"}, {"name": "no id"}, {"id": ""}, "not an object"]},
        {"actions": None},
        "not an object",
    ]
    assert give_action_ids(attachments) is True
    actions = attachments[0]["actions"]
    assert actions[0]["id"] == "keep"
    assert is_valid_id(actions[1]["id"]) and is_valid_id(actions[2]["id"])
    assert actions[1]["id"] != actions[2]["id"]
    # A second pass has nothing to do.
    assert give_action_ids(attachments) is False
