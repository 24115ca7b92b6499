"""An HTTP app's ``/command`` binding as a slash command's autocomplete tree, so the
same suggestions walk serves apps and plugins: sub-bindings are sub-commands; a form's
fields are arguments (positional ones by ``position``, then the rest as ``--name``),
as ``commands.form_values`` reads them back. A static_select (and a bool) is a fixed
list, a dynamic_select a fetched one (the app's lookup call: an ``apps:`` fetch URL),
anything else free text with its hint."""

from __future__ import annotations

from typing import Any

from roost.model.autocomplete import (
    DYNAMIC_LIST,
    STATIC_LIST,
    TEXT_INPUT,
    AutocompleteArg,
    AutocompleteData,
    AutocompleteListItem,
)

APP_URL = "apps:"
MAX_FIELDS = 50
MAX_OPTIONS = 200


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def lookup_url(app_id: str, field: str, path: str) -> str:
    return f"{APP_URL}{app_id}:{field}:{path}"


def parse_lookup_url(url: str) -> tuple[str, str, str] | None:
    """(app id, field name, call path) of an ``apps:`` fetch URL; None if not one."""
    if not url.startswith(APP_URL):
        return None
    parts = url[len(APP_URL) :].split(":", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def tree(app_id: str, binding: dict[str, Any]) -> AutocompleteData:
    label = _text(binding.get("label")).lower()
    data = AutocompleteData(label, _text(binding.get("hint")), _text(binding.get("description")))
    subs = [b for b in binding.get("bindings") or [] if isinstance(b, dict) and b.get("label")]
    if subs:
        data.sub_commands = [tree(app_id, b) for b in subs if " " not in str(b["label"])]
        return data
    form = _dict(binding.get("form"))
    fields = [
        f
        for f in (form.get("fields") or [])[:MAX_FIELDS]
        if isinstance(f, dict) and isinstance(f.get("name"), str) and not f.get("readonly")
    ]
    placed = sorted(
        (f for f in fields if isinstance(f.get("position"), int) and f["position"] > 0),
        key=lambda f: int(f["position"]),
    )
    rest = [f for f in fields if f.get("position") == -1][:1]
    named = [f for f in fields if f not in placed and f not in rest]
    submit = _dict(form.get("submit") or binding.get("submit"))
    for field in placed + rest:
        data.arguments.append(_argument(app_id, field, submit, ""))
    for field in named:
        data.arguments.append(_argument(app_id, field, submit, field["name"]))
    return data


def _argument(
    app_id: str, field: dict[str, Any], submit: dict[str, Any], name: str
) -> AutocompleteArg:
    label = _text(field.get("label")) or field["name"]
    arg = AutocompleteArg(
        TEXT_INPUT,
        name,
        _text(field.get("description")) or label,
        field.get("is_required") is True,
        hint=_text(field.get("hint")) or f"[{label}]",
    )
    kind = field.get("type") or "text"
    if kind == "bool":
        arg.type = STATIC_LIST
        arg.items = [AutocompleteListItem("true"), AutocompleteListItem("false")]
    elif kind == "static_select":
        options = [_dict(o) for o in (field.get("options") or [])[:MAX_OPTIONS]]
        items = [
            AutocompleteListItem(_text(o.get("value")), "", _text(o.get("label")))
            for o in options
            if _text(o.get("value")) and " " not in _text(o.get("value"))
        ]
        if items:
            arg.type, arg.items = STATIC_LIST, items
    elif kind == "dynamic_select":
        path = _text(_dict(field.get("lookup")).get("path")) or _text(submit.get("path"))
        if path.startswith("/"):
            arg.type, arg.fetch_url = DYNAMIC_LIST, lookup_url(app_id, field["name"], path)
    return arg
