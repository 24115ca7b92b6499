"""Who may read, write and manage posts in a channel: the rules posts and reactions share.

Channel members read and post; team members may also read an open channel they have
not joined; system admins may do anything. Beyond that, writing asks the tenant's role
data (``app/accounts/permissions.py``) as Mattermost does: ``create_post``,
``edit_post``/``edit_others_posts``, ``delete_post``/``delete_others_posts``,
``add_reaction``/``remove_reaction``, over the caller's system, team member and channel
member roles. Under the default roles: team and system admins edit others' posts, channel,
team and system admins delete them (Roost's additions to Mattermost's defaults:
docs/permissions.md).
"""

from __future__ import annotations

from roost.app.accounts.permissions import Permissions, denied
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.model.channel import OPEN, Channel
from roost.model.post import Post
from roost.model.roles import CHANNEL_USER
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
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
    # A guest reads only the channels they are in.
    return access.channel.type == OPEN and access.is_team_member and not actor.is_guest


def can_write(actor: Actor, access: ChannelAccess) -> bool:
    return access.is_member or actor.is_system_admin


def check_read(actor: Actor, access: ChannelAccess) -> None:
    if not can_read(actor, access):
        raise errors.forbidden()


def check_write(actor: Actor, access: ChannelAccess) -> None:
    if not can_write(actor, access):
        raise errors.forbidden()


CREATE_POST = "create_post"
EDIT_POST = "edit_post"
EDIT_OTHERS_POSTS = "edit_others_posts"
DELETE_POST = "delete_post"
DELETE_OTHERS_POSTS = "delete_others_posts"
ADD_REACTION = "add_reaction"
REMOVE_REACTION = "remove_reaction"
REMOVE_OTHERS_REACTIONS = "remove_others_reactions"
UPLOAD_FILE = "upload_file"
USE_CHANNEL_MENTIONS = "use_channel_mentions"


async def has_permission(
    permissions: Permissions, actor: Actor, access: ChannelAccess, permission: str
) -> bool:
    return await permissions.has_channel_permission(
        actor, access.team_roles, access.channel_roles, permission
    )


async def check_permission(
    permissions: Permissions, actor: Actor, access: ChannelAccess, permission: str
) -> None:
    await permissions.check_channel(actor, access.team_roles, access.channel_roles, permission)


async def check_write_permission(
    permissions: Permissions, actor: Actor, access: ChannelAccess, permission: str
) -> None:
    """A member (or system admin) who also holds the permission in the channel."""
    check_write(actor, access)
    await check_permission(permissions, actor, access, permission)


async def check_edit(
    permissions: Permissions, actor: Actor, access: ChannelAccess, post: Post
) -> None:
    if post.user_id == actor.user_id and can_write(actor, access):
        await check_permission(permissions, actor, access, EDIT_POST)
        return
    await check_permission(permissions, actor, access, EDIT_OTHERS_POSTS)


async def check_delete(
    permissions: Permissions, actor: Actor, access: ChannelAccess, post: Post
) -> None:
    if post.user_id == actor.user_id and can_write(actor, access):
        await check_permission(permissions, actor, access, DELETE_POST)
        return
    await check_permission(permissions, actor, access, DELETE_OTHERS_POSTS)


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


def from_caches(actor: Actor, channel: Channel) -> ChannelAccess:
    """A member's access built from the member-set and channel caches, no query.

    It carries only ``channel_user``, the role every member holds; admin flags are
    left false. ``require`` reads the member's own roles when that is not enough."""
    return ChannelAccess(
        channel=channel,
        user_id=actor.user_id,
        username=actor.username,
        is_member=True,
        is_channel_admin=False,
        last_viewed_at=0,
        is_team_member=True,
        is_team_admin=False,
        channel_roles=CHANNEL_USER,
        roles_known=False,
    )


async def resolve(
    permissions: Permissions,
    db: Database,
    actor: Actor,
    access: ChannelAccess,
    permission: str,
    conn: AsyncConnection | None = None,
) -> tuple[ChannelAccess, bool]:
    """Whether the caller holds the permission in the channel, and the access to go on with.

    From the role data alone when the roles every member holds (or the caller's system
    roles) grant it: the common case, no query. Only when the permission was taken from
    those does an access built from caches need the member's own roles (one query)."""
    if await has_permission(permissions, actor, access, permission):
        return access, True
    if access.roles_known:
        return access, False
    if conn is not None:
        full = await load(conn, actor, access.channel.id)
    else:
        async with db.read() as reader:
            full = await load(reader, actor, access.channel.id)
    return full, await has_permission(permissions, actor, full, permission)


async def require(
    permissions: Permissions,
    db: Database,
    actor: Actor,
    access: ChannelAccess,
    permission: str,
    conn: AsyncConnection | None = None,
) -> ChannelAccess:
    """``resolve``, refusing with Mattermost's 403 when the permission is missing."""
    access, granted = await resolve(permissions, db, actor, access, permission, conn)
    if not granted:
        raise denied(actor, permission)
    return access
