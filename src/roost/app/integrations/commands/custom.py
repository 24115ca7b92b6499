"""Custom slash commands: the team's trigger calls the integration's URL (GET or
POST, with the command's token) and its answer is shown. The call carries a
``response_url`` the integration may POST up to five more answers to within 30
minutes (``/hooks/commands/{id}``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson

from roost.app.integrations.commands.replies import CommandReplies, response_from_dict
from roost.app.integrations.errors import command_failed, response_url_invalid
from roost.app.integrations.outbound import OutboundError, OutboundHttp
from roost.app.integrations.posts import IntegrationPoster
from roost.app.integrations.triggers import record_trigger
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.ids import is_valid_id, new_id
from roost.model.channel import Channel
from roost.model.command import EPHEMERAL, CommandCall, CommandResponse, ProvidedCommand
from roost.model.slash_command import METHOD_GET, Command, CommandWebhook
from roost.model.webhook import FORM_CONTENT
from roost.store.channels import channels as channel_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.integrations import commands as command_store

RESPONSE_URL_SECONDS = 30 * 60
RESPONSE_URL_USES = 5


def _with_query(url: str, query: str) -> str:
    parts = urlsplit(url)
    joined = f"{parts.query}&{query}" if parts.query else query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))


class CustomCommands:
    def __init__(
        self,
        db: Database,
        http: OutboundHttp,
        poster: IntegrationPoster,
        replies: CommandReplies,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._http = http
        self._poster = poster
        self._replies = replies
        self._site_url = site_url  # tenant id -> where it is served

    async def execute(
        self, actor: Actor, call: CommandCall, command: Command, channel: Channel, team_name: str
    ) -> CommandResponse:
        now = now_ms()
        hook = CommandWebhook(
            id=new_id(),
            command_id=command.id,
            user_id=actor.user_id,
            channel_id=call.channel_id,
            root_id=call.root_id,
            create_at=now,
        )
        async with self._db.write() as conn:
            await command_store.delete_expired_command_webhooks(
                conn, actor.tenant_id, now - RESPONSE_URL_SECONDS * 1000
            )
            await command_store.insert_command_webhook(conn, actor.tenant_id, hook)
            trigger_id = await record_trigger(conn, actor.tenant_id, actor.user_id, now)
        fields = {
            "channel_id": call.channel_id,
            "channel_name": channel.name,
            "command": f"/{call.trigger}",
            "response_url": f"{self._site_url(actor.tenant_id)}/hooks/commands/{hook.id}",
            "team_domain": team_name,
            "team_id": call.team_id,
            "text": call.text,
            "token": command.token,
            "trigger_id": trigger_id,
            "user_id": actor.user_id,
            "user_name": actor.username,
            "root_id": call.root_id,
        }
        headers = {"Authorization": f"Token {command.token}"}
        try:
            if command.method == METHOD_GET:
                response = await self._http.request(
                    "GET", _with_query(command.url, urlencode(fields)), headers=headers
                )
            else:
                response = await self._http.request(
                    "POST",
                    command.url,
                    body=urlencode(fields).encode(),
                    content_type=FORM_CONTENT,
                    headers=headers,
                )
        except OutboundError as exc:
            raise exc.refusal or command_failed(call.trigger, str(exc)) from None
        if response.status != 200:
            raise command_failed(call.trigger, f"answered {response.status}")
        answer = self._parse(response.body, response.content_type)
        answer.username = answer.username or command.username
        answer.icon_url = answer.icon_url or command.icon_url
        # The client matches the dialog the integration may open to this id.
        answer.trigger_id = trigger_id
        return answer

    @staticmethod
    def _parse(body: bytes, content_type: str) -> CommandResponse:
        if not body.strip():
            return CommandResponse()
        if content_type == "application/json":
            try:
                data: Any = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise errors.invalid_body_param("response", "the answer is not JSON") from None
            return response_from_dict(data)
        return CommandResponse(response_type=EPHEMERAL, text=body.decode(errors="replace"))

    async def do_respond(self, tenant_id: str, hook_id: str, data: Any) -> None:
        """A delayed answer posted to a command's response_url."""
        not_found = response_url_invalid()
        if not is_valid_id(hook_id):
            raise not_found
        response = response_from_dict(data)
        expiry = now_ms() - RESPONSE_URL_SECONDS * 1000
        async with self._db.write() as conn:
            hook = await command_store.use_command_webhook(
                conn, tenant_id, hook_id, expiry, RESPONSE_URL_USES
            )
            command = (
                await command_store.get_command(conn, tenant_id, hook.command_id) if hook else None
            )
        if hook is None or command is None:
            raise not_found
        actor = await self._poster.acting_as(tenant_id, hook.user_id)
        await self._replies.deliver(
            actor, hook.channel_id, hook.root_id, response, command.username, command.icon_url
        )


class TeamCommands:
    """The team's custom commands as one slash-command provider, so the order in which
    providers are asked is declared in one place (``roost.compose``). They are listed
    from the store with their teams, not through ``commands()``."""

    def __init__(self, db: Database, custom: CustomCommands) -> None:
        self._db = db
        self._custom = custom

    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        return []

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        if not call.team_id:
            return None
        async with self._db.read() as conn:
            command = await command_store.by_trigger(
                conn, actor.tenant_id, call.team_id, call.trigger
            )
            if command is None:
                return None
            channel = await channel_store.get_channel(conn, actor.tenant_id, call.channel_id)
            team = await team_store.get_team(conn, actor.tenant_id, call.team_id)
        if channel is None:
            return None
        return await self._custom.execute(actor, call, command, channel, team.name if team else "")
