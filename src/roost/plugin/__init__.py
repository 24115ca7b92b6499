"""Roost's server-plugin API for plugin authors (see docs/plugins.md).

A plugin is a package with a ``plugin.json`` manifest and a subclass of ``Plugin``. This
package imports nothing heavy: the shared plugin host loads it in a small process.
"""

from roost.plugin.api import PluginAPI
from roost.plugin.base import HOOKS, APIError, Plugin, Rejected, implemented_hooks
from roost.plugin.files import FileContent
from roost.plugin.manifest import Manifest, ManifestError, Setting, parse_manifest
from roost.plugin.types import (
    AutocompleteArg,
    AutocompleteData,
    AutocompleteListItem,
    Channel,
    ChannelMember,
    Command,
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

__all__ = [
    "HOOKS",
    "APIError",
    "AutocompleteArg",
    "AutocompleteData",
    "AutocompleteListItem",
    "Channel",
    "ChannelMember",
    "Command",
    "CommandArgs",
    "CommandResponse",
    "FileContent",
    "FileInfo",
    "HttpRequest",
    "HttpResponse",
    "Manifest",
    "ManifestError",
    "Plugin",
    "PluginAPI",
    "Post",
    "Reaction",
    "Rejected",
    "Setting",
    "TeamMember",
    "User",
    "implemented_hooks",
    "parse_manifest",
]
