"""Event names: one module holds them all, and the code names events by its constants."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import roost
from roost.model import events

SETS = ("CLIENT_EVENTS", "INTERNAL_EVENTS")
LOWER_SNAKE = re.compile(r"^[a-z]+(_[a-z]+)*$")
# Calls that take an event's name as their second argument (or as ``name=``).
BUILDERS = frozenset({"Event", "internal_event"})


def _names() -> dict[str, object]:
    return {k: v for k, v in vars(events).items() if k.isupper() and k not in SETS}


def test_every_constant_is_a_unique_non_empty_string() -> None:
    names = _names()
    assert names
    for constant, value in names.items():
        assert isinstance(value, str), constant
        assert value, constant
        assert value == value.strip(), constant
    values = list(names.values())
    assert len(set(values)) == len(values)


def test_every_constant_is_either_a_client_or_an_internal_event() -> None:
    values = set(_names().values())
    assert not events.CLIENT_EVENTS & events.INTERNAL_EVENTS
    assert values == events.CLIENT_EVENTS | events.INTERNAL_EVENTS


def test_client_names_are_lower_snake_case() -> None:
    for name in events.CLIENT_EVENTS:
        assert LOWER_SNAKE.match(name), name


def test_client_names_are_mattermosts() -> None:
    # A few wire names clients switch on: renaming a constant must not rename these.
    assert events.POSTED == "posted"
    assert events.HELLO == "hello"
    assert events.MEMBERROLE_UPDATED == "memberrole_updated"
    assert events.MULTIPLE_CHANNELS_VIEWED == "multiple_channels_viewed"


def test_plugin_events_are_prefixed_with_the_plugin_id() -> None:
    assert events.custom_event("com.example.demo", "ping") == "custom_com.example.demo_ping"


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.IfExp):
        return _is_literal(node.body) or _is_literal(node.orelse)
    return False


def _name_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if called not in BUILDERS:
        return None
    for keyword in call.keywords:
        if keyword.arg == "name":
            return keyword.value
    return call.args[1] if len(call.args) > 1 else None


def test_no_event_is_built_with_a_literal_name() -> None:
    """New code names its events by the constants of ``roost.model.events``."""
    package = Path(roost.__file__).parent
    found, literal = 0, []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            argument = _name_argument(node)
            if argument is None:
                continue
            found += 1
            if _is_literal(argument):
                literal.append(f"{path.relative_to(package)}:{node.lineno}")
    assert found > 20  # the scan sees the calls it checks
    assert literal == []
