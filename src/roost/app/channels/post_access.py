"""Who may read, write and manage posts in a channel: the rules posts and reactions share.

Mattermost's defaults: channel members read and post; team members may also read an
open channel they have not joined; system admins may do anything; channel and team
admins may delete others' posts; team and system admins may edit them.
"""

from __future__ import annotations

from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.channel import OPEN
from roost.model.post import Post
from roost.store.db.database import Connection as AsyncConnection
from roost.store.posts import access as access_store
from roost.store.posts.access import ChannelAccess


def channel_not_found() -> errors.AppError:
    return errors.not_found("channel", "app.channel.get.existing.app_error")


def post_not_found() -> errors.AppError:
    return errors.not_found("post", "app.post.get.app_error")


async def load(conn: AsyncConnection, actor: Actor, channel_id: str) -> ChannelAccess:
    found = await access_store.channel_access(conn, actor.tenant_id, channel_id, actor.user_id)
    if found is None:
        raise channel_not_found()
    return found


def can_read(actor: Actor, access: ChannelAccess) -> bool:
    if access.is_member or actor.is_system_admin:
        return True
    return access.channel.type == OPEN and access.is_team_member


def can_write(actor: Actor, access: ChannelAccess) -> bool:
    return access.is_member or actor.is_system_admin


def check_read(actor: Actor, access: ChannelAccess) -> None:
    if not can_read(actor, access):
        raise errors.forbidden()


def check_write(actor: Actor, access: ChannelAccess) -> None:
    if not can_write(actor, access):
        raise errors.forbidden()


def check_edit(actor: Actor, access: ChannelAccess, post: Post) -> None:
    if post.user_id == actor.user_id and can_write(actor, access):
        return
    if actor.is_system_admin or access.is_team_admin:
        return
    raise errors.forbidden()


def check_delete(actor: Actor, access: ChannelAccess, post: Post) -> None:
    if post.user_id == actor.user_id and can_write(actor, access):
        return
    if actor.is_system_admin or access.is_team_admin or access.is_channel_admin:
        return
    raise errors.forbidden()


async def readable_channels(
    conn: AsyncConnection, actor: Actor, channel_ids: set[str]
) -> dict[str, ChannelAccess]:
    """The channels among these the caller may read, with their access rows."""
    readable: dict[str, ChannelAccess] = {}
    for channel_id in sorted(channel_ids):
        found = await access_store.channel_access(conn, actor.tenant_id, channel_id, actor.user_id)
        if found is not None and can_read(actor, found):
            readable[channel_id] = found
    return readable
