"""The seam between the slash-command service and whatever answers a trigger besides
it: plugins register commands through a provider; the command service asks each
provider in order and the first answer wins."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from roost.app.kernel.context import Actor
from roost.model.autocomplete import AutocompleteListItem
from roost.model.command import CommandCall, CommandResponse, ProvidedCommand


class CommandProvider(Protocol):
    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        """The triggers this provider answers now (may change as plugins come and go)."""
        ...

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        """The response, or None when the trigger is not this provider's."""
        ...


@runtime_checkable
class PluginRequests(Protocol):
    """A provider that can hand a GET to a plugin's HTTP handler: how a plugin
    command's dynamic autocomplete list is fetched."""

    async def plugin_get(
        self, actor: Actor, plugin_id: str, path: str, query: str, max_bytes: int
    ) -> tuple[int, bytes] | None:
        """(status, body) of the caller's tenant's instance; None when it runs no such
        plugin. A body over ``max_bytes`` is an error."""
        ...


@runtime_checkable
class AppLookups(Protocol):
    """A provider that can ask an HTTP app for a field's choices: how an app command's
    dynamic_select argument is completed."""

    async def load_commands(self, tenant_id: str) -> None:
        """Have the commands of apps not yet heard from on this node (``commands`` reads
        only what is held)."""
        ...

    async def app_lookup(
        self, actor: Actor, url: str, query: str, scope: dict[str, str]
    ) -> list[AutocompleteListItem] | None:
        """The choices for ``url`` (an ``apps:`` fetch URL this provider made), None when
        it is not this provider's; ``scope``: channel_id, team_id, root_post_id."""
        ...
