"""Built-in slash commands about channels: /join, /leave, /header, /purpose, /invite,
/kick (and /remove), /mute. Permissions are the channel services' own."""

from __future__ import annotations

from roost.app.accounts.users import Users
from roost.app.channels.channels import Channels
from roost.app.channels.members import ChannelMembers
from roost.app.integrations.commands.builtin import Run, ephemeral, team_name, username_arg
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.command import CommandCall, CommandResponse, ProvidedCommand
from roost.store.db.database import Database

MUTED = "mention"
UNMUTED = "all"


def channel_arg(text: str) -> str:
    """``~town-square`` or ``town-square`` → the channel's name."""
    return text.split(" ", 1)[0].removeprefix("~").lower() if text else ""


class ChannelCommands:
    """A ``CommandProvider`` for the built-ins that change channels and membership."""

    def __init__(
        self, db: Database, channels: Channels, members: ChannelMembers, users: Users
    ) -> None:
        self._db = db
        self._channels = channels
        self._members = members
        self._users = users
        self._runs: dict[str, tuple[ProvidedCommand, Run]] = {
            "join": (
                ProvidedCommand("join", "join", "Join the open channel", "~[channel]"),
                self._join,
            ),
            "leave": (ProvidedCommand("leave", "leave", "Leave the current channel"), self._leave),
            "header": (
                ProvidedCommand("header", "header", "Edit the channel header", "[text]"),
                self._header,
            ),
            "purpose": (
                ProvidedCommand("purpose", "purpose", "Edit the channel purpose", "[text]"),
                self._purpose,
            ),
            "invite": (
                ProvidedCommand(
                    "invite", "invite", "Invite a user to a channel", "@[username] ~[channel]"
                ),
                self._invite,
            ),
            "kick": (
                ProvidedCommand("kick", "kick", "Remove a member from the channel", "@[username]"),
                self._kick,
            ),
            "remove": (
                ProvidedCommand(
                    "remove", "remove", "Remove a member from the channel", "@[username]"
                ),
                self._kick,
            ),
            "mute": (
                ProvidedCommand(
                    "mute", "mute", "Turn off notifications for a channel", "~[channel]"
                ),
                self._mute,
            ),
        }

    def commands(self, tenant_id: str) -> list[ProvidedCommand]:
        return [provided for provided, _ in self._runs.values()]

    async def execute(self, actor: Actor, call: CommandCall) -> CommandResponse | None:
        found = self._runs.get(call.trigger)
        return None if found is None else await found[1](actor, call)

    async def _named_channel(self, actor: Actor, call: CommandCall, name: str) -> str:
        if not name:
            return call.channel_id
        channel = await self._channels.get_by_name(actor, call.team_id, name)
        return channel.id

    async def _join(self, actor: Actor, call: CommandCall) -> CommandResponse:
        name = channel_arg(call.text)
        if not name or not call.team_id:
            return ephemeral("Use /join ~channel.")
        try:
            channel = await self._channels.get_by_name(actor, call.team_id, name)
        except errors.AppError:
            return ephemeral(f"We couldn't find the channel {name}.")
        await self._members.do_add(actor, channel.id, [actor.user_id])
        response = ephemeral()
        team = await team_name(self._db, actor.tenant_id, call.team_id)
        response.goto_location = f"/{team}/channels/{channel.name}"
        return response

    async def _leave(self, actor: Actor, call: CommandCall) -> CommandResponse:
        await self._members.do_remove(actor, call.channel_id, actor.user_id)
        response = ephemeral()
        if call.team_id:
            team = await team_name(self._db, actor.tenant_id, call.team_id)
            response.goto_location = f"/{team}/channels/town-square"
        return response

    async def _header(self, actor: Actor, call: CommandCall) -> CommandResponse:
        await self._channels.do_patch(actor, call.channel_id, {"header": call.text})
        return ephemeral()

    async def _purpose(self, actor: Actor, call: CommandCall) -> CommandResponse:
        await self._channels.do_patch(actor, call.channel_id, {"purpose": call.text})
        return ephemeral()

    async def _invite(self, actor: Actor, call: CommandCall) -> CommandResponse:
        name, rest = username_arg(call.text)
        if not name:
            return ephemeral("Use /invite @username [~channel].")
        try:
            user = await self._users.get_by_username(actor.tenant_id, name)
            channel_id = await self._named_channel(actor, call, channel_arg(rest))
        except errors.AppError as exc:
            return ephemeral(exc.message)
        await self._members.do_add(actor, channel_id, [user.id])
        return ephemeral(f"@{user.username} added to the channel.")

    async def _kick(self, actor: Actor, call: CommandCall) -> CommandResponse:
        name, _ = username_arg(call.text)
        if not name:
            return ephemeral(f"Use /{call.trigger} @username.")
        try:
            user = await self._users.get_by_username(actor.tenant_id, name)
        except errors.AppError:
            return ephemeral(f"We couldn't find the user {name}.")
        await self._members.do_remove(actor, call.channel_id, user.id)
        return ephemeral(f"@{user.username} removed from the channel.")

    async def _mute(self, actor: Actor, call: CommandCall) -> CommandResponse:
        channel_id = await self._named_channel(actor, call, channel_arg(call.text))
        member = await self._members.get(actor, channel_id, actor.user_id)
        muted = member.notify_props.get("mark_unread") == MUTED
        props = {"mark_unread": UNMUTED if muted else MUTED}
        await self._members.do_update_notify_props(actor, channel_id, actor.user_id, props)
        return ephemeral("You unmuted the channel." if muted else "You muted the channel.")
