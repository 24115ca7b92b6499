"""The notification service: the outbox's handlers (push, email, digest, post jobs),
clearing pushes when a channel is read, the apps' acknowledgements, the admin's test
email and view of failed notifications. See ``roost.app.notifications``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from roost.app.accounts.auth import Auth
from roost.app.accounts.users import Users
from roost.app.channels.channels import Channels
from roost.app.channels.members import ChannelMembers
from roost.app.channels.teams import Teams
from roost.app.kernel import errors as kernel_errors
from roost.app.kernel.context import Actor
from roost.app.notifications import emails, errors, push_messages, rules
from roost.app.notifications.account_emails import AccountEmails
from roost.app.notifications.decide import PostJobs
from roost.app.notifications.guest_invites import GuestInvites
from roost.app.notifications.mail import POOL_SIZE, Mailer
from roost.app.notifications.outbox import GiveUp, Outbox, Retry
from roost.app.notifications.push import PushProxy
from roost.app.posts.lists import PostLists
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config.notifications import NotificationSettings
from roost.ids import new_id
from roost.model.channel import DIRECT
from roost.model.event import Event
from roost.model.events import MULTIPLE_CHANNELS_VIEWED
from roost.model.notification import (
    DIGEST,
    EMAIL,
    FAILED,
    POST,
    PUSH,
    PUSH_MESSAGE,
    PUSH_REMOVE,
    OutboxItem,
)
from roost.store.db.database import Database
from roost.store.notifications import audience
from roost.store.notifications import outbox as outbox_store
from roost.tenancy.scope import tenant_scope

log = logging.getLogger("roost.notifications")

MAX_LIST = 200


class Notifications:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        cfg: NotificationSettings,
        site_url: Callable[[str], str],
        post_lists: PostLists,
        channels: Channels,
        users: Users,
        auth: Auth,
        teams: Teams,
        password_hash_cost: int,
        channel_members: ChannelMembers | None = None,
        guests_enabled: bool = False,
    ) -> None:
        self._db = db
        self._cfg = cfg
        self._site_url = site_url
        self._post_lists = post_lists
        self._channels = channels
        self._users = users
        self.outbox = Outbox(
            db,
            cfg.notification_max_attempts,
            cfg.notification_retry_base_seconds,
            max(cfg.push_timeout_seconds, cfg.smtp_timeout_seconds),
            cfg.notification_poll_seconds,
        )
        self.push = PushProxy(cfg.push_notification_server, cfg.push_timeout_seconds)
        self.mailer: Mailer | None = None
        self.jobs = PostJobs(db, cfg, self.outbox, site_url)
        self._tasks: set[asyncio.Task[None]] = set()
        self.outbox.handle(POST, self.jobs.handle)
        self.outbox.handle(PUSH, self._send_push)
        self.outbox.handle(EMAIL, self._send_email)
        self.outbox.handle_batch(DIGEST, self._send_digests)
        self.accounts = AccountEmails(
            db, cfg, self.outbox, site_url, users, auth, teams, password_hash_cost
        )
        self.guest_invites = GuestInvites(
            db,
            self.accounts,
            users,
            teams,
            channel_members or ChannelMembers(db, bus, channels),
            channels.permissions,
            guests_enabled,
        )
        bus.subscribe_origin(self._on_viewed)
        bus.subscribe_origin(self.accounts.on_event)

    @property
    def push_on(self) -> bool:
        return self._cfg.send_push_notifications and self.push.configured

    def mailer_for(self, tenant_id: str) -> Mailer:
        # The From host follows the deployment's site URL (one mailer per node).
        if self.mailer is None:
            self.mailer = Mailer(self._cfg, self._site_url(tenant_id))
        return self.mailer

    async def close(self) -> None:
        await self.accounts.close()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.push.close()
        if self.mailer is not None:
            await self.mailer.close()

    # The outbox's handlers.

    async def _send_push(self, item: OutboxItem) -> None:
        msg = push_messages.for_device(
            item.payload.get("msg") or {},
            str(item.payload.get("device", "")),
            item.tenant_id,
            item.id,
        )
        if msg is None:
            raise GiveUp("not a push device id (platform:token)")
        if await self.push.send(msg) == PUSH_REMOVE:
            async with self._db.write() as conn:
                await audience.forget_device(
                    conn, item.tenant_id, item.user_id, str(item.payload.get("device", ""))
                )

    async def _send_email(self, item: OutboxItem) -> None:
        await self.mailer_for(item.tenant_id).send(emails.Email.from_payload(item.payload))

    async def _send_digests(self, claimed: list[OutboxItem]) -> None:
        """A batch of due digest items: each of their users' pending items are taken
        into one email (leaving out what the user has read since), per tenant in one
        transaction each to take and to finish."""
        by_tenant: dict[str, set[str]] = {}
        for item in claimed:
            by_tenant.setdefault(item.tenant_id, set()).add(item.user_id)
        for tenant_id, user_ids in by_tenant.items():
            with tenant_scope(tenant_id):
                await self._digests_of(tenant_id, sorted(user_ids))

    async def _digests_of(self, tenant_id: str, user_ids: list[str]) -> None:
        now = now_ms()
        rounds = len(user_ids) // POOL_SIZE + 1
        lease = now + int((self._cfg.smtp_timeout_seconds * rounds + 60) * 1000)
        async with self._db.write() as conn:
            taken = await outbox_store.take_users_digest(conn, tenant_id, user_ids, lease, now)
            channels = sorted({str(t.payload.get("channel_id", "")) for t in taken})
            viewed = await audience.last_viewed(conn, tenant_id, user_ids, channels)
        per_user: dict[str, list[OutboxItem]] = {}
        for t in taken:
            per_user.setdefault(t.user_id, []).append(t)
        users = list(per_user)
        errors_ = await asyncio.gather(
            *(self._digest_for(tenant_id, per_user[u], viewed) for u in users)
        )
        sent = [t.id for u, e in zip(users, errors_, strict=True) if e is None for t in per_user[u]]
        retry_at = now_ms() + int(self._cfg.notification_retry_base_seconds * 1000)
        async with self._db.write() as conn:
            await outbox_store.delete_items(conn, tenant_id, sent, any_state=True)
            for u, error in zip(users, errors_, strict=True):
                if error is None:
                    continue
                ids = [t.id for t in per_user[u]]
                message, permanent = error
                if (
                    permanent
                    or max(t.attempts for t in per_user[u]) >= self._cfg.notification_max_attempts
                ):
                    await outbox_store.mark_failed(conn, tenant_id, ids, message, now_ms())
                else:
                    await outbox_store.release_digest(
                        conn, tenant_id, ids, retry_at, message, now_ms()
                    )

    async def _digest_for(
        self, tenant_id: str, items: list[OutboxItem], viewed: dict[tuple[str, str], int]
    ) -> tuple[str, bool] | None:
        """Send one user's digest; None when done (or nothing is left unread), else
        (error, permanent)."""
        unread = [
            t
            for t in items
            if viewed.get((t.user_id, str(t.payload.get("channel_id", ""))), 0)
            < int(t.payload.get("create_at", 0))
        ]
        if not unread:
            return None
        p = unread[0].payload
        full = self._cfg.email_notification_contents_type == "full"
        email = emails.digest_email(
            str(p.get("to", "")),
            [_mentioned(t.payload) for t in unread],
            full,
            str(p.get("prefs", "")),
        )
        try:
            await self.mailer_for(tenant_id).send(email)
        except Retry as exc:
            return str(exc), False
        except GiveUp as exc:
            return str(exc), True
        return None

    # Reads clear the apps' notifications and badges on every device.

    def _on_viewed(self, event: Event) -> None:
        if event.name != MULTIPLE_CHANNELS_VIEWED or not self.push_on:
            return
        times = event.data.get("channel_times")
        user_id = event.broadcast.user_id
        if not isinstance(times, dict) or not times or not user_id:
            return
        task = asyncio.get_running_loop().create_task(
            self._clear(event.tenant_id, user_id, sorted(times))
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _clear(self, tenant_id: str, user_id: str, channel_ids: list[str]) -> None:
        try:
            now = now_ms()
            async with self._db.read() as conn:
                devices = await audience.user_devices(conn, tenant_id, user_id, now)
                if not devices:
                    return
                badge = (await audience.badge_counts(conn, tenant_id, [user_id])).get(user_id, 0)
            rows = [
                OutboxItem(
                    tenant_id=tenant_id,
                    id=new_id(),
                    kind=PUSH,
                    user_id=user_id,
                    payload={
                        "msg": push_messages.clear_push(channel_id, "", badge),
                        "device": device.device_id,
                    },
                    next_attempt_at=now,
                    create_at=now,
                    update_at=now,
                )
                for channel_id in channel_ids
                for device in devices
            ]
            await self.outbox.add(rows)
        except Exception:
            log.exception("clearing push notifications failed")

    # The apps' acknowledgement of a push (POST /notifications/ack).

    async def do_ack(self, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
        """``id_loaded`` pushes carry ids only: the app acknowledges one and gets its
        full contents, read with the caller's own permissions."""
        ack_id = body.get("id")
        if not isinstance(ack_id, str) or not ack_id:
            raise errors.ack_invalid("id")
        if not body.get("is_id_loaded") or body.get("type", PUSH_MESSAGE) != PUSH_MESSAGE:
            return {"status": "OK"}
        post_id = body.get("post_id")
        if not isinstance(post_id, str) or not post_id:
            raise errors.ack_invalid("post_id")
        try:
            post = await self._post_lists.get_post(actor, post_id)
        except kernel_errors.AppError:
            raise errors.ack_forbidden() from None
        channel = await self._channels.get(actor, post.channel_id)
        sender = await self._users.get(actor.tenant_id, post.user_id)
        name = (
            f"@{sender.username}"
            if channel.type == DIRECT
            else channel.display_name or channel.name
        )
        ctx = push_messages.PostContext(
            post_id=post.id,
            root_id=post.root_id,
            channel_id=channel.id,
            channel_type=channel.type,
            channel_name=name,
            team_id=channel.team_id,
            sender_id=post.user_id,
            sender_name=sender.username,
            message=post.message,
            post_type=post.type,
        )
        msg = push_messages.message_push(ctx, rules.EXPLICIT, push_messages.FULL, 0)
        msg.pop("badge", None)
        msg["ack_id"] = ack_id
        msg["platform"] = str(body.get("platform", ""))
        msg["server_id"] = actor.tenant_id
        return msg

    # Admins.

    async def do_test_email(self, actor: Actor, to: str) -> None:
        if not actor.is_system_admin:
            raise kernel_errors.forbidden()
        if not self._cfg.smtp_server:
            raise errors.email_not_configured()
        try:
            await self.mailer_for(actor.tenant_id).send(emails.test_email(to))
        except (Retry, GiveUp) as exc:
            raise errors.email_test_failed(str(exc)) from None

    async def outbox_status(self, actor: Actor, page: int, per_page: int) -> dict[str, Any]:
        """What is waiting (per kind) and what finally failed, newest first; never the
        contents."""
        if not actor.is_system_admin:
            raise kernel_errors.forbidden()
        async with self._db.read() as conn:
            items = await outbox_store.list_items(
                conn, actor.tenant_id, FAILED, page * per_page, min(per_page, MAX_LIST)
            )
            pending = await outbox_store.count_pending(conn, actor.tenant_id)
        return {"pending": pending, "failed": [i.to_dict() for i in items]}


def _mentioned(payload: dict[str, Any]) -> emails.Mentioned:
    return emails.Mentioned(
        sender=str(payload.get("sender", "")),
        channel_type=str(payload.get("channel_type", "")),
        channel_name=str(payload.get("channel_name", "")),
        team_display=str(payload.get("team_display", "")),
        message=str(payload.get("message", "")),
        create_at=int(payload.get("create_at", 0)),
        link=str(payload.get("link", "")),
    )
