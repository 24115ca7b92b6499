"""Slash commands registered by plugins, as one ``CommandProvider`` for the command
service. Each node's copy of a plugin registers its commands when it activates there,
so every node answers the same triggers without shared state."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from roost.app.context import Actor
from roost.model.command import CommandCall, CommandResponse, ProvidedCommand
from roost.plugin.base import APIError

TRIGGER = re.compile(r"^[^\s/][^\s]{0,127}$")

Execute = Callable[[str, CommandCall], Awaitable[CommandResponse | None]]


class PluginCommands:
    """Plugins run for one tenant (``tenant_id``): other tenants see none of their commands."""

    def __init__(self, execute: Execute, tenant_id: str) -> None:
        self._execute = execute
        self._tenant = tenant_id
        self._by_trigger: dict[str, tuple[str, ProvidedCommand]] = {}

    def register(self, plugin_id: str, command: ProvidedCommand) -> None:
        trigger = command.trigger.strip().lower()
        if not TRIGGER.match(trigger):
            raise APIError(400, "app.plugin.command.trigger.app_error", "Invalid trigger.")
        owner = self._by_trigger.get(trigger)
        if owner is not None and owner[0] != plugin_id:
            raise APIError(
                400,
                "app.plugin.command.conflict.app_error",
                f"/{trigger} is already registered by plugin {owner[0]}.",
            )
        command.trigger = trigger
        self._by_trigger[trigger] = (plugin_id, command)

    def unregister(self, plugin_id: str, trigger: str) -> None:
        owner = self._by_trigger.get(trigger.strip().lower())
        if owner is not None and owner[0] == plugin_id:
            del self._by_trigger[trigger.strip().lower()]

    def unregister_all(self, plugin_id: str) -> None:
        for trigger in [t for t, (p, _) in self._by_trigger.items() if p == plugin_id]:
            del self._by_trigger[trigger]

    def owner(self, trigger: str) -> str | None:
        entry = self._by_trigger.get(trigger)
        return entry[0] if entry is not None else None

    # CommandProvider.

    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        if tenant_id != self._tenant:
            return []
        return [c for _, (_, c) in sorted(self._by_trigger.items())]

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        if actor.tenant_id != self._tenant:
            return None
        entry = self._by_trigger.get(call.trigger)
        if entry is None:
            return None
        return await self._execute(entry[0], call)
