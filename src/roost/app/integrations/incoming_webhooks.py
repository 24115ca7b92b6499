"""Incoming webhooks: a URL an outside system posts messages to, without a login.

The hook's id is its secret. A payload becomes a post by the hook's creator in the
hook's channel (or another channel of its team, or a direct message, unless the hook
is locked to its channel), marked as from a webhook.
"""

from __future__ import annotations

from typing import Any

from roost.app.channels.channels import can_read, channel_not_found
from roost.app.channels.direct import DirectChannels
from roost.app.integrations.access import check_can_manage
from roost.app.integrations.errors import (
    incoming_webhook_not_found,
    incoming_webhooks_disabled,
    webhook_channel_locked,
    webhook_channel_not_found,
    webhook_rate_limited,
    webhook_text_missing,
    webhook_user_not_found,
)
from roost.app.integrations.fields import bool_field, text_field
from roost.app.integrations.posts import IntegrationMessage, IntegrationPoster
from roost.app.integrations.slack_format import check_attachments
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.rate_limits import TokenBuckets
from roost.clock import now_ms
from roost.config import IntegrationSettings
from roost.ids import is_valid_id, new_id
from roost.model.channel import Channel
from roost.model.webhook import IncomingWebhook
from roost.store.accounts import users as user_store
from roost.store.channels import channels as channel_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.integrations import webhooks as hook_store

DISPLAY_NAME_MAX = 64
DESCRIPTION_MAX = 500
USERNAME_MAX = 255
ICON_URL_MAX = 1024
CHANNEL_NAME_MAX = 64


