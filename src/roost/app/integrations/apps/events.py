"""HTTP apps' event subscriptions and their delivery.

An app's bot subscribes (``POST .../subscribe {subject, call, channel_id?, team_id?}``)
to a subject; when it happens, the app's call is queued in the persisted delivery
queue (retried with backoff, surviving restarts) with a context naming what happened.

Each change is seen once, on the node that made it: ``post_created`` as a post hook
after the commit, the others as events this node published (``Bus.subscribe_origin``),
never the copies other nodes hear. Posts by an app's own bot do not reach that app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from roost.app.channels import post_access
from roost.app.integrations.access import is_team_member
from roost.app.integrations.apps.apps import Apps
from roost.app.integrations.apps.calls import (
    base_context,
    call_url,
    jwt_headers,
    request_body,
    wanted,
)
from roost.app.integrations.apps.manifest import check_call
from roost.app.integrations.apps.requests import expand_context
from roost.app.integrations.deliveries import DeliveryQueue
from roost.app.integrations.errors import subscription_not_found, too_many_subscriptions
from roost.app.integrations.outbound import OutboundError
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.hooks import PostHook
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id, new_id
from roost.model import events
from roost.model.app import (
    CHANNEL_CREATED,
    POST_CREATED,
    SUBJECTS,
    USER_CREATED,
    USER_JOINED_CHANNEL,
    USER_JOINED_TEAM,
    Subscription,
)
from roost.model.channel import Channel
from roost.model.delivery import Delivery
from roost.model.event import Event, internal_event
from roost.model.post import SYSTEM_TYPE_PREFIX, Post
from roost.store.db.database import Database
from roost.store.integrations import apps as app_store
from roost.tenancy.scope import across_tenants

log = logging.getLogger("roost.integrations")

KIND = "app_event"
MAX_SUBSCRIPTIONS_PER_APP = 100
# Which scope each subject needs: a channel the bot is in, a team it is in, or none.
_CHANNEL_SCOPED = (USER_JOINED_CHANNEL, POST_CREATED)
_TEAM_SCOPED = (USER_JOINED_TEAM, CHANNEL_CREATED)
# Bus events (published by the node making the change) and the subject each is.
_SUBJECT_OF = {
    events.NEW_USER: USER_CREATED,
    events.USER_ADDED: USER_JOINED_CHANNEL,
    events.ADDED_TO_TEAM: USER_JOINED_TEAM,
    events.CHANNEL_CREATED: CHANNEL_CREATED,
}


def _matches(sub: Subscription, team_id: str, channel_id: str) -> bool:
    return (not sub.team_id or sub.team_id == team_id) and (
        not sub.channel_id or sub.channel_id == channel_id
    )


class AppEvents(PostHook):
    def __init__(
        self,
        db: Database,
        bus: Bus,
        apps: Apps,
        deliveries: DeliveryQueue,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._bus = bus
        self._apps = apps
        self._deliveries = deliveries
        self._site_url = site_url
        self._subscriptions: dict[str, list[Subscription]] = {}
        self._running: set[asyncio.Task[None]] = set()
        # Whether any app subscribes to new posts (None: not known yet); while none
        # does, posts make no task for this hook. A change anywhere sets it.
        self._some: bool | None = None
        self._checking: asyncio.Task[None] | None = None
        bus.subscribe(self._on_event)
        bus.subscribe_origin(self._on_change)
        deliveries.sign_with(KIND, self._headers)

    # Subscribing (an app's bot).

    async def _subscription(self, actor: Actor, body: dict[str, Any]) -> Subscription:
        app = await self._apps.by_bot(actor)
        subject = body.get("subject")
        if subject not in SUBJECTS:
            raise errors.invalid_body_param("subject", f"one of {', '.join(SUBJECTS)}")
        call = check_call(body.get("call"), "call") or {}
        channel_id = body.get("channel_id") or ""
        team_id = body.get("team_id") or ""
        for name, value in (("channel_id", channel_id), ("team_id", team_id)):
            if not isinstance(value, str) or (value and not is_valid_id(value)):
                raise errors.invalid_body_param(name)
        async with self._db.read() as conn:
            if subject in _CHANNEL_SCOPED:
                # The bot must be able to read what it will hear of.
                if not channel_id:
                    raise errors.invalid_body_param("channel_id", f"{subject} needs one")
                access = await post_access.load(conn, actor, channel_id)
                post_access.check_read(actor, access)
                team_id = access.channel.team_id
            elif subject in _TEAM_SCOPED:
                if not team_id:
                    raise errors.invalid_body_param("team_id", f"{subject} needs one")
                if not await is_team_member(conn, actor, team_id):
                    raise errors.forbidden()
                channel_id = ""
            else:
                team_id = channel_id = ""
        return Subscription(
            actor.tenant_id, app.app_id, str(subject), call, team_id, channel_id, now_ms()
        )

    async def do_subscribe(self, actor: Actor, body: dict[str, Any]) -> None:
        sub = await self._subscription(actor, body)
        if not sub.call:
            raise errors.invalid_body_param("call")
        async with self._db.write() as conn:
            held = await app_store.list_subscriptions(conn, actor.tenant_id, sub.app_id)
            if len(held) >= MAX_SUBSCRIPTIONS_PER_APP and not any(
                (h.subject, h.team_id, h.channel_id) == (sub.subject, sub.team_id, sub.channel_id)
                for h in held
            ):
                raise too_many_subscriptions(MAX_SUBSCRIPTIONS_PER_APP)
            await app_store.put_subscription(conn, sub)
        await self._changed(actor.tenant_id)

    async def do_unsubscribe(self, actor: Actor, body: dict[str, Any]) -> None:
        sub = await self._subscription(actor, {**body, "call": body.get("call") or {"path": "/"}})
        async with self._db.write() as conn:
            found = await app_store.delete_subscription(conn, sub)
        if not found:
            raise subscription_not_found()
        await self._changed(actor.tenant_id)

    async def listing(self, actor: Actor) -> list[Subscription]:
        app = await self._apps.by_bot(actor)
        async with self._db.read() as conn:
            return await app_store.list_subscriptions(conn, actor.tenant_id, app.app_id)

    async def _changed(self, tenant_id: str) -> None:
        await self._bus.publish([internal_event(tenant_id, events.SUBSCRIPTIONS_CHANGED, {})])

    def _on_event(self, event: Event) -> None:
        if event.name in (events.SUBSCRIPTIONS_CHANGED, events.APPS_CHANGED):
            self._subscriptions.pop(event.tenant_id, None)
            self._some = True
        elif event.name == events.RESYNC:
            self._subscriptions.clear()
            self._some = None

    @property
    def wants_after(self) -> bool:
        """False while no app subscribes to new posts: PostHooks then makes no task."""
        if self._some is None:
            if self._checking is None or self._checking.done():
                self._checking = asyncio.create_task(self._load_some())
            return True
        return self._some

    async def _load_some(self) -> None:
        found = False
        for database in self._db.names():
            with across_tenants(database):  # whether any tenant has one
                async with self._db.read(primary=True) as conn:
                    found = found or await app_store.any_post_subscription(conn)
        if self._some is None:
            self._some = found

    async def _subscribed(self, tenant_id: str) -> list[Subscription]:
        found = self._subscriptions.get(tenant_id)
        if found is None:
            async with self._db.read() as conn:
                found = await app_store.list_subscriptions(conn, tenant_id)
            self._subscriptions[tenant_id] = found
        return found

    # Hearing of changes.

    def _on_change(self, event: Event) -> None:
        subject = _SUBJECT_OF.get(event.name)
        if subject is None or not event.tenant_id:
            return
        data = event.data
        context = {
            "user_id": str(data.get("user_id") or event.broadcast.user_id or ""),
            "team_id": str(data.get("team_id") or ""),
            "channel_id": str(data.get("channel_id") or event.broadcast.channel_id or ""),
        }
        task = asyncio.create_task(self._happened(event.tenant_id, subject, context, ""))
        self._running.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("app event not queued", exc_info=task.exception())

    async def drain(self) -> None:
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _happened(
        self,
        tenant_id: str,
        subject: str,
        context: dict[str, str],
        author_id: str,
        known: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        """Queue the calls of the apps subscribed to this; ``known`` holds expandable
        objects the caller already has (no reads for them)."""
        subs = [
            s
            for s in await self._subscribed(tenant_id)
            if s.subject == subject and _matches(s, context["team_id"], context["channel_id"])
        ]
        if not subs:
            return
        apps = {a.app_id: a for a in await self._apps.installed(tenant_id)}
        have = known() if known else {}
        deliveries = []
        for sub in subs:
            app = apps.get(sub.app_id)
            if app is None or (author_id and author_id == app.bot_user_id):
                continue
            full: dict[str, Any] = {
                **base_context(app, self._site_url),
                **context,
                "subject": subject,
                "acting_user_id": context["user_id"],
            }
            want = wanted(sub.call)
            for name, value in have.items():
                if name in want:
                    full[name] = value
                    want.discard(name)
            if want:
                async with self._db.read() as conn:
                    full.update(await expand_context(conn, tenant_id, want, full))
            deliveries.append(
                Delivery(
                    tenant_id=tenant_id,
                    id=new_id(),
                    kind=KIND,
                    url=call_url(app, sub.call["path"]),
                    content_type="application/json",
                    body=request_body(sub.call, full),
                    context={"app_id": app.app_id, "acting_user_id": context["user_id"]},
                )
            )
        await self._deliveries.enqueue(deliveries)

    async def _headers(self, delivery: Delivery) -> dict[str, str]:
        """Signed at each attempt, so a retry carries a fresh token."""
        app_id = str(delivery.context.get("app_id", ""))
        try:
            app = await self._apps.by_id(delivery.tenant_id, app_id)
        except errors.AppError:
            raise OutboundError(f"app {app_id} is not installed", permanent=True) from None
        if not delivery.url.startswith(app.root_url + "/"):
            raise OutboundError(f"app {app_id} moved", permanent=True)
        return jwt_headers(app, str(delivery.context.get("acting_user_id", "")))

    # A post hook (after the commit only).

    async def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None:
        if post.type.startswith(SYSTEM_TYPE_PREFIX):
            return
        context = {
            "user_id": post.user_id,
            "team_id": channel.team_id,
            "channel_id": channel.id,
            "post_id": post.id,
            "root_post_id": post.root_id,
        }
        await self._happened(
            actor.tenant_id,
            POST_CREATED,
            context,
            post.user_id,
            lambda: {"post": post.to_dict(), "channel": channel.to_dict()},
        )
