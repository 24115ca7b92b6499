"""The class every server plugin extends, with Mattermost's hooks in Python naming.

Override only the hooks you need: the server calls a hook only if the plugin's class
defines it, so an unused hook costs nothing per post. Every hook is a coroutine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roost.plugin.files import FileContent
from roost.plugin.types import (
    Channel,
    ChannelMember,
    CommandArgs,
    CommandResponse,
    FileInfo,
    HttpRequest,
    HttpResponse,
    Post,
    Reaction,
    TeamMember,
    User,
)

if TYPE_CHECKING:
    from roost.plugin.api import PluginAPI
    from roost.plugin.manifest import Manifest


class Rejected(Exception):
    """Raised by ``message_will_be_posted``/``_updated`` or ``user_will_log_in`` to refuse;
    the reason reaches the user. Any other exception counts as the plugin failing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class APIError(Exception):
    """A plugin API call the server refused (bad key, missing post, ...)."""

    def __init__(self, status: int, error_id: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message


class Plugin:
    api: PluginAPI
    manifest: Manifest
    # The current settings (defaults filled in); replaced before on_configuration_change.
    settings: dict[str, Any]

    # Life cycle. An exception from on_activate leaves the plugin failed to start.
    async def on_activate(self) -> None:
        pass

    async def on_deactivate(self) -> None:
        pass

    async def on_configuration_change(self) -> None:
        pass

    # Before a post is written: return the post (changed or not), or raise Rejected.
    # Plugins run in order of id, each seeing the previous one's post.
    async def message_will_be_posted(self, post: Post) -> Post:
        return post

    async def message_will_be_updated(self, new: Post, old: Post) -> Post:
        return new

    # After the change is committed, off the request path, on the node that made it.
    async def message_has_been_posted(self, post: Post) -> None:
        pass

    async def message_has_been_updated(self, new: Post, old: Post) -> None:
        pass

    async def message_has_been_deleted(self, post: Post) -> None:
        pass

    async def reaction_has_been_added(self, reaction: Reaction) -> None:
        pass

    async def reaction_has_been_removed(self, reaction: Reaction) -> None:
        pass

    async def channel_has_been_created(self, channel: Channel) -> None:
        pass

    async def user_has_joined_channel(self, member: ChannelMember, actor_id: str) -> None:
        pass

    async def user_has_left_channel(self, member: ChannelMember, actor_id: str) -> None:
        pass

    async def user_has_joined_team(self, member: TeamMember, actor_id: str) -> None:
        pass

    async def user_has_left_team(self, member: TeamMember, actor_id: str) -> None:
        pass

    async def user_has_been_created(self, user: User) -> None:
        pass

    # Before a session is opened for a user whose password was right; raise Rejected.
    async def user_will_log_in(self, user: User) -> None:
        pass

    # Before an uploaded file is stored, in the upload request: return the info (its name
    # changed or not), or raise Rejected; ``content`` reads the bytes and may replace them.
    # Plugins run in order of id, each seeing the previous one's file.
    async def file_will_be_uploaded(self, info: FileInfo, content: FileContent) -> FileInfo:
        return info

    # A WebSocket connection was opened or closed on this node (off the socket's path:
    # a slow plugin never delays a socket).
    async def on_websocket_connect(self, user_id: str, connection_id: str) -> None:
        pass

    async def on_websocket_disconnect(self, user_id: str, connection_id: str) -> None:
        pass

    # A slash command this plugin registered with api.register_command.
    async def execute_command(self, args: CommandArgs) -> CommandResponse:
        return CommandResponse(text=f"/{args.trigger} is not handled")

    # Requests to /plugins/<id>/...
    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=404, body=b'{"error":"not found"}')

    # An event another node's copy of this plugin published.
    async def on_plugin_cluster_event(self, event_id: str, data: dict[str, Any]) -> None:
        pass


# Hooks that run before a change and may refuse it (their failure mode matters).
GATE_HOOKS = frozenset(
    {
        "message_will_be_posted",
        "message_will_be_updated",
        "user_will_log_in",
        "file_will_be_uploaded",
    }
)
# Every hook the server may call, besides the life-cycle ones.
HOOKS = frozenset(
    name
    for name, value in vars(Plugin).items()
    if callable(value)
    and not name.startswith("_")
    and name not in ("on_activate", "on_deactivate", "on_configuration_change")
)


def implemented_hooks(cls: type[Plugin]) -> frozenset[str]:
    """The hooks a plugin class overrides: the only ones the server will call."""
    return frozenset(h for h in HOOKS if getattr(cls, h, None) is not getattr(Plugin, h))
