"""Sends scheduled posts and reminders when they are due, each by exactly one node.

Every node polls (``scheduled_post_poll_seconds``). A poll claims a batch of due rows
across tenants in one transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so nodes
polling together take different rows) and marks them with the node and the time; then
sends them, many at once (the post writer commits them in groups); then deletes what
was sent. A node that stops between its claim and the delete leaves rows whose claim
ages out after ``scheduled_post_lease_seconds``; another node takes them then.

Each send writes a post whose id is fixed in advance (a scheduled post's own id; for a
reminder one derived from the reminder), so a send repeated after such a stop finds the
post already there and only clears the row: nothing is sent twice, nothing is lost.

A scheduled post is sent as its author, through the same checks as any post: an author
who left the channel, or a channel archived meanwhile, gets the row back with an
``error_code`` (``scheduled_post_updated``) instead of a post.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable

from roost.app.accounts.users import Users
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.app.messaging.reminder_sender import Prepared, ReminderSender, reminder_post_id
from roost.app.messaging.scheduled_posts import scheduled_event
from roost.app.messaging.system_bot import SystemBotMissing
from roost.app.posts.posts import PostDraft, Posts
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config.messaging import MessagingSettings
from roost.model import scheduled_post as codes
from roost.model.events import SCHEDULED_POST_DELETED, SCHEDULED_POST_UPDATED
from roost.model.scheduled_post import PostReminder, ScheduledPost
from roost.store.db.database import Database
from roost.store.messaging import reminders as reminder_store
from roost.store.messaging import scheduled_posts as scheduled_store
from roost.store.posts import posts as post_store
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger(__name__)

# Sends in flight at once: enough for the post writer to batch them.
SEND_CONCURRENCY = 200
RETRY_SECONDS = 5.0


def error_code_for(error: AppError) -> str:
    """Why the author's post was refused, in Mattermost's scheduled-post error codes."""
    if "deleted" in error.error_id and "channel" in error.error_id:
        return codes.ERROR_CHANNEL_ARCHIVED
    if error.error_id.startswith("api.post.create_post.can_not_post_to_deleted"):
        return codes.ERROR_CHANNEL_ARCHIVED
    if "root" in error.error_id.lower():
        return codes.ERROR_THREAD_DELETED
    if error.status == 403:
        return codes.ERROR_NO_CHANNEL_PERMISSION
    if error.status == 404:
        return codes.ERROR_CHANNEL_NOT_FOUND
    if error.status == 400:
        return codes.ERROR_INVALID_POST
    return codes.ERROR_UNKNOWN


class Scheduler:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        users: Users,
        posts: Posts,
        reminders: ReminderSender,
        settings: MessagingSettings,
        node_id: str,
    ) -> None:
        self._db = db
        self._bus = bus
        self._users = users
        self._posts = posts
        self._reminders = reminders
        self._settings = settings
        self._node = node_id
        self.sent = 0

    async def run(self) -> None:
        """Poll until cancelled; a full batch is followed by another at once."""
        while True:
            try:
                claimed = await self.run_once()
            except Exception:
                log.exception("scheduled sends failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if claimed < self._settings.scheduled_post_batch:
                await asyncio.sleep(self._settings.scheduled_post_poll_seconds)

    async def run_once(self) -> int:
        """Claim and send what is due in every database; returns how many were claimed
        (the most of the databases)."""
        most = 0
        lease_ms = int(self._settings.scheduled_post_lease_seconds * 1000)
        batch = self._settings.scheduled_post_batch
        for database in self._db.names():
            now = now_ms()
            with across_tenants(database):
                async with self._db.write() as conn:
                    skip = self._db.read_only_tenants()
                    due_posts = await scheduled_store.claim_due(
                        conn, now, lease_ms, self._node, batch, skip
                    )
                    due_reminders = await reminder_store.claim_due(
                        conn, now, lease_ms, self._node, batch, skip
                    )
            await _bounded([self._send_post(sp) for sp in due_posts])
            await self._forget_reminders(await self._send_reminders(due_reminders))
            most = max(most, len(due_posts), len(due_reminders))
        return most

    # Scheduled posts.

    async def _send_post(self, sp: ScheduledPost) -> bool:
        with tenant_scope(sp.tenant_id):
            code = await self._post_as_author(sp)
            async with self._db.write() as conn:
                if code:
                    await scheduled_store.mark_failed(conn, sp.tenant_id, sp.id, code, now_ms())
                else:
                    await scheduled_store.remove(conn, sp.tenant_id, sp.id)
            if code:
                sp.error_code, sp.processed_at = code, now_ms()
            name = SCHEDULED_POST_UPDATED if code else SCHEDULED_POST_DELETED
            await self._bus.publish([scheduled_event(sp.tenant_id, name, sp)])
        return not code

    async def _post_as_author(self, sp: ScheduledPost) -> str:
        """'' once the post exists (sent now, or before a stop); else the error code."""
        if sp.earlier_claim and await self._exists(sp.tenant_id, sp.id):
            return ""
        found = await self._users.get_many(sp.tenant_id, [sp.user_id])
        if not found:
            return codes.ERROR_USER_MISSING
        user = found[0]
        if user.delete_at:
            return codes.ERROR_USER_DELETED
        author = Actor(
            sp.tenant_id, user.id, user.roles, is_bot=user.is_bot, username=user.username
        )
        draft = PostDraft(
            channel_id=sp.channel_id,
            message=sp.message,
            root_id=sp.root_id,
            file_ids=list(sp.file_ids),
            props=dict(sp.props),
            post_id=sp.id,
        )
        try:
            await self._posts.do_create_post(author, draft, set_online=False)
        except AppError as refused:
            return error_code_for(refused)
        except Exception:
            if await self._exists(sp.tenant_id, sp.id):
                return ""  # a send before a stop wrote it: the same id cannot be written twice
            log.exception("scheduled post %s not sent", sp.id)
            return codes.ERROR_UNKNOWN
        return ""

    async def _exists(self, tenant_id: str, post_id: str) -> bool:
        async with self._db.read(primary=True) as conn:
            return await post_store.get_post(conn, tenant_id, post_id, True) is not None

    # Reminders.

    async def _send_reminders(self, due: list[PostReminder]) -> list[PostReminder]:
        """Send a claimed batch; returns the reminders done with (sent, already sent
        before a stop, or dropped: their post or user gone)."""
        by_tenant: dict[str, list[PostReminder]] = defaultdict(list)
        for reminder in due:
            by_tenant[reminder.tenant_id].append(reminder)
        done: list[PostReminder] = []
        for tenant_id, batch in by_tenant.items():
            with tenant_scope(tenant_id):
                done += await self._send_tenant_reminders(tenant_id, batch)
        return done

    async def _send_tenant_reminders(
        self, tenant_id: str, batch: list[PostReminder]
    ) -> list[PostReminder]:
        retried = [r for r in batch if r.earlier_claim]
        done = [r for r in retried if await self._exists(tenant_id, reminder_post_id(r))]
        fresh = [r for r in batch if r not in done]
        ready, dropped = await self._reminders.prepare(tenant_id, fresh)
        done += dropped

        async def one(prepared: Prepared) -> bool:
            try:
                await self._reminders.send(prepared)
            except SystemBotMissing as exc:
                log.error("reminders of tenant %s not sent: %s", tenant_id, exc)
                return False
            except Exception:
                # Written by a send before a stop: the same id cannot be written twice.
                if await self._exists(tenant_id, reminder_post_id(prepared.reminder)):
                    return True
                raise
            return True

        sent = await _bounded([one(p) for p in ready])
        done += [p.reminder for p, ok in zip(ready, sent, strict=True) if ok]
        return done

    async def _forget_reminders(self, sent: list[PostReminder]) -> None:
        by_tenant: dict[str, list[PostReminder]] = defaultdict(list)
        for reminder in sent:
            by_tenant[reminder.tenant_id].append(reminder)
        for tenant_id, done in by_tenant.items():
            with tenant_scope(tenant_id):
                async with self._db.write() as conn:
                    await reminder_store.remove_sent(conn, tenant_id, done)
        self.sent += len(sent)


async def _bounded(calls: list[Awaitable[bool]]) -> list[bool]:
    """Run the sends SEND_CONCURRENCY at a time; one that raises counts as not sent
    (its row is claimed until the lease ends, then tried again)."""
    slots = asyncio.Semaphore(SEND_CONCURRENCY)

    async def one(call: Awaitable[bool]) -> bool:
        async with slots:
            try:
                return await call
            except Exception:
                log.exception("a scheduled send failed")
                return False

    return list(await asyncio.gather(*(one(c) for c in calls)))
