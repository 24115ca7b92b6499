"""Slash commands registered by plugin instances, as one ``CommandProvider`` for the
command service. Each node's copy of an instance registers its commands when it
activates there, so every node answers the same triggers without shared state.

Triggers are per tenant: an instance registers in its own tenant, two tenants may
each have a plugin answering ``/poll``, and a tenant with no plugin has no entry."""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable

from roost.app.kernel.context import Actor
from roost.model.autocomplete import (
    AutocompleteData,
    InvalidAutocomplete,
    check,
    with_plugin_urls,
)
from roost.model.command import CommandCall, CommandResponse, ProvidedCommand
from roost.plugin.base import APIError
from roost.plugin.types import HttpRequest, HttpResponse

TRIGGER = re.compile(r"^[^\s/][^\s]{0,127}\Z")

# (tenant id, plugin id, the call): the instance's answer, None when it has none.
Execute = Callable[[str, str, CommandCall], Awaitable[CommandResponse | None]]
# (tenant id, plugin id, the request): the instance's answer, None when it has none.
Serve = Callable[[str, str, HttpRequest], Awaitable[HttpResponse | None]]


def _autocomplete(command: ProvidedCommand, trigger: str, plugin_id: str) -> AutocompleteData:
    """The command's tree checked (Mattermost's IsValid), with its relative fetch URLs
    made the plugin's own; a copy, so an in-process plugin's object is left as it was."""
    data: object = command.autocomplete_data
    try:
        if isinstance(data, dict):  # Mattermost's JSON form is accepted too
            data = AutocompleteData.from_dict(data)
        if not isinstance(data, AutocompleteData):
            raise InvalidAutocomplete("autocomplete_data must be AutocompleteData")
        data = copy.deepcopy(data)
        check(data, trigger)
    except InvalidAutocomplete as exc:
        raise APIError(
            400, "app.plugin.command.autocomplete.app_error", f"Invalid autocomplete data: {exc}"
        ) from None
    with_plugin_urls(data, plugin_id)
    return data


class PluginCommands:
    def __init__(self, execute: Execute, serve: Serve) -> None:
        self._execute = execute
        self._serve = serve
        # tenant -> trigger -> (plugin id, command)
        self._by_tenant: dict[str, dict[str, tuple[str, ProvidedCommand]]] = {}

    def register(self, tenant_id: str, plugin_id: str, command: ProvidedCommand) -> None:
        trigger = command.trigger.strip().lower()
        if not TRIGGER.match(trigger):
            raise APIError(400, "app.plugin.command.trigger.app_error", "Invalid trigger.")
        triggers = self._by_tenant.setdefault(tenant_id, {})
        owner = triggers.get(trigger)
        if owner is not None and owner[0] != plugin_id:
            raise APIError(
                400,
                "app.plugin.command.conflict.app_error",
                f"/{trigger} is already registered by plugin {owner[0]}.",
            )
        command.trigger = trigger
        if command.autocomplete_data is not None:
            command.autocomplete_data = _autocomplete(command, trigger, plugin_id)
        triggers[trigger] = (plugin_id, command)

    def unregister(self, tenant_id: str, plugin_id: str, trigger: str) -> None:
        triggers = self._by_tenant.get(tenant_id, {})
        owner = triggers.get(trigger.strip().lower())
        if owner is not None and owner[0] == plugin_id:
            del triggers[trigger.strip().lower()]
        self._drop_if_empty(tenant_id)

    def unregister_all(self, tenant_id: str, plugin_id: str) -> None:
        triggers = self._by_tenant.get(tenant_id, {})
        for trigger in [t for t, (p, _) in triggers.items() if p == plugin_id]:
            del triggers[trigger]
        self._drop_if_empty(tenant_id)

    def _drop_if_empty(self, tenant_id: str) -> None:
        if not self._by_tenant.get(tenant_id, True):
            del self._by_tenant[tenant_id]

    # CommandProvider.

    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        triggers = self._by_tenant.get(tenant_id)
        return [c for _, (_, c) in sorted(triggers.items())] if triggers else []

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        entry = self._by_tenant.get(actor.tenant_id, {}).get(call.trigger)
        if entry is None:
            return None
        return await self._execute(actor.tenant_id, entry[0], call)

    # PluginRequests: a dynamic autocomplete list from the plugin's serve_http.

    async def plugin_get(
        self, actor: Actor, plugin_id: str, path: str, query: str, max_bytes: int
    ) -> tuple[int, bytes] | None:
        request = HttpRequest(method="GET", path=path, query=query, user_id=actor.user_id)
        response = await self._serve(actor.tenant_id, plugin_id, request)
        if response is None:
            return None
        body = response.body if isinstance(response.body, bytes) else b""
        if len(body) > max_bytes:
            raise ValueError(f"answer larger than {max_bytes} bytes")
        status = response.status if isinstance(response.status, int) else 0
        return status, body
