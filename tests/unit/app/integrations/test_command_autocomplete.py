"""The autocomplete walk on its own (pure: the fetch is a function here), against the
cases Mattermost's own walk settles: quoted text, the longest list item typed, named
arguments, optional ones walked both ways, role-bound sub-commands, icons; and the
rules a registered tree must keep."""

from __future__ import annotations

import pytest

from roost.app.integrations.commands.autocomplete import suggest
from roost.model.autocomplete import (
    AutocompleteArg,
    AutocompleteData,
    AutocompleteListItem,
    InvalidAutocomplete,
    check,
    with_plugin_urls,
)

Item = AutocompleteListItem


def tree() -> AutocompleteData:
    root = AutocompleteData("jira", "[command]", "Jira")
    create = root.add_command(AutocompleteData("create", "[text]", "Create"))
    create.add_text_argument("Summary", "[summary]")
    create.add_static_list_argument("Kind", [Item("bug"), Item("bug report"), Item("task")])
    assign = root.add_command(AutocompleteData("assign", "", "Assign"))
    assign.add_dynamic_list_argument("Issue", "issues")
    assign.add_text_argument("Note", "[note]", name="note", required=False)
    root.add_command(AutocompleteData("install", "", "Install", role_id="system_admin"))
    return root


async def fetch(url: str, parsed: str, user_input: str) -> list[AutocompleteListItem]:
    assert url == "issues"
    return [Item("KEY-1", "(open)", parsed), Item("KEY-2")]


async def completes(typed: str, role: str = "system_user") -> list[str]:
    return [s.complete for s in await suggest([(tree(), "icon")], typed, role, fetch)]


async def test_triggers_and_sub_commands_by_role() -> None:
    found = await suggest([(tree(), "icon")], "J", "system_user", fetch)
    assert [(s.complete, s.suggestion, s.hint, s.icon_data) for s in found] == [
        ("jira", "jira", "[command]", "icon")
    ]
    assert await completes("jira ") == ["jira create", "jira assign"]
    assert await completes("jira ", "system_admin") == [
        "jira create",
        "jira assign",
        "jira install",
    ]
    assert await completes("jira nothing ") == []


async def test_quoted_text_then_the_longest_item_typed() -> None:
    hint = await suggest([(tree(), "")], 'jira create "two words', "system_user", fetch)
    assert [(s.complete, s.suggestion, s.hint) for s in hint] == [
        ('jira create "two words', "", "[summary]")
    ]
    assert await completes('jira create "two words" b') == [
        'jira create "two words" bug',
        'jira create "two words" bug report',
    ]
    # "bug report " is taken whole, not "bug": nothing follows the last argument.
    assert await completes("jira create x bug report ") == []


async def test_fetched_items_then_the_optional_named_argument() -> None:
    found = await suggest([(tree(), "")], "jira assign k", "system_user", fetch)
    assert [(s.complete, s.hint, s.description) for s in found] == [
        ("jira assign KEY-1", "(open)", "jira assign "),
        ("jira assign KEY-2", "", ""),
    ]
    assert await completes("jira assign KEY-1 ") == ["jira assign KEY-1 --note "]
    assert await completes("jira assign KEY-1 --n") == ["jira assign KEY-1 --note "]
    assert await completes("jira assign KEY-1 --note ") == ["jira assign KEY-1 --note "]


async def test_many_optional_arguments_stay_cheap() -> None:
    root = AutocompleteData("many")
    for i in range(60):
        root.add_text_argument("h", "[v]", name=f"f{i}", required=False)
    found = await suggest([(root, "")], "many --f3 x ", "system_user", fetch)
    assert found and all(s.suggestion.startswith("--f") for s in found)


def test_the_rules_of_a_tree() -> None:
    check(tree(), "jira")
    bad = [
        AutocompleteData("other"),
        AutocompleteData("jira", sub_commands=[AutocompleteData("Upper")]),
        AutocompleteData("jira", role_id="owner"),
        AutocompleteData(
            "jira",
            arguments=[AutocompleteArg(name="n"), AutocompleteArg()],
        ),
        AutocompleteData("jira", arguments=[AutocompleteArg(type="Color")]),
        AutocompleteData("jira", arguments=[AutocompleteArg(type="StaticList", items=[Item("")])]),
        AutocompleteData("jira", arguments=[AutocompleteArg(type="DynamicList")]),
        AutocompleteData(
            "jira", arguments=[AutocompleteArg()], sub_commands=[AutocompleteData("sub")]
        ),
    ]
    for data in bad:
        with pytest.raises(InvalidAutocomplete):
            check(data, "jira")
    deep = AutocompleteData("jira")
    node = deep
    for _ in range(10):
        node = node.add_command(AutocompleteData("sub"))
    with pytest.raises(InvalidAutocomplete):
        check(deep, "jira")


def test_mattermost_json_both_ways_and_plugin_urls() -> None:
    data = tree()
    with_plugin_urls(data, "com.example.jira")
    wire = data.to_dict()
    assign = wire["SubCommands"][1]
    assert assign["Arguments"][0] == {
        "Name": "",
        "HelpText": "Issue",
        "Type": "DynamicList",
        "Required": True,
        "Data": {"FetchURL": "/plugins/com.example.jira/issues"},
    }
    assert assign["Arguments"][1]["Data"] == {"Hint": "[note]", "Pattern": ""}
    assert AutocompleteData.from_dict(wire) == data
    with pytest.raises(InvalidAutocomplete):
        AutocompleteData.from_dict({"Trigger": "x", "Arguments": "no"})
