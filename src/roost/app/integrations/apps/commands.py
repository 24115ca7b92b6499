"""HTTP apps' slash commands, as a ``CommandProvider``: the top-level ``/command``
bindings (from the server's bindings cache) are triggers, their sub-bindings
sub-commands, and ``--name value`` flags or positional words fill the form's fields.
Running one calls the binding's submit call as the user who typed it; the answer's
text comes back to them alone."""

from __future__ import annotations

import asyncio
import shlex
from typing import Any

from roost.app.integrations.apps.apps import Apps
from roost.app.integrations.apps.calls import check_call_path
from roost.app.integrations.apps.command_tree import parse_lookup_url, tree
from roost.app.integrations.apps.requests import AppRequests
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.app import COMMAND, InstalledApp
from roost.model.autocomplete import AutocompleteListItem
from roost.model.command import EPHEMERAL, CommandCall, CommandResponse, ProvidedCommand

SELECT_TYPES = ("static_select", "dynamic_select", "user", "channel")
REST = -1  # a field whose position is -1 takes the rest of the words


class _Usage(Exception):
    pass


def _label(binding: dict[str, Any]) -> str:
    return str(binding.get("label") or "").lower()


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _value(field: dict[str, Any], raw: str) -> Any:
    kind = field.get("type") or "text"
    if kind == "bool":
        return raw.lower() in ("true", "yes", "1", "on")
    if kind in SELECT_TYPES:
        return {"label": raw, "value": raw}
    return raw


def form_values(form: dict[str, Any], words: list[str]) -> dict[str, Any]:
    """``--name value`` and positional words, by the form's fields."""
    fields = {str(f.get("name")): f for f in form.get("fields") or [] if isinstance(f, dict)}
    values: dict[str, Any] = {}
    loose: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") and word[2:] in fields:
            field = fields[word[2:]]
            if field.get("type") == "bool" and (i + 1 == len(words) or words[i + 1][:2] == "--"):
                values[word[2:]] = True
                i += 1
                continue
            if i + 1 == len(words):
                raise _Usage(f"--{word[2:]} needs a value")
            values[word[2:]] = _value(field, words[i + 1])
            i += 2
            continue
        if word.startswith("--"):
            raise _Usage(f"unknown flag {word}")
        loose.append(word)
        i += 1
    positional = sorted(
        (f for f in fields.values() if isinstance(f.get("position"), int) and f["position"] > 0),
        key=lambda f: f["position"],
    )
    for field in positional:
        if loose and field["name"] not in values:
            values[field["name"]] = _value(field, loose.pop(0))
    rest = [f for f in fields.values() if f.get("position") == REST]
    if rest and loose and rest[0]["name"] not in values:
        values[rest[0]["name"]] = _value(rest[0], " ".join(loose))
        loose = []
    if loose:
        raise _Usage(f"unexpected {' '.join(loose)}")
    missing = [n for n, f in fields.items() if f.get("is_required") and n not in values]
    if missing:
        raise _Usage("missing " + ", ".join(f"--{n}" for n in missing))
    return values


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _answer_text(app: InstalledApp, answer: dict[str, Any]) -> CommandResponse:
    kind = answer["type"]
    text = str(answer.get("text") or "")
    if kind == "navigate":
        url = str(answer.get("navigate_to_url") or "")
        return CommandResponse(EPHEMERAL, text=text or url, goto_location=url)
    if kind == "form":
        form = _dict(answer.get("form"))
        title = str(form.get("title") or "a form")
        return CommandResponse(
            EPHEMERAL, text=f"{app.display_name} opened {title}: fill it in from a client."
        )
    if kind == "error":
        return CommandResponse(EPHEMERAL, text=f"{app.display_name}: {text or 'error'}")
    return CommandResponse(EPHEMERAL, text=text)


class AppCommands:
    def __init__(self, apps: Apps, requests: AppRequests) -> None:
        self._apps = apps
        self._requests = requests

    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        found = []
        for app in self._apps.cached_installed(tenant_id):
            bindings = self._apps.bindings.cached(tenant_id, app.app_id)
            for binding in bindings.by_location.get(COMMAND, []) if bindings else []:
                found.append(
                    ProvidedCommand(
                        trigger=_label(binding),
                        display_name=app.display_name,
                        description=str(binding.get("description") or ""),
                        hint=str(binding.get("hint") or ""),
                        autocomplete_data=tree(app.app_id, binding),
                    )
                )
        return found

    async def load_commands(self, tenant_id: str) -> None:
        for app in await self._apps.installed(tenant_id):
            if self._apps.bindings.cached(tenant_id, app.app_id) is None:
                # Shielded: a caller that stops waiting leaves the fetch to finish and
                # be cached for the next keystroke.
                await asyncio.shield(self._apps.bindings.get(app))

    async def app_lookup(
        self, actor: Actor, url: str, query: str, scope: dict[str, str]
    ) -> list[AutocompleteListItem] | None:
        """AppLookups: a dynamic_select field's choices, from the app's lookup call made
        as the user (``{"type": "ok", "data": {"items": [{label, value}]}}``)."""
        parsed = parse_lookup_url(url)
        if parsed is None:
            return None
        app_id, field, path = parsed
        app = await self._apps.by_id(actor.tenant_id, app_id)
        if not check_call_path(path):
            return []
        call = {"path": path, "expand": {}}
        scope = {**scope, "location": COMMAND}
        answer = await self._requests.call_as(
            actor, app, call, scope, values={}, selected_field=field, query=query
        )
        items = _dict(answer.get("data")).get("items")
        found = []
        for item in items if isinstance(items, list) else []:
            value = _dict(item).get("value")
            if isinstance(value, str) and value and " " not in value:
                label = _dict(item).get("label")
                found.append(
                    AutocompleteListItem(value, "", label if isinstance(label, str) else "")
                )
        return found

    async def _binding(
        self, tenant_id: str, trigger: str
    ) -> tuple[InstalledApp, dict[str, Any]] | None:
        for app in await self._apps.installed(tenant_id):
            bindings = await self._apps.bindings.get(app)
            for binding in bindings.by_location.get(COMMAND, []):
                if _label(binding) == trigger:
                    return app, binding
        return None

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        found = await self._binding(actor.tenant_id, call.trigger)
        if found is None:
            return None
        app, binding = found
        words = _words(call.text)
        labels = [_label(binding)]
        while words and binding.get("bindings"):
            sub = next((b for b in binding["bindings"] if _label(b) == words[0].lower()), None)
            if sub is None:
                break
            binding = sub
            labels.append(words.pop(0).lower())
        form = _dict(binding.get("form"))
        submit = form.get("submit") or binding.get("submit")
        if not isinstance(submit, dict) or not check_call_path(submit.get("path")):
            subs = " | ".join(_label(b) for b in binding.get("bindings") or [])
            usage = f"/{' '.join(labels)} {subs}".rstrip()
            return CommandResponse(EPHEMERAL, text=f"Usage: {usage}")
        try:
            values = form_values(form, words)
        except _Usage as exc:
            return CommandResponse(EPHEMERAL, text=f"/{' '.join(labels)}: {exc}")
        scope = {
            "channel_id": call.channel_id,
            "team_id": call.team_id,
            "root_post_id": call.root_id,
            "location": f"{COMMAND}/{'/'.join(labels)}",
        }
        try:
            answer = await self._requests.call_as(
                actor, app, submit, scope, values=values, raw_command=call.command
            )
        except errors.AppError as exc:
            return CommandResponse(EPHEMERAL, text=f"{app.display_name}: {exc.message}")
        return _answer_text(app, answer)
