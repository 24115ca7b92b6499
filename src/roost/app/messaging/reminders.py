"""Post reminders (``POST /users/{user_id}/posts/{post_id}/reminder``): at the time, the
system bot sends the user a direct message about the post (type ``reminder``, with
``team_name``, ``post_id`` and ``username`` in its props, as Mattermost's clients
render it). Stored, so a restart loses none; sent by one node (``scheduler.py``)."""

from __future__ import annotations

from typing import Any

from roost.app.channels import post_access
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import reminder_time_invalid
from roost.clock import now_ms
from roost.config.messaging import MessagingSettings
from roost.ids import is_valid_id
from roost.model.scheduled_post import PostReminder
from roost.store.db.database import Database
from roost.store.messaging import reminders as reminder_store
from roost.store.posts import posts as post_store

DAY_SECONDS = 86_400


class Reminders:
    def __init__(self, db: Database, settings: MessagingSettings) -> None:
        self._db = db
        self._settings = settings

    async def do_set(
        self, actor: Actor, user_id: str, post_id: str, body: dict[str, Any]
    ) -> PostReminder:
        if user_id != actor.user_id:
            raise errors.forbidden()
        if not is_valid_id(post_id):
            raise errors.invalid_url_param("post_id")
        target = body.get("target_time")
        if isinstance(target, bool) or not isinstance(target, int):
            raise reminder_time_invalid("target_time is a time in seconds")
        now_s = now_ms() // 1000
        if target <= now_s:
            raise reminder_time_invalid("target_time is in the past")
        if target > now_s + self._settings.scheduled_post_max_days * DAY_SECONDS:
            raise reminder_time_invalid(
                f"target_time is more than {self._settings.scheduled_post_max_days} days ahead"
            )
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                raise post_access.post_not_found()
            post_access.check_read(actor, await post_access.load(conn, actor, post.channel_id))
        reminder = PostReminder(actor.tenant_id, post_id, actor.user_id, target * 1000)
        async with self._db.write() as conn:
            await reminder_store.set_reminder(conn, reminder)
        return reminder
