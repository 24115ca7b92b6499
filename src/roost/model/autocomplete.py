"""A slash command's autocomplete tree, as Mattermost's ``AutocompleteData``: the
trigger, its sub-commands, and its arguments (free text, a fixed list, or a list
fetched from a URL as the user types). Plugins register it with their commands; the
server walks it for ``/teams/{id}/commands/autocomplete_suggestions``.

The dataclasses use Python names; ``to_dict`` gives Mattermost's JSON (Go field names:
``Trigger``, ``HelpText``, ``Arguments``, ``Data.FetchURL``, ...), ``from_dict`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TEXT_INPUT = "TextInput"
STATIC_LIST = "StaticList"
DYNAMIC_LIST = "DynamicList"
ARG_TYPES = (TEXT_INPUT, STATIC_LIST, DYNAMIC_LIST)
# Who sees a (sub)command: Mattermost's role ids; "" means administrators only.
SYSTEM_USER = "system_user"
SYSTEM_ADMIN = "system_admin"
ROLES = (SYSTEM_USER, SYSTEM_ADMIN, "")

# Bounds on what a plugin may register, so one tree cannot make every keystroke slow.
MAX_DEPTH = 8
MAX_NODES = 5000
MAX_TEXT = 1024


class InvalidAutocomplete(ValueError):
    """Autocomplete data that breaks Mattermost's rules (the message says which)."""


@dataclass(slots=True)
class AutocompleteListItem:
    """One choice of a list argument (a fetch URL answers a JSON list of these)."""

    item: str
    hint: str = ""
    help_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"Item": self.item, "Hint": self.hint, "HelpText": self.help_text}

    @classmethod
    def from_dict(cls, data: Any) -> AutocompleteListItem | None:
        """None for anything that is not an item with a text ``Item``."""
        if not isinstance(data, dict) or not isinstance(data.get("Item"), str):
            return None
        return cls(
            item=data["Item"],
            hint=_text(data.get("Hint")),
            help_text=_text(data.get("HelpText")),
        )


@dataclass(slots=True)
class AutocompleteArg:
    """An argument: positional when ``name`` is empty, else typed as ``--name value``.
    ``hint``/``pattern`` are a TextInput's, ``items`` a StaticList's, ``fetch_url`` a
    DynamicList's (relative to the plugin, ``plugins/<id>/...``, or absolute)."""

    type: str = TEXT_INPUT
    name: str = ""
    help_text: str = ""
    required: bool = False
    hint: str = ""
    pattern: str = ""
    items: list[AutocompleteListItem] = field(default_factory=list)
    fetch_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any]
        if self.type == STATIC_LIST:
            data = {"PossibleArguments": [i.to_dict() for i in self.items]}
        elif self.type == DYNAMIC_LIST:
            data = {"FetchURL": self.fetch_url}
        else:
            data = {"Hint": self.hint, "Pattern": self.pattern}
        return {
            "Name": self.name,
            "HelpText": self.help_text,
            "Type": self.type,
            "Required": self.required,
            "Data": data,
        }


