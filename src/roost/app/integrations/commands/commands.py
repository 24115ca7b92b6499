"""Slash commands: managing a team's custom commands, and running ``/trigger text``.

A trigger is offered to each ``CommandProvider`` in the precedence order that
``roost.compose`` declares (plugins, apps, the team's custom commands, built-ins); the
first to answer wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from roost.app.channels import post_access
from roost.app.integrations.access import check_can_manage, is_team_member
from roost.app.integrations.commands import autocomplete
from roost.app.integrations.commands.dynamic_lists import DynamicLists
from roost.app.integrations.commands.providers import (
    AppLookups,
    CommandProvider,
    PluginRequests,
)
from roost.app.integrations.commands.replies import CommandReplies
from roost.app.integrations.errors import (
    command_not_found,
    command_trigger_not_found,
    commands_disabled,
    duplicate_trigger,
    invalid_command_method,
    invalid_command_trigger,
)
from roost.app.integrations.fields import bool_field, text_field, url_field
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.config import IntegrationSettings
from roost.ids import is_valid_id, new_id
from roost.model.autocomplete import SYSTEM_ADMIN, SYSTEM_USER, AutocompleteData
from roost.model.command import CommandCall, CommandResponse, ProvidedCommand
from roost.model.slash_command import METHOD_GET, METHOD_POST, Command
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.integrations import commands as command_store

TRIGGER_MAX = 128
COMMAND_MAX = 4096
_TRIGGER = re.compile(r"^[^\s/][^\s]*\Z")


def _provided_as_command(provided: ProvidedCommand, team_id: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if provided.autocomplete_data is not None:
        extra["autocomplete_data"] = provided.autocomplete_data.to_dict()
    if provided.autocomplete_icon_data:
        extra["autocomplete_icon_data"] = provided.autocomplete_icon_data
    return {
        **extra,
        "id": "",
        "token": "",
        "team_id": team_id,
        "trigger": provided.trigger,
        "display_name": provided.display_name,
        "description": provided.description,
        "auto_complete": provided.auto_complete,
        "auto_complete_desc": provided.description,
        "auto_complete_hint": provided.hint,
        "method": "",
        "url": "",
        "username": "",
        "icon_url": "",
        "create_at": 0,
        "update_at": 0,
        "delete_at": 0,
        "creator_id": "",
    }


class Commands:
    def __init__(
        self,
        db: Database,
        settings: IntegrationSettings,
        replies: CommandReplies,
        lists: DynamicLists,
    ) -> None:
        self._db = db
        self._settings = settings
        self._replies = replies
        self._lists = lists
        # Who answers a trigger, asked in this order: set by roost.compose.
        self._providers: list[CommandProvider] = []

    def set_providers(self, providers: Sequence[CommandProvider]) -> None:
        """The providers in precedence order: the first that answers a trigger wins."""
        self._providers = list(providers)
        self._lists.set_sources(
            [p for p in providers if isinstance(p, PluginRequests)],
            [p for p in providers if isinstance(p, AppLookups)],
        )

    def _check_enabled(self) -> None:
        if not self._settings.enable_commands:
            raise commands_disabled()

    def _provided(self, tenant_id: str) -> list[ProvidedCommand]:
        return [c for p in self._providers for c in p.commands(tenant_id)]

    # Managing custom commands.

    def _apply(self, command: Command, body: dict[str, Any]) -> None:
        trigger = text_field(body, "trigger", TRIGGER_MAX).strip().lower()
        if not _TRIGGER.match(trigger):
            raise invalid_command_trigger()
        method = text_field(body, "method", 1, METHOD_POST).upper() or METHOD_POST
        if method not in (METHOD_POST, METHOD_GET):
            raise invalid_command_method()
        command.trigger = trigger
        command.method = method
        command.url = url_field(body, "url")
        command.username = text_field(body, "username", 255)
        command.icon_url = text_field(body, "icon_url", 1024)
        command.auto_complete = bool_field(body, "auto_complete")
        command.auto_complete_desc = text_field(body, "auto_complete_desc", 1024)
        command.auto_complete_hint = text_field(body, "auto_complete_hint", 1024)
        command.display_name = text_field(body, "display_name", 64)
        command.description = text_field(body, "description", 128)

    async def _check_trigger_free(
        self, conn: AsyncConnection, actor: Actor, command: Command
    ) -> None:
        taken = any(p.trigger == command.trigger for p in self._provided(actor.tenant_id))
        other = await command_store.by_trigger(
            conn, actor.tenant_id, command.team_id, command.trigger
        )
        if taken or (other is not None and other.id != command.id):
            raise duplicate_trigger()

    async def do_create(self, actor: Actor, body: dict[str, Any]) -> Command:
        self._check_enabled()
        team_id = body.get("team_id")
        if not isinstance(team_id, str) or not is_valid_id(team_id):
            raise errors.invalid_body_param("team_id")
        now = now_ms()
        command = Command(
            id=new_id(),
            token=new_id(),
            creator_id=actor.user_id,
            team_id=team_id,
            trigger="",
            url="",
            create_at=now,
            update_at=now,
        )
        self._apply(command, body)
        async with self._db.write() as conn:
            await check_can_manage(conn, actor, team_id)
            await self._check_trigger_free(conn, actor, command)
            await command_store.insert_command(conn, actor.tenant_id, command)
        return command

    async def _managed(self, conn: AsyncConnection, actor: Actor, command_id: str) -> Command:
        command = await command_store.get_command(conn, actor.tenant_id, command_id)
        if command is None:
            raise command_not_found()
        await check_can_manage(conn, actor, command.team_id)
        return command

    async def get(self, actor: Actor, command_id: str) -> Command:
        self._check_enabled()
        async with self._db.read() as conn:
            return await self._managed(conn, actor, command_id)

    async def do_update(self, actor: Actor, command_id: str, body: dict[str, Any]) -> Command:
        self._check_enabled()
        if body.get("id") not in (None, command_id):
            raise errors.invalid_body_param("id")
        async with self._db.write() as conn:
            command = await self._managed(conn, actor, command_id)
            self._apply(command, body)
            await self._check_trigger_free(conn, actor, command)
            command.update_at = now_ms()
            await command_store.update_command(conn, actor.tenant_id, command)
        return command

    async def do_regen_token(self, actor: Actor, command_id: str) -> str:
        self._check_enabled()
        async with self._db.write() as conn:
            command = await self._managed(conn, actor, command_id)
            command.token, command.update_at = new_id(), now_ms()
            await command_store.update_command(conn, actor.tenant_id, command)
        return command.token

    async def do_delete(self, actor: Actor, command_id: str) -> None:
        self._check_enabled()
        async with self._db.write() as conn:
            command = await self._managed(conn, actor, command_id)
            command.delete_at = command.update_at = now_ms()
            await command_store.update_command(conn, actor.tenant_id, command)

    async def listing(self, actor: Actor, team_id: str, custom_only: bool) -> list[dict[str, Any]]:
        """Custom commands with their tokens for those who manage them; otherwise the
        triggers a team member may use (built-ins included, tokens left out)."""
        self._check_enabled()
        async with self._db.read() as conn:
            if custom_only:
                await check_can_manage(conn, actor, team_id)
                return [
                    c.to_dict()
                    for c in await command_store.team_commands(conn, actor.tenant_id, team_id)
                ]
            if not actor.is_system_admin and not await is_team_member(conn, actor, team_id):
                raise errors.forbidden()
            custom = await command_store.team_commands(conn, actor.tenant_id, team_id)
        listed = [_provided_as_command(p, team_id) for p in self._provided(actor.tenant_id)]
        return listed + [{**c.to_dict(), "token": ""} for c in custom]

    async def autocomplete(self, actor: Actor, team_id: str) -> list[dict[str, Any]]:
        return [c for c in await self.listing(actor, team_id, False) if c["auto_complete"]]

    async def suggestions(
        self, actor: Actor, team_id: str, typed: str, channel_id: str = "", root_id: str = ""
    ) -> list[dict[str, str]]:
        """Mattermost's AutocompleteSuggestions for what the user has typed so far: the
        commands' autocomplete trees walked (``autocomplete.py``), dynamic lists fetched
        within their limits (``dynamic_lists.py``)."""
        if not typed:
            raise errors.invalid_param("userInput")
        typed = typed.removeprefix("/")
        self._check_enabled()
        async with self._db.read() as conn:
            if not actor.is_system_admin and not await is_team_member(conn, actor, team_id):
                raise errors.forbidden()
            if channel_id:
                # Lists are fetched naming the channel: only one the user may read.
                post_access.check_read(actor, await post_access.load(conn, actor, channel_id))
            custom = await command_store.team_commands(conn, actor.tenant_id, team_id)
        await self._lists.prepare(actor.tenant_id)
        trees: dict[str, tuple[AutocompleteData, str]] = {}
        for p in self._provided(actor.tenant_id):
            if p.auto_complete and p.trigger not in trees:
                data = p.autocomplete_data or AutocompleteData(p.trigger, p.hint, p.description)
                trees[p.trigger] = (data, p.autocomplete_icon_data)
        for c in custom:
            if c.auto_complete and c.trigger not in trees:
                data = AutocompleteData(c.trigger, c.auto_complete_hint, c.auto_complete_desc)
                trees[c.trigger] = (data, "")
        role = SYSTEM_ADMIN if actor.is_system_admin else SYSTEM_USER
        fetch = self._lists.fetcher(actor, channel_id, team_id, root_id)
        found = await autocomplete.suggest(list(trees.values()), typed, role, fetch)
        return [s.to_dict() for s in found]

    # Running.

    async def do_execute(self, actor: Actor, body: dict[str, Any]) -> CommandResponse:
        self._check_enabled()
        typed = body.get("command")
        if not isinstance(typed, str) or not typed.startswith("/") or len(typed) > COMMAND_MAX:
            raise errors.invalid_body_param("command")
        channel_id = body.get("channel_id")
        if not isinstance(channel_id, str) or not is_valid_id(channel_id):
            raise errors.invalid_body_param("channel_id")
        root_id = body.get("root_id") or body.get("parent_id") or ""
        if not isinstance(root_id, str) or (root_id and not is_valid_id(root_id)):
            raise errors.invalid_body_param("root_id")
        trigger, _, text = typed[1:].partition(" ")
        async with self._db.read() as conn:
            access = await post_access.load(conn, actor, channel_id)
            post_access.check_read(actor, access)
        channel = access.channel
        team_id = channel.team_id or str(body.get("team_id") or "")
        call = CommandCall(
            tenant_id=actor.tenant_id,
            user_id=actor.user_id,
            channel_id=channel_id,
            team_id=team_id if is_valid_id(team_id) else "",
            command=typed,
            trigger=trigger.lower(),
            text=text.strip(),
            root_id=root_id,
            parent_id=root_id,
        )
        for provider in self._providers:
            answer = await provider.execute(actor, call)
            if answer is not None:
                return await self._answered(actor, call, answer)
        raise command_trigger_not_found(call.trigger)

    async def _answered(
        self, actor: Actor, call: CommandCall, answer: CommandResponse
    ) -> CommandResponse:
        await self._replies.deliver(actor, call.channel_id, call.root_id, answer)
        return answer
