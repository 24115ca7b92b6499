"""The plugin API: what a plugin may ask of the server (``self.api`` in a plugin).

The same calls work in process and from the shared plugin host. Every call acts for the
plugin: permission checks are the plugin's to make (``has_permission_to``), as in
Mattermost. Keep no state in memory that other nodes need: put it in the key-value
store, which every node shares.
"""

from __future__ import annotations

from typing import Any, Protocol

from roost.plugin.types import Channel, Command, Post, User


class PluginAPI(Protocol):
    # Posts.
    async def create_post(self, post: Post) -> Post: ...

    async def update_post(self, post: Post) -> Post: ...

    async def get_post(self, post_id: str) -> Post | None: ...

    async def send_ephemeral_post(self, user_id: str, post: Post) -> Post: ...

    # Users and channels.
    async def get_user(self, user_id: str) -> User | None: ...

    async def get_user_by_username(self, username: str) -> User | None: ...

    async def get_channel(self, channel_id: str) -> Channel | None: ...

    async def get_direct_channel(self, user_id_1: str, user_id_2: str) -> Channel: ...

    async def has_permission_to(self, user_id: str, permission: str) -> bool: ...

    async def has_permission_to_channel(
        self, user_id: str, channel_id: str, permission: str
    ) -> bool: ...

    # Slash commands (answered by the plugin's execute_command hook).
    async def register_command(self, command: Command) -> None: ...

    async def unregister_command(self, trigger: str) -> None: ...

    # Events. WebSocket events reach clients as ``custom_<plugin id>_<event>``; with no
    # user or channel, every connected user gets it.
    async def publish_websocket_event(
        self, event: str, payload: dict[str, Any], user_id: str = "", channel_id: str = ""
    ) -> None: ...

    async def publish_plugin_cluster_event(self, event_id: str, data: dict[str, Any]) -> None: ...

    # Settings, as the admin set them (defaults filled in).
    async def get_settings(self) -> dict[str, Any]: ...

    # Key-value store, namespaced per plugin and shared by every node.
    async def kv_get(self, key: str) -> bytes | None: ...

    async def kv_set(self, key: str, value: bytes) -> None: ...

    async def kv_set_with_expiry(self, key: str, value: bytes, expire_in_seconds: int) -> None: ...

    async def kv_set_with_options(
        self,
        key: str,
        value: bytes | None,
        *,
        atomic: bool = False,
        old_value: bytes | None = None,
        expire_in_seconds: int = 0,
    ) -> bool:
        """Set (or with value None, delete) the key. With ``atomic``, only if its current
        value is ``old_value`` (None: only if the key does not exist); returns whether
        the value was written."""
        ...

    async def kv_delete(self, key: str) -> None: ...

    async def kv_delete_all(self) -> None: ...

    async def kv_list(self, page: int = 0, per_page: int = 100) -> list[str]: ...
