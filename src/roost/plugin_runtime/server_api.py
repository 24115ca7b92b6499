"""The plugin API, served by the app services for one plugin instance (one plugin in
one tenant).

Like Mattermost's, it checks no permissions of its own: posts are made as the user the
plugin names, with a system admin's rights; plugins check what they need with
``has_permission_to``. Errors reach the plugin as ``roost.plugin.APIError``.

Every call acts within the instance's tenant: its ids are looked up there, its events
go to that tenant's clients, its keys are that tenant's, and its database work runs in
``tenant_scope`` of that tenant, whatever task the plugin calls from (a hook in a
request, its ``on_activate``, a timer of its own)."""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import orjson

from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.posts import PostDraft, PostPatch
from roost.model.event import Broadcast, Event, internal_event
from roost.model.events import PLUGIN_CLUSTER_EVENT, custom_event
from roost.plugin.base import APIError
from roost.plugin.types import Channel, Command, Post, User
from roost.plugin_runtime import convert
from roost.tenancy.scope import tenant_scope

if TYPE_CHECKING:
    from roost.app.services import Services
    from roost.plugin_runtime.commands import PluginCommands

EVENT_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}\Z")
EVENT_PAYLOAD_MAX_BYTES = 64 * 1024
SYSTEM_ADMIN = "system_admin"
# What a plain user may do, by Mattermost's permission names (system admins may do all).
USER_PERMISSIONS = frozenset(
    {
        "create_team",
        "list_public_teams",
        "join_public_teams",
        "create_direct_channel",
        "create_group_channel",
        "view_members",
        "create_emojis",
    }
)
CHANNEL_MEMBER_PERMISSIONS = frozenset(
    {
        "read_channel",
        "create_post",
        "add_reaction",
        "remove_reaction",
        "upload_file",
        "edit_post",
        "delete_post",
        "use_slash_commands",
        "use_channel_mentions",
        "manage_public_channel_members",
        "manage_private_channel_members",
    }
)


P = ParamSpec("P")
R = TypeVar("R")


@asynccontextmanager
async def _as_api_errors() -> AsyncIterator[None]:
    try:
        yield
    except errors.AppError as exc:
        raise APIError(exc.status, exc.error_id, exc.message) from None


