"""Post jobs: who is told of a post, decided off the post path.

A post's job (an outbox row of kind ``post``) is written in the post's own transaction
(``app/posts/written_with.py``): once a post is acknowledged its notifications cannot be
lost, even if the node dies the next moment; the batch's jobs are one multi-row INSERT.
A worker then reads the channel's members with their settings, statuses and devices,
applies ``rules``, and in one transaction writes one row per push (per device), email
or digest item and deletes the post job: a job is either wholly decided or not at all,
so a retry never sends twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from roost.app.notifications import emails, push_messages, rules
from roost.app.notifications.outbox import Outbox
from roost.app.posts.text import mention_words
from roost.app.posts.written_with import WrittenWithPosts
from roost.clock import now_ms
from roost.config.notifications import NotificationSettings
from roost.ids import new_id
from roost.model.channel import DIRECT, GROUP
from roost.model.notification import DIGEST, EMAIL, POST, PUSH, OutboxItem
from roost.store.db.database import Connection, Database
from roost.store.notifications import audience
from roost.store.notifications import outbox as outbox_store
from roost.store.posts.batches import NewPost

log = logging.getLogger("roost.notifications")

# The user's "email_interval" preference (category "notifications"), in seconds as
# Mattermost's apps write it: 30 is "immediately", 0 "never".
IMMEDIATE = 30
DEFAULT_BATCH_SECONDS = 900
MAX_BATCH_SECONDS = 86_400


class PostJobs(WrittenWithPosts):
    def __init__(
        self,
        db: Database,
        cfg: NotificationSettings,
        outbox: Outbox,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._cfg = cfg
        self._outbox = outbox
        self._site_url = site_url

    @property
    def active(self) -> bool:
        cfg = self._cfg
        return cfg.send_push_notifications or (
            cfg.send_email_notifications and bool(cfg.smtp_server)
        )

    def wanted(self) -> bool:
        return self.active

    async def write(self, conn: Connection, tenant_id: str, items: Sequence[NewPost]) -> None:
        """The batch's post jobs, in the transaction that writes the posts."""
        now = now_ms()
        jobs = [
            OutboxItem(
                tenant_id=tenant_id,
                id=new_id(),
                kind=POST,
                payload={
                    "post": item.extras.get("post", ""),
                    "channel_type": item.extras.get("channel_type", ""),
                    "channel_display_name": item.extras.get("channel_display_name", ""),
                    "sender_name": item.extras.get("sender_name", ""),
                    "team_id": item.extras.get("team_id", ""),
                    "mentions": item.extras.get("mentions", "[]"),
                    "mentions_all_but": item.extras.get("mentions_all_but", ""),
                },
                next_attempt_at=now,
                create_at=now,
                update_at=now,
            )
            for item in items
            if item.extras.get("post")
        ]
        await outbox_store.insert_items(conn, jobs)

    def committed(self) -> None:
        self._outbox.wake()

    async def handle(self, item: OutboxItem) -> None:
        """Decide a post job into pushes, emails and digest items (one transaction)."""
        rows = await self._decide(item)
        async with self._db.write() as conn:
            await outbox_store.insert_items(conn, rows)
            await outbox_store.delete_items(conn, item.tenant_id, [item.id])
        if rows:
            self._outbox.wake()

    async def _decide(self, item: OutboxItem) -> list[OutboxItem]:
        tenant_id, payload, cfg = item.tenant_id, item.payload, self._cfg
        post: dict[str, Any] = orjson.loads(payload["post"])
        post_type = str(post.get("type", ""))
        if post_type.startswith("system_"):
            return []
        props = post.get("props") or {}
        channel_id, root_id = str(post["channel_id"]), str(post.get("root_id", ""))
        push_on = cfg.send_push_notifications and bool(cfg.push_notification_server)
        email_on = cfg.send_email_notifications and bool(cfg.smtp_server)
        now = now_ms()
        async with self._db.read() as conn:
            members = await audience.channel_members_for_notify(conn, tenant_id, channel_id)
            if push_on:
                for uid, device in await audience.devices_in_channel(
                    conn, tenant_id, channel_id, now
                ):
                    if uid in members:
                        members[uid].devices.append(device)
            facts = self._facts(post, payload, members)
            if root_id:
                facts.followers = await audience.thread_followers(conn, tenant_id, root_id)
                root = await audience.root_facts(conn, tenant_id, root_id)
                if root is not None:
                    facts.root_author, participants = root
                    facts.participants = set(participants)
            decision = rules.decide(
                facts, members, now // 1000, push_on, email_on, cfg.require_email_verification
            )
            badges = await audience.badge_counts(conn, tenant_id, sorted(decision.push))
            intervals: dict[str, str] = {}
            if decision.email:
                intervals = await audience.preference_values(
                    conn, tenant_id, sorted(decision.email), "notifications", "email_interval"
                )
            team = (
                await audience.team_names(conn, tenant_id, str(payload.get("team_id", "")))
                if decision.email
                else ("", "")
            )
        sender = str(payload.get("sender_name", "")).lstrip("@")
        ctx = push_messages.PostContext(
            post_id=str(post["id"]),
            root_id=root_id,
            channel_id=channel_id,
            channel_type=facts.channel_type,
            channel_name=str(payload.get("channel_display_name", "")),
            team_id=str(payload.get("team_id", "")),
            sender_id=facts.sender_id,
            sender_name=str(props.get("override_username") or sender)
            if facts.from_webhook
            else sender,
            message=facts.message,
            post_type=post_type,
            from_webhook=facts.from_webhook,
            override_username=str(props.get("override_username", "")),
            override_icon_url=str(props.get("override_icon_url", "")),
        )
        rows: list[OutboxItem] = []
        for uid, reason in decision.push.items():
            msg = push_messages.message_push(
                ctx, reason, cfg.push_notification_contents, badges.get(uid, 0)
            )
            for device in members[uid].devices:
                rows.append(
                    _row(tenant_id, PUSH, uid, now, {"msg": msg, "device": device.device_id})
                )
        for uid in decision.email:
            rows += self._email_rows(tenant_id, uid, members[uid], ctx, team, post, intervals, now)
        return rows

    def _facts(
        self, post: dict[str, Any], payload: dict[str, Any], members: dict[str, audience.Member]
    ) -> rules.PostFacts:
        props = post.get("props") or {}
        message = str(post.get("message", ""))
        if payload.get("mentions_all_but"):  # an @channel in a large channel
            mentions = set(members) - set(orjson.loads(payload["mentions_all_but"]))
        else:
            mentions = set(orjson.loads(payload.get("mentions") or "[]"))
        words = mention_words(message)
        named = words.resolve({members[u].username.lower() for u in mentions if u in members})
        channel_wide = words.channel_wide or words.here
        explicit = {
            u
            for u in mentions
            if u in members and (members[u].username.lower() in named or not channel_wide)
        }
        return rules.PostFacts(
            sender_id=str(post.get("user_id", "")),
            channel_id=str(post["channel_id"]),
            channel_type=str(payload.get("channel_type", "")),
            message=message,
            post_type=str(post.get("type", "")),
            from_webhook=props.get("from_webhook") == "true",
            root_id=str(post.get("root_id", "")),
            mentions=mentions,
            explicit=explicit,
        )

    def _email_rows(
        self,
        tenant_id: str,
        uid: str,
        member: audience.Member,
        ctx: push_messages.PostContext,
        team: tuple[str, str],
        post: dict[str, Any],
        intervals: dict[str, str],
        now: int,
    ) -> list[OutboxItem]:
        cfg = self._cfg
        site = self._site_url(tenant_id)
        team_name = team[0] if ctx.channel_type not in (DIRECT, GROUP) else ""
        mentioned = emails.Mentioned(
            sender=ctx.sender_name,
            channel_type=ctx.channel_type,
            channel_name=ctx.channel_name,
            team_display=team[1] or team[0],
            message=ctx.message,
            create_at=int(post.get("create_at", now)),
            link=emails.permalink(site, team_name, ctx.post_id),
        )
        prefs = emails.preferences_url(site, team_name)
        interval = _interval(intervals.get(uid), cfg.enable_email_batching)
        if interval is None:
            return []
        if interval != IMMEDIATE:
            item = {
                "to": member.email,
                "sender": mentioned.sender,
                "channel_type": mentioned.channel_type,
                "channel_name": mentioned.channel_name,
                "channel_id": ctx.channel_id,
                "team_display": mentioned.team_display,
                "message": mentioned.message,
                "create_at": mentioned.create_at,
                "link": mentioned.link,
                "prefs": prefs,
            }
            row = _row(tenant_id, DIGEST, uid, now, item)
            row.next_attempt_at = now + interval * 1000
            return [row]
        full = cfg.email_notification_contents_type == "full"
        email = emails.notification_email(member.email, mentioned, full, prefs)
        return [_row(tenant_id, EMAIL, uid, now, email.to_payload())]


def _interval(value: str | None, batching: bool) -> int | None:
    """Seconds between digests (IMMEDIATE: one email each), None: no email. The apps
    offer 30 (immediately), 900 and 3600; any other number of seconds is taken as is."""
    value = (value or "").strip()
    if value == "0":
        return None
    if not batching or value == str(IMMEDIATE):
        return IMMEDIATE
    if not value.isdigit() or int(value) > MAX_BATCH_SECONDS:
        return DEFAULT_BATCH_SECONDS
    return int(value)


def _row(tenant_id: str, kind: str, user_id: str, now: int, payload: dict[str, Any]) -> OutboxItem:
    return OutboxItem(
        tenant_id=tenant_id,
        id=new_id(),
        kind=kind,
        user_id=user_id,
        payload=payload,
        next_attempt_at=now,
        create_at=now,
        update_at=now,
    )
