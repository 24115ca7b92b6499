"""Slack markup to Markdown."""

from __future__ import annotations

import pytest

from roost.app.imports.slack_markup import to_markdown

USERS = {"U1": "ada", "U2": "grace"}
CHANNELS = {"C1": "general"}


@pytest.mark.parametrize(
    ("slack", "markdown"),
    [
        ("hi <@U1>", "hi @ada"),
        ("<@U9|someone> left", "@someone left"),
        ("see <#C1|general>", "see ~general"),
        ("see <#C1>", "see ~general"),
        ("<https://example.com|the site>", "[the site](https://example.com)"),
        ("<https://example.com>", "https://example.com"),
        ("<mailto:a@b.c|a@b.c>", "a@b.c"),
        ("<!here> and <!channel> and <!everyone>", "@here and @channel and @all"),
        ("*bold* _italic_ ~gone~", "**bold** *italic* ~~gone~~"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("`*not bold*` *bold*", "`*not bold*` **bold**"),
        ("```\n<@U1> *x*\n```", "```\n<@U1> *x*\n```"),
    ],
)
def test_markup(slack: str, markdown: str) -> None:
    assert to_markdown(slack, USERS, CHANNELS) == markdown
