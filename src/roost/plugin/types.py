"""What hooks receive and the plugin API returns: small dataclasses with Mattermost's field
names. They cross a process boundary for isolated plugins, so they hold only JSON-able
values (and ``bytes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.model.autocomplete import AutocompleteArg, AutocompleteData, AutocompleteListItem
from roost.model.command import CommandCall, CommandResponse, ProvidedCommand

# The slash-command types are the server's own (one definition for the command service,
# its providers and plugins), exported here under the names plugin authors look for.
CommandArgs = CommandCall
Command = ProvidedCommand

__all__ = [
    "AutocompleteArg",
    "AutocompleteData",
    "AutocompleteListItem",
    "Channel",
    "ChannelMember",
    "Command",
    "CommandArgs",
    "CommandResponse",
    "FileInfo",
    "HttpRequest",
    "HttpResponse",
    "Post",
    "Reaction",
    "TeamMember",
    "User",
]


@dataclass(slots=True)
class Post:
    channel_id: str
    user_id: str = ""
    message: str = ""
    id: str = ""
    root_id: str = ""
    type: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)
    create_at: int = 0
    update_at: int = 0
    edit_at: int = 0
    delete_at: int = 0
    is_pinned: bool = False


@dataclass(slots=True)
class User:
    id: str
    username: str
    email: str = ""
    nickname: str = ""
    first_name: str = ""
    last_name: str = ""
    roles: str = ""
    locale: str = "en"
    is_bot: bool = False
    create_at: int = 0
    delete_at: int = 0


@dataclass(slots=True)
class Channel:
    id: str
    team_id: str
    type: str
    name: str
    display_name: str = ""
    header: str = ""
    purpose: str = ""
    creator_id: str = ""
    create_at: int = 0
    delete_at: int = 0


@dataclass(slots=True)
class Reaction:
    user_id: str
    post_id: str
    emoji_name: str
    channel_id: str = ""
    create_at: int = 0


@dataclass(slots=True)
class ChannelMember:
    channel_id: str
    user_id: str


@dataclass(slots=True)
class TeamMember:
    team_id: str
    user_id: str


@dataclass(slots=True)
class FileInfo:
    """A file being uploaded, before it is stored. A plugin may change ``name`` (the
    extension and type follow it); ``size`` is the content's, read-only."""

    name: str
    size: int
    channel_id: str
    user_id: str
    mime_type: str = ""
    extension: str = ""


@dataclass(slots=True)
class HttpRequest:
    """A request to ``/plugins/{id}/...``. ``path`` is what follows the plugin id
    (always starting with "/"); ``user_id`` is set if and only if the caller is
    authenticated (Mattermost's ``Mattermost-User-Id`` header)."""

    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    user_id: str = ""


@dataclass(slots=True)
class HttpResponse:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


# Every type that may cross between the server and the plugin host, by name.
WIRE_TYPES: dict[str, type[Any]] = {
    t.__name__: t
    for t in (
        Post,
        User,
        Channel,
        Reaction,
        ChannelMember,
        TeamMember,
        FileInfo,
        HttpRequest,
        HttpResponse,
        CommandCall,
        CommandResponse,
        ProvidedCommand,
        AutocompleteData,
        AutocompleteArg,
        AutocompleteListItem,
    )
}
