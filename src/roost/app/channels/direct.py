"""Direct (two people) and group (three to eight) message channels.

Both are found again by a name derived from their members, so asking for the same
conversation twice gives the same channel.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import orjson

from roost.app.accounts.visibility import UserVisibility
from roost.app.channels.channels import Channels, new_member
from roost.app.channels.errors import direct_invalid_user, group_bad_size, group_bad_user
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.channel import DIRECT, GROUP, Channel
from roost.model.event import Broadcast, Event
from roost.model.events import DIRECT_ADDED, GROUP_ADDED
from roost.store.accounts import users as user_store
from roost.store.channels import channels as channel_store
from roost.store.channels import members as member_store
from roost.store.db.database import Database

CREATE_DIRECT_CHANNEL = "create_direct_channel"
CREATE_GROUP_CHANNEL = "create_group_channel"
GROUP_MIN_USERS = 3
GROUP_MAX_USERS = 8


def direct_name(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{first}__{second}"


def group_name(user_ids: Sequence[str]) -> str:
    return hashlib.sha1("".join(sorted(user_ids)).encode(), usedforsecurity=False).hexdigest()


class DirectChannels:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        channels: Channels,
        visibility: UserVisibility | None = None,
    ) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        # A conversation only with people the caller may see (a guest: who shares a
        # channel with them), as Mattermost's UserCanSeeOtherUser check.
        self._visibility = visibility

    async def do_create_direct(self, actor: Actor, user_a: str, user_b: str) -> Channel:
        """The direct channel of two users (one user: a note-to-self), created if new."""
        if actor.user_id not in (user_a, user_b) and not actor.is_system_admin:
            raise errors.forbidden()
        await self._channels.permissions.check(actor, CREATE_DIRECT_CHANNEL)
        ids = sorted({user_a, user_b})
        if self._visibility is not None:
            await self._visibility.check_can_see(actor, *ids)
        now = now_ms()
        channel = Channel(
            id=new_id(),
            team_id="",
            type=DIRECT,
            name=direct_name(user_a, user_b),
            create_at=now,
            update_at=now,
            creator_id=actor.user_id,
        )
        async with self._db.write() as conn:
            found = await user_store.get_users(conn, actor.tenant_id, ids)
            if len(found) != len(ids):
                raise direct_invalid_user()
            created = await channel_store.insert_channel(conn, actor.tenant_id, channel)
            if created:
                await member_store.insert_members(
                    conn, actor.tenant_id, [new_member(channel, uid, now) for uid in ids]
                )
            else:
                existing = await channel_store.get_channel_by_name(
                    conn, actor.tenant_id, "", channel.name
                )
                assert existing is not None
                channel = existing
        if not created:
            return channel
        self._channels.invalidate(actor.tenant_id, channel.id)
        teammate = user_b if actor.user_id == user_a else user_a
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    DIRECT_ADDED,
                    {"creator_id": actor.user_id, "teammate_id": teammate},
                    Broadcast(recipients=frozenset(ids), channel_id=channel.id),
                )
            ]
        )
        return channel

    async def do_create_group(self, actor: Actor, user_ids: Sequence[str]) -> Channel:
        """The group channel of these users plus the caller, created if new."""
        ids = sorted({*user_ids, actor.user_id})
        if not GROUP_MIN_USERS <= len(ids) <= GROUP_MAX_USERS:
            raise group_bad_size(GROUP_MIN_USERS, GROUP_MAX_USERS)
        await self._channels.permissions.check(actor, CREATE_GROUP_CHANNEL)
        if self._visibility is not None:
            await self._visibility.check_can_see(actor, *ids)
        now = now_ms()
        async with self._db.write() as conn:
            found = await user_store.get_users(conn, actor.tenant_id, ids)
            if len(found) != len(ids) or any(u.delete_at for u in found):
                raise group_bad_user()
            channel = Channel(
                id=new_id(),
                team_id="",
                type=GROUP,
                name=group_name(ids),
                # The column holds 64 characters; clients build their own label anyway.
                display_name=", ".join(sorted(u.username for u in found))[:64],
                create_at=now,
                update_at=now,
                creator_id=actor.user_id,
            )
            created = await channel_store.insert_channel(conn, actor.tenant_id, channel)
            if created:
                await member_store.insert_members(
                    conn, actor.tenant_id, [new_member(channel, uid, now) for uid in ids]
                )
            else:
                existing = await channel_store.get_channel_by_name(
                    conn, actor.tenant_id, "", channel.name
                )
                assert existing is not None
                channel = existing
        if not created:
            return channel
        self._channels.invalidate(actor.tenant_id, channel.id)
        await self._bus.publish(
            [
                Event(
                    actor.tenant_id,
                    GROUP_ADDED,
                    {"teammate_ids": orjson.dumps(ids).decode()},
                    Broadcast(recipients=frozenset(ids), channel_id=channel.id),
                )
            ]
        )
        return channel
