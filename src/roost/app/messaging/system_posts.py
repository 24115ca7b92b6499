"""The system posts Mattermost writes about membership and channel changes: joins,
leaves, adds and removals (of channels and of teams, the latter in the team's Town
Square), header, purpose and display-name changes, archiving and restoring, and privacy
conversions. Each is an ordinary stored post (a ``posted`` event to the channel's
members) with Mattermost's ``type`` and ``props``, by the user who made the change.

The channels domain reports its changes through ``roost.app.channels.changes`` (it
cannot import posts); this module is that seam's implementation, installed by
``roost.compose``. Mattermost's rules kept here:

- Direct and group channels get none of the membership posts.
- Join, leave, add and remove posts do not count as messages (no unread count), as
  Mattermost's ``IsJoinLeaveMessage`` types do not; the others count.
- Team joins and leaves, and leaving Town Square, are written only while
  ``ExperimentalEnableDefaultChannelLeaveJoinMessages`` is on; a guest joining a team
  gets none (Mattermost does not join guests to the default channels).
- A guest joining or added to a channel gets the guest kinds of the join and add posts.
- Imports write none (they do not pass through the channels services).
- They pass through the post hooks as any post does (Mattermost's CreatePost): a
  plugin's ``message_will_be_posted`` may change their message and props or reject
  them (then none is written; the change itself stands), and
  ``message_has_been_posted`` hears of those written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from roost.app.channels.changes import ChannelChanges
from roost.app.channels.channels import TOWN_SQUARE
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.app.posts.posts import Posts
from roost.clock import now_ms
from roost.config.messaging import MessagingSettings
from roost.model.channel import OPEN, Channel
from roost.model.post import Post
from roost.model.user import User
from roost.store.accounts import users as user_store
from roost.store.channels import channels as channel_store
from roost.store.db.database import Database

log = logging.getLogger(__name__)

JOIN_CHANNEL = "system_join_channel"
GUEST_JOIN_CHANNEL = "system_guest_join_channel"
LEAVE_CHANNEL = "system_leave_channel"
ADD_TO_CHANNEL = "system_add_to_channel"
ADD_GUEST_TO_CHANNEL = "system_add_guest_to_chan"
REMOVE_FROM_CHANNEL = "system_remove_from_channel"
JOIN_TEAM = "system_join_team"
LEAVE_TEAM = "system_leave_team"
ADD_TO_TEAM = "system_add_to_team"
REMOVE_FROM_TEAM = "system_remove_from_team"
HEADER_CHANGE = "system_header_change"
PURPOSE_CHANGE = "system_purpose_change"
DISPLAYNAME_CHANGE = "system_displayname_change"
CHANNEL_DELETED = "system_channel_deleted"
CHANNEL_RESTORED = "system_channel_restored"
PRIVACY_CHANGE = "system_change_chan_privacy"

# Mattermost's IsJoinLeaveMessage: kept out of the channel's message totals.
NOT_COUNTED = frozenset(
    {
        JOIN_CHANNEL,
        LEAVE_CHANNEL,
        ADD_TO_CHANNEL,
        REMOVE_FROM_CHANNEL,
        JOIN_TEAM,
        LEAVE_TEAM,
        ADD_TO_TEAM,
        REMOVE_FROM_TEAM,
    }
)


def _is_guest(user: User) -> bool:
    return "system_guest" in user.roles.split()


def _changed(who: str, what: str, old: str, new: str) -> str:
    if not old:
        return f"{who} updated the channel {what} to: {new}"
    if not new:
        return f"{who} removed the channel {what} (was: {old})"
    return f"{who} updated the channel {what} from: {old} to: {new}"


class SystemPosts(ChannelChanges):
    def __init__(self, db: Database, posts: Posts, settings: MessagingSettings) -> None:
        self._db = db
        self._posts = posts
        # Read at each use: the config API may change it at run time.
        self._settings = settings

    def _join_leave_in_default(self) -> bool:
        return self._settings.enable_default_channel_leave_join_messages

    async def _users(self, tenant_id: str, user_ids: Sequence[str]) -> dict[str, User]:
        async with self._db.read() as conn:
            users = await user_store.get_users(conn, tenant_id, list(dict.fromkeys(user_ids)))
        return {u.id: u for u in users}

    async def _write(
        self,
        tenant_id: str,
        author: User,
        channel: Channel,
        post_type: str,
        message: str,
        props: dict[str, Any],
    ) -> None:
        hooks = self._posts.hooks
        actor = Actor(
            tenant_id=tenant_id,
            user_id=author.id,
            roles=author.roles,
            is_bot=author.is_bot,
            username=author.username,
        )
        try:
            if hooks.changes:
                now = now_ms()
                draft = Post(
                    id="",
                    channel_id=channel.id,
                    user_id=author.id,
                    message=message,
                    create_at=now,
                    update_at=now,
                    type=post_type,
                    props=props,
                )
                draft = await hooks.will_post(actor, draft, channel)
                self._posts.check_message(draft.message)
                message, props = draft.message, draft.props
            post = await self._posts.do_create_system_post(
                tenant_id,
                (author.id, author.username),
                channel,
                post_type,
                message,
                props,
                counted=post_type not in NOT_COUNTED,
            )
        except AppError as refused:
            # A plugin rejected it (or it became too long): the change stands without it.
            log.info("system post %s in channel %s not written: %s", post_type, channel.id, refused)
            return
        except Exception:
            # The change has happened; only its note is missing (Mattermost logs it too).
            log.exception("system post %s in channel %s not written", post_type, channel.id)
            return
        if hooks.watches:
            hooks.has_posted(actor, post, channel)

    # Channels.

    async def channel_created(self, tenant_id: str, channel: Channel, creator_id: str) -> None:
        await self.joined_channel(tenant_id, channel, [creator_id], creator_id)

    async def joined_channel(
        self, tenant_id: str, channel: Channel, user_ids: Sequence[str], actor_id: str
    ) -> None:
        if channel.is_direct_or_group or not user_ids:
            return
        users = await self._users(tenant_id, [actor_id, *user_ids])
        actor = users.get(actor_id)
        for user_id in user_ids:
            user = users.get(user_id)
            if user is None or actor is None:
                continue
            if user_id == actor_id:
                await self._joined(tenant_id, channel, user)
            else:
                await self._added(tenant_id, channel, actor, user)

    async def _joined(self, tenant_id: str, channel: Channel, user: User) -> None:
        guest = _is_guest(user)
        text = "joined the channel as a guest." if guest else "joined the channel."
        await self._write(
            tenant_id,
            user,
            channel,
            GUEST_JOIN_CHANNEL if guest else JOIN_CHANNEL,
            f"{user.username} {text}",
            {"username": user.username},
        )

    async def _added(self, tenant_id: str, channel: Channel, actor: User, user: User) -> None:
        guest = _is_guest(user)
        how = "added to the channel as a guest by" if guest else "added to the channel by"
        await self._write(
            tenant_id,
            actor,
            channel,
            ADD_GUEST_TO_CHANNEL if guest else ADD_TO_CHANNEL,
            f"{user.username} {how} {actor.username}.",
            {
                "userId": actor.id,
                "username": actor.username,
                "addedUserId": user.id,
                "addedUsername": user.username,
            },
        )

    async def left_channel(
        self, tenant_id: str, channel: Channel, user_id: str, actor_id: str
    ) -> None:
        if channel.is_direct_or_group:
            return
        users = await self._users(tenant_id, [user_id, actor_id])
        user, actor = users.get(user_id), users.get(actor_id)
        if user is None or actor is None:
            return
        if user_id == actor_id:
            if channel.name == TOWN_SQUARE and not self._join_leave_in_default():
                return
            # "@name": the text mentions the leaver by name though they are gone.
            await self._write(
                tenant_id,
                user,
                channel,
                LEAVE_CHANNEL,
                f"@{user.username} left the channel.",
                {"username": user.username},
            )
            return
        await self._write(
            tenant_id,
            actor,
            channel,
            REMOVE_FROM_CHANNEL,
            f"@{user.username} was removed from the channel.",
            {"removedUserId": user.id, "removedUsername": user.username},
        )

    async def channel_patched(
        self, tenant_id: str, before: Channel, after: Channel, actor_id: str
    ) -> None:
        changes = [
            (
                DISPLAYNAME_CHANGE,
                "display name",
                "displayname",
                before.display_name,
                after.display_name,
            ),
            (HEADER_CHANGE, "header", "header", before.header, after.header),
            (PURPOSE_CHANGE, "purpose", "purpose", before.purpose, after.purpose),
        ]
        if all(old == new for _, _, _, old, new in changes):
            return
        actor = (await self._users(tenant_id, [actor_id])).get(actor_id)
        if actor is None:
            return
        for post_type, what, key, old, new in changes:
            if old == new:
                continue
            if post_type == DISPLAYNAME_CHANGE:
                text = f"{actor.username} updated the channel display name from: {old} to: {new}"
            else:
                text = _changed(actor.username, what, old, new)
            props = {"username": actor.username, f"old_{key}": old, f"new_{key}": new}
            await self._write(tenant_id, actor, after, post_type, text, props)

    async def channel_archived(self, tenant_id: str, channel: Channel, actor_id: str) -> None:
        await self._about_channel(
            tenant_id, channel, actor_id, CHANNEL_DELETED, "archived the channel."
        )

    async def channel_restored(self, tenant_id: str, channel: Channel, actor_id: str) -> None:
        await self._about_channel(
            tenant_id, channel, actor_id, CHANNEL_RESTORED, "unarchived the channel."
        )

    async def _about_channel(
        self, tenant_id: str, channel: Channel, actor_id: str, post_type: str, text: str
    ) -> None:
        actor = (await self._users(tenant_id, [actor_id])).get(actor_id)
        if actor is None:
            return
        message = f"{actor.username} {text}"
        await self._write(
            tenant_id, actor, channel, post_type, message, {"username": actor.username}
        )

    async def privacy_changed(self, tenant_id: str, channel: Channel, actor_id: str) -> None:
        """Called by ``channel_privacy`` (the same domain) once a conversion committed."""
        actor = (await self._users(tenant_id, [actor_id])).get(actor_id)
        if actor is None:
            return
        kind = "Public" if channel.type == OPEN else "Private"
        message = f"This channel has been converted to a {kind} Channel."
        props = {"username": actor.username}
        await self._write(tenant_id, actor, channel, PRIVACY_CHANGE, message, props)

    # Teams: written in the team's Town Square, the default channels as channel joins.

    async def joined_team(
        self,
        tenant_id: str,
        team_id: str,
        user_id: str,
        requestor_id: str,
        channels: Sequence[Channel],
    ) -> None:
        if not self._join_leave_in_default():
            return
        requestor_id = "" if requestor_id == user_id else requestor_id
        users = await self._users(tenant_id, [user_id, requestor_id] if requestor_id else [user_id])
        user = users.get(user_id)
        requestor = users.get(requestor_id) if requestor_id else None
        if user is None or _is_guest(user) or (requestor_id and requestor is None):
            return
        for channel in channels:
            if channel.name != TOWN_SQUARE:
                if requestor is None:
                    await self._joined(tenant_id, channel, user)
                else:
                    await self._added(tenant_id, channel, requestor, user)
            elif requestor is None:
                message = f"{user.username} joined the team."
                props: dict[str, Any] = {"username": user.username}
                await self._write(tenant_id, user, channel, JOIN_TEAM, message, props)
            else:
                message = f"{user.username} added to the team by {requestor.username}."
                props = {
                    "userId": requestor.id,
                    "username": requestor.username,
                    "addedUserId": user.id,
                    "addedUsername": user.username,
                }
                await self._write(tenant_id, requestor, channel, ADD_TO_TEAM, message, props)

    async def left_team(self, tenant_id: str, team_id: str, user_id: str, actor_id: str) -> None:
        if not self._join_leave_in_default():
            return
        async with self._db.read() as conn:
            town = await channel_store.get_channel_by_name(conn, tenant_id, team_id, TOWN_SQUARE)
        user = (await self._users(tenant_id, [user_id])).get(user_id)
        if town is None or user is None:
            return
        # Both are the leaver's own post in Mattermost, even when an admin removed them.
        if user_id == actor_id:
            post_type, text = LEAVE_TEAM, "left the team."
        else:
            post_type, text = REMOVE_FROM_TEAM, "was removed from the team."
        message = f"{user.username} {text}"
        await self._write(tenant_id, user, town, post_type, message, {"username": user.username})