def _in_tenant(
    method: Callable[Concatenate[ServerAPI, P], Awaitable[R]],
) -> Callable[Concatenate[ServerAPI, P], Coroutine[Any, Any, R]]:
    """Run the call in the instance's tenant scope."""

    async def call(self: ServerAPI, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with tenant_scope(self.tenant_id):
            return await method(self, *args, **kwargs)

    functools.update_wrapper(call, method)
    return call


class ServerAPI:
    def __init__(
        self,
        services: Services,
        tenant_id: str,
        plugin_id: str,
        commands: PluginCommands,
        settings: Callable[[], dict[str, Any]],
        node_id: str,
    ) -> None:
        self._s = services
        self.tenant_id = tenant_id
        self._plugin_id = plugin_id
        self._commands = commands
        self._settings = settings
        self._node_id = node_id
        self._system = Actor(tenant_id, "", SYSTEM_ADMIN)

    async def _acting(self, user_id: str) -> Actor:
        user = await self._s.users.get(self.tenant_id, user_id)
        roles = user.roles if SYSTEM_ADMIN in user.roles.split() else f"{user.roles} {SYSTEM_ADMIN}"
        return Actor(self.tenant_id, user.id, roles, username=user.username, is_bot=user.is_bot)

    # Posts.

    @_in_tenant
    async def create_post(self, post: Post) -> Post:
        async with _as_api_errors():
            actor = await self._acting(post.user_id)
            draft = PostDraft(
                channel_id=post.channel_id,
                message=post.message,
                root_id=post.root_id,
                file_ids=list(post.file_ids),
                props=dict(post.props),
                type=post.type,
            )
            created = await self._s.posts.do_create_post(actor, draft, set_online=False)
        return convert.post(created)

    @_in_tenant
    async def update_post(self, post: Post) -> Post:
        async with _as_api_errors():
            current = await self._s.post_lists.get_post(self._system, post.id)
            actor = await self._acting(current.user_id)
            patch = PostPatch(
                message=post.message, is_pinned=post.is_pinned, props=dict(post.props)
            )
            updated = await self._s.posts.do_patch_post(actor, post.id, patch)
        return convert.post(updated)

    @_in_tenant
    async def get_post(self, post_id: str) -> Post | None:
        try:
            return convert.post(await self._s.post_lists.get_post(self._system, post_id))
        except errors.AppError as exc:
            if exc.status in (400, 403, 404):
                return None
            raise APIError(exc.status, exc.error_id, exc.message) from None

    @_in_tenant
    async def send_ephemeral_post(self, user_id: str, post: Post) -> Post:
        async with _as_api_errors():
            actor = await self._acting(post.user_id or user_id)
            body = {
                "channel_id": post.channel_id,
                "message": post.message,
                "props": dict(post.props),
                "root_id": post.root_id,
            }
            sent = await self._s.posts.do_create_ephemeral(actor, user_id, body)
        return convert.post(sent)

    # Users and channels.

    @_in_tenant
    async def get_user(self, user_id: str) -> User | None:
        try:
            return convert.user(await self._s.users.get(self.tenant_id, user_id))
        except errors.AppError:
            return None

    @_in_tenant
    async def get_user_by_username(self, username: str) -> User | None:
        try:
            return convert.user(await self._s.users.get_by_username(self.tenant_id, username))
        except errors.AppError:
            return None

    @_in_tenant
    async def get_channel(self, channel_id: str) -> Channel | None:
        try:
            return convert.channel(await self._s.channels.get(self._system, channel_id))
        except errors.AppError:
            return None

    @_in_tenant
    async def get_direct_channel(self, user_id_1: str, user_id_2: str) -> Channel:
        async with _as_api_errors():
            actor = await self._acting(user_id_1)
            found = await self._s.direct_channels.do_create_direct(actor, user_id_1, user_id_2)
        return convert.channel(found)

    @_in_tenant
    async def has_permission_to(self, user_id: str, permission: str) -> bool:
        user = await self.get_user(user_id)
        if user is None or user.delete_at:
            return False
        return SYSTEM_ADMIN in user.roles.split() or permission in USER_PERMISSIONS

    @_in_tenant
    async def has_permission_to_channel(
        self, user_id: str, channel_id: str, permission: str
    ) -> bool:
        user = await self.get_user(user_id)
        if user is None or user.delete_at:
            return False
        if SYSTEM_ADMIN in user.roles.split():
            return True
        members = await self._s.channels.member_ids(self.tenant_id, channel_id)
        return user_id in members and permission in CHANNEL_MEMBER_PERMISSIONS

    # Commands.

    @_in_tenant
    async def register_command(self, command: Command) -> None:
        self._commands.register(self.tenant_id, self._plugin_id, command)

    @_in_tenant
    async def unregister_command(self, trigger: str) -> None:
        self._commands.unregister(self.tenant_id, self._plugin_id, trigger)

    # Events.

    @_in_tenant
    async def publish_websocket_event(
        self, event: str, payload: dict[str, Any], user_id: str = "", channel_id: str = ""
    ) -> None:
        if not EVENT_NAME.match(event):
            raise APIError(400, "app.plugin.event_name.app_error", "Invalid event name.")
        if not isinstance(payload, dict) or len(orjson.dumps(payload)) > EVENT_PAYLOAD_MAX_BYTES:
            raise APIError(
                400,
                "app.plugin.event_payload.app_error",
                f"The payload is a JSON object of at most {EVENT_PAYLOAD_MAX_BYTES} bytes.",
            )
        recipients: frozenset[str] | None = None
        if user_id:
            recipients = frozenset({user_id})
        elif channel_id:
            recipients = await self._s.channels.member_ids(self.tenant_id, channel_id)
        broadcast = Broadcast(recipients=recipients, user_id=user_id, channel_id=channel_id)
        name = custom_event(self._plugin_id, event)
        await self._s.bus.publish([Event(self.tenant_id, name, payload, broadcast)])

    @_in_tenant
    async def publish_plugin_cluster_event(self, event_id: str, data: dict[str, Any]) -> None:
        if not EVENT_NAME.match(event_id) or not isinstance(data, dict):
            raise APIError(400, "app.plugin.cluster_event.app_error", "Invalid cluster event.")
        body = {"plugin_id": self._plugin_id, "event_id": event_id, "data": data}
        body["origin"] = self._node_id
        await self._s.bus.publish([internal_event(self.tenant_id, PLUGIN_CLUSTER_EVENT, body)])

    @_in_tenant
    async def get_settings(self) -> dict[str, Any]:
        return dict(self._settings())

    # Key-value store.

    @_in_tenant
    async def kv_get(self, key: str) -> bytes | None:
        async with _as_api_errors():
            return await self._s.plugin_kv.get(self.tenant_id, self._plugin_id, key)

    @_in_tenant
    async def kv_set(self, key: str, value: bytes) -> None:
        async with _as_api_errors():
            await self._s.plugin_kv.set(self.tenant_id, self._plugin_id, key, value)

    @_in_tenant
    async def kv_set_with_expiry(self, key: str, value: bytes, expire_in_seconds: int) -> None:
        async with _as_api_errors():
            await self._s.plugin_kv.set(
                self.tenant_id, self._plugin_id, key, value, expire_in_seconds
            )

    @_in_tenant
    async def kv_set_with_options(
        self,
        key: str,
        value: bytes | None,
        *,
        atomic: bool = False,
        old_value: bytes | None = None,
        expire_in_seconds: int = 0,
    ) -> bool:
        async with _as_api_errors():
            return await self._s.plugin_kv.set_with_options(
                self.tenant_id, self._plugin_id, key, value, atomic, old_value, expire_in_seconds
            )

    @_in_tenant
    async def kv_delete(self, key: str) -> None:
        async with _as_api_errors():
            await self._s.plugin_kv.delete(self.tenant_id, self._plugin_id, key)

    @_in_tenant
    async def kv_delete_all(self) -> None:
        async with _as_api_errors():
            await self._s.plugin_kv.delete_all(self.tenant_id, self._plugin_id)

    @_in_tenant
    async def kv_list(self, page: int = 0, per_page: int = 100) -> list[str]:
        async with _as_api_errors():
            return await self._s.plugin_kv.list_keys(
                self.tenant_id, self._plugin_id, page, per_page
            )


# The calls a plugin in the shared host may make, by name.
API_METHODS = frozenset(
    name for name in vars(ServerAPI) if not name.startswith("_") and callable(vars(ServerAPI)[name])
)