@dataclass(slots=True)
class AutocompleteData:
    trigger: str
    hint: str = ""
    help_text: str = ""
    role_id: str = SYSTEM_USER
    arguments: list[AutocompleteArg] = field(default_factory=list)
    sub_commands: list[AutocompleteData] = field(default_factory=list)

    # Mattermost's builders, for plugin authors.

    def add_command(self, command: AutocompleteData) -> AutocompleteData:
        self.sub_commands.append(command)
        return command

    def add_text_argument(
        self, help_text: str, hint: str, pattern: str = "", *, name: str = "", required: bool = True
    ) -> None:
        self.arguments.append(
            AutocompleteArg(TEXT_INPUT, name, help_text, required, hint=hint, pattern=pattern)
        )

    def add_static_list_argument(
        self,
        help_text: str,
        items: list[AutocompleteListItem],
        *,
        name: str = "",
        required: bool = True,
    ) -> None:
        self.arguments.append(
            AutocompleteArg(STATIC_LIST, name, help_text, required, items=list(items))
        )

    def add_dynamic_list_argument(
        self, help_text: str, fetch_url: str, *, name: str = "", required: bool = True
    ) -> None:
        self.arguments.append(
            AutocompleteArg(DYNAMIC_LIST, name, help_text, required, fetch_url=fetch_url)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "Trigger": self.trigger,
            "Hint": self.hint,
            "HelpText": self.help_text,
            "RoleID": self.role_id,
            "Arguments": [a.to_dict() for a in self.arguments],
            "SubCommands": [c.to_dict() for c in self.sub_commands],
        }

    @classmethod
    def from_dict(cls, data: Any, depth: int = 0) -> AutocompleteData:
        """Mattermost's JSON form; InvalidAutocomplete when it is not that shape."""
        if not isinstance(data, dict) or depth > MAX_DEPTH:
            raise InvalidAutocomplete("autocomplete data must be an object, nested at most 8 deep")
        args = data.get("Arguments") or []
        subs = data.get("SubCommands") or []
        if not isinstance(args, list) or not isinstance(subs, list):
            raise InvalidAutocomplete("Arguments and SubCommands must be lists")
        return cls(
            trigger=_text(data.get("Trigger")),
            hint=_text(data.get("Hint")),
            help_text=_text(data.get("HelpText")),
            role_id=_text(data.get("RoleID")),
            arguments=[_arg_from_dict(a) for a in args],
            sub_commands=[cls.from_dict(s, depth + 1) for s in subs],
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _arg_from_dict(data: Any) -> AutocompleteArg:
    if not isinstance(data, dict):
        raise InvalidAutocomplete("an argument must be an object")
    kind = _text(data.get("Type"))
    raw_inner = data.get("Data")
    inner: dict[str, Any] = raw_inner if isinstance(raw_inner, dict) else {}
    arg = AutocompleteArg(
        type=kind,
        name=_text(data.get("Name")),
        help_text=_text(data.get("HelpText")),
        required=data.get("Required") is True,
    )
    if kind == STATIC_LIST:
        raw = inner.get("PossibleArguments") or []
        items = [AutocompleteListItem.from_dict(i) for i in raw] if isinstance(raw, list) else []
        if any(i is None for i in items):
            raise InvalidAutocomplete("a StaticList item needs a text Item")
        arg.items = [i for i in items if i is not None]
    elif kind == DYNAMIC_LIST:
        arg.fetch_url = _text(inner.get("FetchURL"))
    else:
        arg.hint, arg.pattern = _text(inner.get("Hint")), _text(inner.get("Pattern"))
    return arg


def check(data: AutocompleteData, trigger: str) -> None:
    """Mattermost's ``IsValid`` (plus Roost's bounds): raises InvalidAutocomplete.
    The root's trigger must be the command's."""
    if data.trigger != trigger:
        raise InvalidAutocomplete(f"the autocomplete data's trigger must be {trigger!r}")
    count = [0]
    _check(data, 0, count)


def _check(data: AutocompleteData, depth: int, count: list[int]) -> None:
    if not isinstance(data.arguments, list) or not isinstance(data.sub_commands, list):
        raise InvalidAutocomplete("arguments and sub_commands are lists")
    count[0] += (
        1
        + len(data.arguments)
        + sum(
            len(a.items)
            for a in data.arguments
            if isinstance(a, AutocompleteArg) and isinstance(a.items, list)
        )
    )
    if depth > MAX_DEPTH or count[0] > MAX_NODES:
        raise InvalidAutocomplete(f"autocomplete data too large (at most {MAX_NODES} entries)")
    if not isinstance(data.trigger, str) or not data.trigger or " " in data.trigger:
        raise InvalidAutocomplete("an empty command name in the autocomplete data")
    if data.trigger.lower() != data.trigger:
        raise InvalidAutocomplete("a command in the autocomplete data should be lowercase")
    if data.role_id not in ROLES:
        raise InvalidAutocomplete("wrong role in the autocomplete data")
    for value in (data.hint, data.help_text):
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidAutocomplete(f"hints and help texts are text of at most {MAX_TEXT}")
    if data.arguments and data.sub_commands:
        raise InvalidAutocomplete("a command can't have arguments and subcommands")
    named = False
    for arg in data.arguments:
        if not isinstance(arg, AutocompleteArg) or arg.type not in ARG_TYPES:
            raise InvalidAutocomplete("an argument's type must be one of " + ", ".join(ARG_TYPES))
        texts = (arg.name, arg.help_text, arg.hint, arg.pattern, arg.fetch_url)
        if not all(isinstance(t, str) and len(t) <= MAX_TEXT for t in texts) or not isinstance(
            arg.required, bool
        ):
            raise InvalidAutocomplete(f"an argument's texts are text of at most {MAX_TEXT}")
        if " " in arg.name:
            raise InvalidAutocomplete("an argument's name has no spaces")
        if arg.name:
            named = True
        elif named:
            raise InvalidAutocomplete("named argument should not be before positional argument")
        if not isinstance(arg.items, list):
            raise InvalidAutocomplete("a StaticList's items are a list")
        if arg.type == STATIC_LIST and any(
            not isinstance(i, AutocompleteListItem)
            or not isinstance(i.item, str)
            or not i.item
            or not isinstance(i.hint, str)
            or not isinstance(i.help_text, str)
            for i in arg.items
        ):
            raise InvalidAutocomplete("possible argument name not set in StaticList argument")
        if arg.type == DYNAMIC_LIST and (not arg.fetch_url or len(arg.fetch_url) > MAX_TEXT):
            raise InvalidAutocomplete("a DynamicList argument needs its FetchURL")
    for sub in data.sub_commands:
        if not isinstance(sub, AutocompleteData):
            raise InvalidAutocomplete("a subcommand must be autocomplete data")
        _check(sub, depth + 1, count)


def with_plugin_urls(data: AutocompleteData, plugin_id: str) -> None:
    """Relative fetch URLs become ``/plugins/<id>/<url>`` (Mattermost's
    UpdateRelativeURLsForPluginCommands): a plugin's lists come from itself, never from
    another plugin; absolute ones stay (fetched through the outbound policy)."""
    for arg in data.arguments:
        if arg.type == DYNAMIC_LIST and "://" not in arg.fetch_url:
            arg.fetch_url = f"/plugins/{plugin_id}/{arg.fetch_url.lstrip('/')}"
    for sub in data.sub_commands:
        with_plugin_urls(sub, plugin_id)
