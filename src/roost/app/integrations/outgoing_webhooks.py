"""Outgoing webhooks: a post in a public channel whose first word is a trigger word is
sent to the hook's callback URLs; an answer with text becomes a post (a reply in the
thread when it asks for ``response_type: comment``).

Matching runs after the post commits, on the node that made it (a ``PostHook``);
the calls go through the delivery queue, so they are retried and survive restarts.
Each node keeps a team's hooks in memory, dropped when any node changes them.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import orjson
from cachetools import TTLCache

from roost.app.channels.channels import channel_not_found
from roost.app.integrations.access import check_can_manage
from roost.app.integrations.deliveries import DeliveryQueue
from roost.app.integrations.errors import (
    outgoing_webhook_channel_not_open,
    outgoing_webhook_no_trigger,
    outgoing_webhook_not_found,
    outgoing_webhooks_disabled,
)
from roost.app.integrations.fields import str_list_field, text_field, url_field
from roost.app.integrations.outbound import OutboundResponse
from roost.app.integrations.posts import IntegrationMessage, IntegrationPoster
from roost.app.integrations.slack_format import check_attachments
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.hooks import PostHook
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import IntegrationSettings
from roost.ids import is_valid_id, new_id
from roost.model.channel import OPEN, Channel
from roost.model.delivery import Delivery
from roost.model.event import Event, internal_event
from roost.model.events import HOOKS_CHANGED, RESYNC
from roost.model.post import SYSTEM_TYPE_PREFIX, Post
from roost.model.webhook import (
    FORM_CONTENT,
    JSON_CONTENT,
    TRIGGER_EXACT,
    TRIGGER_PREFIX,
    OutgoingWebhook,
)
from roost.store.channels import channels as channel_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.integrations import webhooks as hook_store
from roost.tenancy.scope import across_tenants

KIND = "outgoing_webhook"
MAX_TRIGGER_WORDS = 100
MAX_CALLBACK_URLS = 10
TRIGGER_WORD_MAX = 128
CACHE_SIZE = 10_000
CACHE_SECONDS = 300.0
COMMENT = "comment"


class OutgoingWebhooks(PostHook):
    def __init__(
        self,
        db: Database,
        bus: Bus,
        deliveries: DeliveryQueue,
        poster: IntegrationPoster,
        settings: IntegrationSettings,
    ) -> None:
        self._db = db
        self._bus = bus
        self._deliveries = deliveries
        self._poster = poster
        self._settings = settings
        self._team_hooks: TTLCache[tuple[str, str], list[OutgoingWebhook]] = TTLCache(
            CACHE_SIZE, CACHE_SECONDS
        )
        # Whether any outgoing hook exists at all (None: not known yet). While there are
        # none, posts make no task to match against them. A change anywhere sets it
        # (a deleted last hook leaves it set: harmless, only slower).
        self._some: bool | None = None
        # Bumped by every change: a read that began before it does not refill the cache.
        self._hooks_epoch = 0
        self._checking: asyncio.Task[None] | None = None
        bus.subscribe(self._on_event)
        deliveries.on_delivered(KIND, self._on_reply)

    def _on_event(self, event: Event) -> None:
        if event.name == HOOKS_CHANGED:
            self._hooks_epoch += 1
            self._team_hooks.pop((event.tenant_id, event.data["team_id"]), None)
            self._some = True
        elif event.name == RESYNC:
            self._hooks_epoch += 1
            self._team_hooks.clear()
            self._some = None

    def _check_some(self) -> None:
        if self._checking is None or self._checking.done():
            self._checking = asyncio.create_task(self._load_some())

    async def _load_some(self) -> None:
        found = False
        for database in self._db.names():
            with across_tenants(database):  # whether any tenant has one
                async with self._db.read(primary=True) as conn:
                    found = found or await hook_store.any_outgoing(conn)
        if self._some is None:  # a change meanwhile has already said True
            self._some = found

    def _check_enabled(self) -> None:
        if not self._settings.enable_outgoing_webhooks:
            raise outgoing_webhooks_disabled()

    # Managing.

    async def _apply(
        self, conn: AsyncConnection, actor: Actor, hook: OutgoingWebhook, body: dict[str, Any]
    ) -> None:
        hook.display_name = text_field(body, "display_name", 64)
        hook.description = text_field(body, "description", 500)
        hook.username = text_field(body, "username", 255)
        hook.icon_url = text_field(body, "icon_url", 1024)
        hook.content_type = text_field(body, "content_type", 128) or FORM_CONTENT
        if hook.content_type not in (FORM_CONTENT, JSON_CONTENT):
            raise errors.invalid_body_param("content_type")
        hook.trigger_words = str_list_field(
            body, "trigger_words", MAX_TRIGGER_WORDS, TRIGGER_WORD_MAX
        )
        when = body.get("trigger_when", TRIGGER_EXACT)
        if when not in (TRIGGER_EXACT, TRIGGER_PREFIX) or isinstance(when, bool):
            raise errors.invalid_body_param("trigger_when")
        hook.trigger_when = int(when)
        urls = body.get("callback_urls") or []
        if not isinstance(urls, list) or not 0 < len(urls) <= MAX_CALLBACK_URLS:
            raise errors.invalid_body_param("callback_urls")
        hook.callback_urls = [url_field({"callback_urls": u}, "callback_urls") for u in urls]
        channel_id = body.get("channel_id") or ""
        if channel_id:
            if not isinstance(channel_id, str) or not is_valid_id(channel_id):
                raise errors.invalid_body_param("channel_id")
            channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
            if channel is None or channel.team_id != hook.team_id:
                raise channel_not_found()
            if channel.type != OPEN:
                raise outgoing_webhook_channel_not_open()
        elif not hook.trigger_words:
            raise outgoing_webhook_no_trigger()
        hook.channel_id = channel_id

    async def do_create(self, actor: Actor, body: dict[str, Any]) -> OutgoingWebhook:
        self._check_enabled()
        team_id = body.get("team_id")
        if not isinstance(team_id, str) or not is_valid_id(team_id):
            raise errors.invalid_body_param("team_id")
        now = now_ms()
        hook = OutgoingWebhook(
            id=new_id(),
            token=new_id(),
            creator_id=actor.user_id,
            team_id=team_id,
            create_at=now,
            update_at=now,
        )
        async with self._db.write() as conn:
            await check_can_manage(conn, actor, team_id)
            await self._apply(conn, actor, hook, body)
            await hook_store.insert_outgoing(conn, actor.tenant_id, hook)
        await self._changed(actor.tenant_id, team_id)
        return hook

    async def _managed(self, conn: AsyncConnection, actor: Actor, hook_id: str) -> OutgoingWebhook:
        hook = await hook_store.get_outgoing(conn, actor.tenant_id, hook_id)
        if hook is None:
            raise outgoing_webhook_not_found()
        await check_can_manage(conn, actor, hook.team_id)
        return hook

    async def get(self, actor: Actor, hook_id: str) -> OutgoingWebhook:
        self._check_enabled()
        async with self._db.read() as conn:
            return await self._managed(conn, actor, hook_id)

    async def listing(
        self, actor: Actor, team_id: str, channel_id: str, offset: int, limit: int
    ) -> list[OutgoingWebhook]:
        self._check_enabled()
        async with self._db.read() as conn:
            if channel_id and not team_id:
                channel = await channel_store.get_channel(conn, actor.tenant_id, channel_id)
                if channel is None:
                    raise channel_not_found()
                team_id = channel.team_id
            if team_id:
                await check_can_manage(conn, actor, team_id)
            elif not actor.is_system_admin:
                raise errors.forbidden()
            return await hook_store.list_outgoing(
                conn, actor.tenant_id, team_id, channel_id, offset, limit
            )

    async def do_update(self, actor: Actor, hook_id: str, body: dict[str, Any]) -> OutgoingWebhook:
        self._check_enabled()
        if body.get("id") not in (None, hook_id):
            raise errors.invalid_body_param("id")
        async with self._db.write() as conn:
            hook = await self._managed(conn, actor, hook_id)
            await self._apply(conn, actor, hook, body)
            hook.update_at = now_ms()
            await hook_store.update_outgoing(conn, actor.tenant_id, hook)
        await self._changed(actor.tenant_id, hook.team_id)
        return hook

    async def do_regen_token(self, actor: Actor, hook_id: str) -> OutgoingWebhook:
        self._check_enabled()
        async with self._db.write() as conn:
            hook = await self._managed(conn, actor, hook_id)
            hook.token, hook.update_at = new_id(), now_ms()
            await hook_store.update_outgoing(conn, actor.tenant_id, hook)
        await self._changed(actor.tenant_id, hook.team_id)
        return hook

    async def do_delete(self, actor: Actor, hook_id: str) -> None:
        self._check_enabled()
        async with self._db.write() as conn:
            hook = await self._managed(conn, actor, hook_id)
            hook.delete_at = hook.update_at = now_ms()
            await hook_store.update_outgoing(conn, actor.tenant_id, hook)
        await self._changed(actor.tenant_id, hook.team_id)

    async def _changed(self, tenant_id: str, team_id: str) -> None:
        await self._bus.publish([internal_event(tenant_id, HOOKS_CHANGED, {"team_id": team_id})])

    # Firing (a PostHook: only has_posted does anything).

    @property
    def wants_after(self) -> bool:
        """PostHooks makes no task per post while outgoing webhooks are switched off,
        or while no tenant has any."""
        if not self._settings.enable_outgoing_webhooks:
            return False
        if self._some is None:
            self._check_some()
            return True
        return self._some

    async def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None:
        # Webhooks' own posts never fire hooks (no loops); only public channels do.
        if (
            not self._settings.enable_outgoing_webhooks
            or channel.type != OPEN
            or post.type.startswith(SYSTEM_TYPE_PREFIX)
            or post.props.get("from_webhook") == "true"
        ):
            return
        hooks = await self._hooks_of(actor.tenant_id, channel.team_id)
        fired = [(h, w) for h in hooks if (w := _fires(h, post, channel)) is not None]
        if not fired:
            return
        async with self._db.read() as conn:
            team = await team_store.get_team(conn, actor.tenant_id, channel.team_id)
        team_name = team.name if team else ""
        deliveries = []
        for hook, word in fired:
            payload = _payload(hook, actor, post, channel, team_name, word)
            body = (
                orjson.dumps(payload)
                if hook.content_type == JSON_CONTENT
                else urlencode(payload).encode()
            )
            context = {"channel_id": channel.id, "post_id": post.id, "root_id": post.root_id}
            for url in hook.callback_urls:
                deliveries.append(
                    Delivery(
                        tenant_id=actor.tenant_id,
                        id=new_id(),
                        kind=KIND,
                        source_id=hook.id,
                        url=url,
                        content_type=hook.content_type,
                        body=body,
                        context=context,
                    )
                )
        await self._deliveries.enqueue(deliveries)

    async def _hooks_of(self, tenant_id: str, team_id: str) -> list[OutgoingWebhook]:
        key = (tenant_id, team_id)
        cached = self._team_hooks.get(key)
        if cached is None:
            epoch = self._hooks_epoch
            async with self._db.read() as conn:
                cached = await hook_store.outgoing_for_team(conn, tenant_id, team_id)
            if epoch == self._hooks_epoch:  # no change since the read began
                self._team_hooks[key] = cached
        return cached

    async def _on_reply(self, delivery: Delivery, response: OutboundResponse) -> None:
        if not response.body.strip():
            return
        try:
            reply = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            return  # an answer that is not JSON is no reply (as Mattermost)
        if not isinstance(reply, dict):
            return
        text = reply.get("text") or ""
        attachments = check_attachments(reply.get("attachments"))
        if not isinstance(text, str) or not (text.strip() or attachments):
            return
        async with self._db.read() as conn:
            hook = await hook_store.get_outgoing(conn, delivery.tenant_id, delivery.source_id)
        if hook is None:
            return
        context = delivery.context
        root_id = ""
        if reply.get("response_type") == COMMENT:
            root_id = context.get("root_id") or context.get("post_id") or ""
        props = reply.get("props")
        actor = await self._poster.acting_as(delivery.tenant_id, hook.creator_id)
        await self._poster.post(
            actor,
            IntegrationMessage(
                channel_id=str(context.get("channel_id", "")),
                text=text,
                root_id=str(root_id),
                attachments=attachments,
                props=props if isinstance(props, dict) else {},
                type=str(reply.get("type") or ""),
                username=str(reply.get("username") or hook.username),
                icon_url=str(reply.get("icon_url") or hook.icon_url),
                skip_slack_parsing=bool(reply.get("skip_slack_parsing")),
            ),
        )


def _fires(hook: OutgoingWebhook, post: Post, channel: Channel) -> str | None:
    """The trigger word a post fires this hook with ("" for a channel-wide hook)."""
    if hook.channel_id and hook.channel_id != channel.id:
        return None
    if not hook.trigger_words:
        return ""
    return hook.trigger_for(post.message)


def _payload(
    hook: OutgoingWebhook, actor: Actor, post: Post, channel: Channel, team_name: str, word: str
) -> dict[str, Any]:
    return {
        "token": hook.token,
        "team_id": hook.team_id,
        "team_domain": team_name,
        "channel_id": channel.id,
        "channel_name": channel.name,
        "timestamp": post.create_at,
        "user_id": actor.user_id,
        "user_name": actor.username,
        "post_id": post.id,
        "text": post.message,
        "trigger_word": word,
        "file_ids": ",".join(post.file_ids),
    }
