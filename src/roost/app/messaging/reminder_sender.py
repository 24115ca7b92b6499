"""Sends a claimed batch of reminders (``scheduler.py`` claims them).

A batch is prepared with a few queries, not a few per reminder: the posts it names in
one read, the users from the users service's cache, who may read each channel from the
channels service's member sets (a team-membership read only for open channels the user
is not in). Each reminder is then one post through the post writer, which commits many
at once: the bot's direct channel with each user is made once and remembered, and the
message names the author without an @, so it takes the post path that needs no query.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from roost.app.accounts.users import Users
from roost.app.channels.channels import Channels
from roost.app.channels.direct import DirectChannels
from roost.app.kernel.context import Actor
from roost.app.messaging.system_bot import SystemBot
from roost.app.posts.posts import PostDraft, Posts
from roost.model.channel import OPEN
from roost.model.post import Post
from roost.model.scheduled_post import PostReminder
from roost.store.channels import teams as team_store
from roost.store.db.database import Database
from roost.store.posts import posts as post_store

log = logging.getLogger(__name__)

REMINDER_TYPE = "reminder"


def fixed_post_id(*parts: str) -> str:
    """A valid post id that the same parts always give (26 of [a-z2-7])."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()[:16]
    return base64.b32encode(digest).decode().lower()[:26]


def reminder_post_id(reminder: PostReminder) -> str:
    return fixed_post_id(
        reminder.tenant_id, reminder.post_id, reminder.user_id, str(reminder.target_time)
    )


@dataclass(slots=True, frozen=True)
class Prepared:
    reminder: PostReminder
    post: Post
    user_id: str
    author: str
    team_name: str


class ReminderSender:
    def __init__(
        self,
        db: Database,
        users: Users,
        channels: Channels,
        posts: Posts,
        direct: DirectChannels,
        system_bot: SystemBot,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._users = users
        self._channels = channels
        self._posts = posts
        self._direct = direct
        self._bot = system_bot
        self._site_url = site_url
        self._dms: dict[tuple[str, str], str] = {}

    async def prepare(
        self, tenant_id: str, batch: list[PostReminder]
    ) -> tuple[list[Prepared], list[PostReminder]]:
        """(to send, to drop): a reminder whose post is gone, or whose user is gone or
        may no longer read it, is dropped. Runs in the tenant's scope."""
        post_ids = sorted({r.post_id for r in batch})
        user_ids = sorted({r.user_id for r in batch})
        async with self._db.read() as conn:
            posts = {p.id: p for p in await post_store.get_posts(conn, tenant_id, post_ids)}
        people = {u.id: u for u in await self._users.get_many(tenant_id, user_ids)}
        authors = {
            u.id: u.username
            for u in await self._users.get_many(tenant_id, [p.user_id for p in posts.values()])
        }
        readable: dict[tuple[str, str], bool] = {}
        team_names: dict[str, str] = {}
        ready: list[Prepared] = []
        dropped: list[PostReminder] = []
        for reminder in batch:
            post = posts.get(reminder.post_id)
            user = people.get(reminder.user_id)
            if post is None or user is None or user.delete_at:
                dropped.append(reminder)
                continue
            key = (post.channel_id, user.id)
            if key not in readable:
                readable[key] = await self._may_read(tenant_id, post.channel_id, user.id)
            if not readable[key]:
                dropped.append(reminder)
                continue
            team = await self._team_name(tenant_id, post.channel_id, user.id, team_names)
            ready.append(Prepared(reminder, post, user.id, authors.get(post.user_id, ""), team))
        return ready, dropped

    async def _may_read(self, tenant_id: str, channel_id: str, user_id: str) -> bool:
        if user_id in await self._channels.member_ids(tenant_id, channel_id):
            return True
        channel = await self._channels.meta(tenant_id, channel_id)
        if channel is None or channel.type != OPEN or channel.delete_at:
            return False
        async with self._db.read() as conn:
            member = await team_store.get_active_member(conn, tenant_id, channel.team_id, user_id)
        return member is not None

    async def _team_name(
        self, tenant_id: str, channel_id: str, user_id: str, known: dict[str, str]
    ) -> str:
        """The team of the post's channel (for its link); a direct channel's post links
        through the user's first team, as any of them opens it."""
        channel = await self._channels.meta(tenant_id, channel_id)
        team_id = channel.team_id if channel is not None else ""
        key = team_id or f"user:{user_id}"
        if key not in known:
            async with self._db.read() as conn:
                if team_id:
                    team = await team_store.get_team(conn, tenant_id, team_id)
                    known[key] = team.name if team is not None else ""
                else:
                    teams = await team_store.teams_for_user(conn, tenant_id, user_id)
                    known[key] = teams[0].name if teams else ""
        return known[key]

    async def send(self, prepared: Prepared) -> None:
        """The direct message from the system bot; raises if it could not be written."""
        reminder = prepared.reminder
        tenant_id = reminder.tenant_id
        bot = await self._bot.actor(tenant_id)
        channel_id = await self._dm(bot, prepared.user_id)
        link = f"{self._site_url(tenant_id).rstrip('/')}/{prepared.team_name}/pl/{prepared.post.id}"
        draft = PostDraft(
            channel_id=channel_id,
            message=f"Hi there, here's your reminder about this message from {prepared.author}: {link}",
            props={
                "team_name": prepared.team_name,
                "post_id": prepared.post.id,
                "username": prepared.author,
            },
            post_id=reminder_post_id(reminder),
            server_type=REMINDER_TYPE,
        )
        await self._posts.do_create_post(bot, draft, set_online=False)

    async def _dm(self, bot: Actor, user_id: str) -> str:
        key = (bot.tenant_id, user_id)
        known = self._dms.get(key)
        if known is None:
            channel = await self._direct.do_create_direct(bot, bot.user_id, user_id)
            known = self._dms[key] = channel.id
        return known
