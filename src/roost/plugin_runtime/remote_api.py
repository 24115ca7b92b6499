"""The plugin API as plugins in the shared host see it: each call goes to the server,
naming the instance (tenant and plugin) it is made for."""

from __future__ import annotations

from typing import Any

from roost.plugin.base import APIError
from roost.plugin.files import ISOLATED_REPLACE_MAX_BYTES, READ_CHUNK_BYTES
from roost.plugin.types import Channel, Command, Post, User
from roost.plugin_runtime.rpc import Peer, RemoteError

# A plugin API call waits this long for the server at most.
API_CALL_TIMEOUT_SECONDS = 30.0


class RemoteAPI:
    def __init__(self, peer: Peer, instance: str) -> None:
        self._peer = peer
        self._instance = instance

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        body = {"instance": self._instance, "method": method, "args": list(args), "kwargs": kwargs}
        try:
            return await self._peer.call("api", body, API_CALL_TIMEOUT_SECONDS)
        except RemoteError as exc:
            if exc.kind == "api":
                raise APIError(
                    int(exc.extra.get("status", 500)), str(exc.extra.get("id", "")), exc.message
                ) from None
            raise

    async def create_post(self, post: Post) -> Post:
        result: Post = await self._call("create_post", post)
        return result

    async def update_post(self, post: Post) -> Post:
        result: Post = await self._call("update_post", post)
        return result

    async def get_post(self, post_id: str) -> Post | None:
        result: Post | None = await self._call("get_post", post_id)
        return result

    async def send_ephemeral_post(self, user_id: str, post: Post) -> Post:
        result: Post = await self._call("send_ephemeral_post", user_id, post)
        return result

    async def get_user(self, user_id: str) -> User | None:
        result: User | None = await self._call("get_user", user_id)
        return result

    async def get_user_by_username(self, username: str) -> User | None:
        result: User | None = await self._call("get_user_by_username", username)
        return result

    async def get_channel(self, channel_id: str) -> Channel | None:
        result: Channel | None = await self._call("get_channel", channel_id)
        return result

    async def get_direct_channel(self, user_id_1: str, user_id_2: str) -> Channel:
        result: Channel = await self._call("get_direct_channel", user_id_1, user_id_2)
        return result

    async def has_permission_to(self, user_id: str, permission: str) -> bool:
        return bool(await self._call("has_permission_to", user_id, permission))

    async def has_permission_to_channel(
        self, user_id: str, channel_id: str, permission: str
    ) -> bool:
        return bool(await self._call("has_permission_to_channel", user_id, channel_id, permission))

    async def register_command(self, command: Command) -> None:
        await self._call("register_command", command)

    async def unregister_command(self, trigger: str) -> None:
        await self._call("unregister_command", trigger)

    async def publish_websocket_event(
        self, event: str, payload: dict[str, Any], user_id: str = "", channel_id: str = ""
    ) -> None:
        await self._call("publish_websocket_event", event, payload, user_id, channel_id)

    async def publish_plugin_cluster_event(self, event_id: str, data: dict[str, Any]) -> None:
        await self._call("publish_plugin_cluster_event", event_id, data)

    async def get_settings(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("get_settings")
        return result

    async def kv_get(self, key: str) -> bytes | None:
        result: bytes | None = await self._call("kv_get", key)
        return result

    async def kv_set(self, key: str, value: bytes) -> None:
        await self._call("kv_set", key, value)

    async def kv_set_with_expiry(self, key: str, value: bytes, expire_in_seconds: int) -> None:
        await self._call("kv_set_with_expiry", key, value, expire_in_seconds)

    async def kv_set_with_options(
        self,
        key: str,
        value: bytes | None,
        *,
        atomic: bool = False,
        old_value: bytes | None = None,
        expire_in_seconds: int = 0,
    ) -> bool:
        return bool(
            await self._call(
                "kv_set_with_options",
                key,
                value,
                atomic=atomic,
                old_value=old_value,
                expire_in_seconds=expire_in_seconds,
            )
        )

    async def kv_delete(self, key: str) -> None:
        await self._call("kv_delete", key)

    async def kv_delete_all(self) -> None:
        await self._call("kv_delete_all")

    async def kv_list(self, page: int = 0, per_page: int = 100) -> list[str]:
        result: list[str] = await self._call("kv_list", page, per_page)
        return result


class RemoteFileContent:
    """``FileContent`` for a plugin in the shared host: the bytes stay in the server's
    temporary file and come over in chunks as the plugin reads them."""

    def __init__(self, peer: Peer, instance: str, token: str, size: int) -> None:
        self._peer = peer
        self._instance = instance
        self._token = token
        self._size = size

    @property
    def size(self) -> int:
        return self._size

    async def _call(self, body: dict[str, Any]) -> Any:
        body = {"instance": self._instance, "token": self._token, **body}
        try:
            return await self._peer.call("file", body, API_CALL_TIMEOUT_SECONDS)
        except RemoteError as exc:
            if exc.kind == "api":
                raise APIError(
                    int(exc.extra.get("status", 500)), str(exc.extra.get("id", "")), exc.message
                ) from None
            raise

    async def read(self, size: int = -1) -> bytes:
        if 0 <= size <= READ_CHUNK_BYTES:
            chunk: bytes = await self._call({"action": "read", "size": size})
            return chunk
        parts: list[bytes] = []
        wanted = size if size >= 0 else self._size
        while wanted > 0:
            chunk = await self._call({"action": "read", "size": min(wanted, READ_CHUNK_BYTES)})
            if not chunk:
                break
            parts.append(chunk)
            wanted -= len(chunk)
        return b"".join(parts)

    async def replace(self, data: bytes) -> None:
        if isinstance(data, bytes) and len(data) > ISOLATED_REPLACE_MAX_BYTES:
            raise APIError(
                413,
                "app.plugin.file_content.too_large.app_error",
                f"An isolated plugin replaces a file with at most "
                f"{ISOLATED_REPLACE_MAX_BYTES} bytes.",
            )
        await self._call({"action": "replace", "data": data})
        self._size = len(data)