class IncomingWebhooks:
    def __init__(
        self,
        db: Database,
        direct_channels: DirectChannels,
        poster: IntegrationPoster,
        settings: IntegrationSettings,
    ) -> None:
        self._db = db
        self._direct = direct_channels
        self._poster = poster
        self._settings = settings
        self._rates = TokenBuckets(
            settings.incoming_webhook_rate_per_second, settings.incoming_webhook_burst
        )

    def _check_enabled(self) -> None:
        if not self._settings.enable_incoming_webhooks:
            raise incoming_webhooks_disabled()

    async def _hook_channel(self, conn: AsyncConnection, actor: Actor, channel_id: str) -> Channel:
        """A team channel the caller can read and manage integrations of."""
        if not is_valid_id(channel_id):
            raise errors.invalid_body_param("channel_id")
        channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
        if channel is None or channel.delete_at or not channel.team_id:
            raise channel_not_found()
        await check_can_manage(conn, actor, channel.team_id)
        if not await can_read(conn, actor, channel):
            raise errors.forbidden()
        return channel

    @staticmethod
    def _apply(hook: IncomingWebhook, body: dict[str, Any]) -> None:
        hook.display_name = text_field(body, "display_name", DISPLAY_NAME_MAX)
        hook.description = text_field(body, "description", DESCRIPTION_MAX)
        hook.username = text_field(body, "username", USERNAME_MAX)
        hook.icon_url = text_field(body, "icon_url", ICON_URL_MAX)
        hook.channel_locked = bool_field(body, "channel_locked")

    async def do_create(self, actor: Actor, body: dict[str, Any]) -> IncomingWebhook:
        self._check_enabled()
        owner = body.get("user_id") or actor.user_id
        if owner != actor.user_id and not actor.is_system_admin:
            raise errors.forbidden()
        now = now_ms()
        async with self._db.write() as conn:
            channel = await self._hook_channel(conn, actor, str(body.get("channel_id") or ""))
            if owner != actor.user_id and not await user_store.get_user(
                conn, actor.tenant_id, str(owner)
            ):
                raise errors.invalid_body_param("user_id")
            hook = IncomingWebhook(
                id=new_id(),
                user_id=str(owner),
                channel_id=channel.id,
                team_id=channel.team_id,
                create_at=now,
                update_at=now,
            )
            self._apply(hook, body)
            await hook_store.insert_incoming(conn, actor.tenant_id, hook)
        return hook

    async def _managed(self, conn: AsyncConnection, actor: Actor, hook_id: str) -> IncomingWebhook:
        hook = await hook_store.get_incoming(conn, actor.tenant_id, hook_id)
        if hook is None:
            raise incoming_webhook_not_found()
        await check_can_manage(conn, actor, hook.team_id)
        return hook

    async def get(self, actor: Actor, hook_id: str) -> IncomingWebhook:
        self._check_enabled()
        async with self._db.read() as conn:
            return await self._managed(conn, actor, hook_id)

    async def listing(
        self, actor: Actor, team_id: str, offset: int, limit: int
    ) -> list[IncomingWebhook]:
        self._check_enabled()
        async with self._db.read() as conn:
            if team_id:
                await check_can_manage(conn, actor, team_id)
            elif not actor.is_system_admin:
                raise errors.forbidden()
            return await hook_store.list_incoming(conn, actor.tenant_id, team_id, offset, limit)

    async def do_update(self, actor: Actor, hook_id: str, body: dict[str, Any]) -> IncomingWebhook:
        self._check_enabled()
        if body.get("id") not in (None, hook_id):
            raise errors.invalid_body_param("id")
        async with self._db.write() as conn:
            hook = await self._managed(conn, actor, hook_id)
            channel_id = body.get("channel_id") or hook.channel_id
            if channel_id != hook.channel_id:
                channel = await self._hook_channel(conn, actor, str(channel_id))
                if channel.team_id != hook.team_id:
                    raise errors.invalid_body_param("channel_id", "a channel of the hook's team")
                hook.channel_id = channel.id
            self._apply(hook, body)
            hook.update_at = now_ms()
            await hook_store.update_incoming(conn, actor.tenant_id, hook)
        return hook

    async def do_delete(self, actor: Actor, hook_id: str) -> None:
        self._check_enabled()
        async with self._db.write() as conn:
            hook = await self._managed(conn, actor, hook_id)
            hook.delete_at = hook.update_at = now_ms()
            await hook_store.update_incoming(conn, actor.tenant_id, hook)

    # Receiving.

    async def do_receive(self, tenant_id: str, hook_id: str, payload: dict[str, Any]) -> None:
        """A payload posted to /hooks/{id}: checked, then made a post."""
        self._check_enabled()
        if not is_valid_id(hook_id):
            raise incoming_webhook_not_found()
        if not self._rates.take(f"{tenant_id}:{hook_id}"):
            raise webhook_rate_limited()
        text = payload.get("text") or ""
        if not isinstance(text, str):
            raise errors.invalid_body_param("text")
        attachments = check_attachments(payload.get("attachments"))
        if not text.strip() and not attachments:
            raise webhook_text_missing()
        props = payload.get("props") or {}
        if not isinstance(props, dict):
            raise errors.invalid_body_param("props")
        post_type = payload.get("type") or ""
        if not isinstance(post_type, str):
            raise errors.invalid_body_param("type")
        async with self._db.read() as conn:
            hook = await hook_store.get_incoming(conn, tenant_id, hook_id)
        if hook is None:
            raise incoming_webhook_not_found()
        actor = await self._poster.acting_as(tenant_id, hook.user_id)
        channel_id = await self._target_channel(actor, hook, payload.get("channel"))
        message = IntegrationMessage(
            channel_id=channel_id,
            text=text,
            attachments=attachments,
            props=props,
            type=post_type,
            username=text_field(payload, "username", USERNAME_MAX) or hook.username,
            icon_url=text_field(payload, "icon_url", ICON_URL_MAX) or hook.icon_url,
        )
        await self._poster.post(actor, message)

    async def _target_channel(self, actor: Actor, hook: IncomingWebhook, override: Any) -> str:
        if not override:
            return hook.channel_id
        if not isinstance(override, str) or len(override) > CHANNEL_NAME_MAX + 1:
            raise errors.invalid_body_param("channel")
        if override.startswith("@"):
            target = await self._direct_target(actor, hook, override[1:])
        else:
            target = await self._named_target(actor, hook, override.removeprefix("#"))
        if hook.channel_locked and target != hook.channel_id:
            raise webhook_channel_locked()
        return target

    async def _named_target(self, actor: Actor, hook: IncomingWebhook, name: str) -> str:
        async with self._db.read() as conn:
            channel = await channel_store.get_channel_by_name(
                conn, actor.tenant_id, hook.team_id, name
            )
        if channel is None or channel.delete_at:
            raise webhook_channel_not_found()
        return channel.id

    async def _direct_target(self, actor: Actor, hook: IncomingWebhook, username: str) -> str:
        async with self._db.read() as conn:
            user = await user_store.get_by_username(conn, actor.tenant_id, username)
        if user is None or user.delete_at:
            raise webhook_user_not_found()
        if hook.channel_locked:
            return ""  # never the hook's channel: the lock check refuses it
        channel = await self._direct.do_create_direct(actor, actor.user_id, user.id)
        return channel.id
