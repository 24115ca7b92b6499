"""One query for what a user may do with a channel's posts.

The channel, the user's channel and team membership and their username come back
in a single round trip: every post request needs them, and the create path is hot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.channel import Channel
from roost.model.roles import member_roles
from roost.store.channels.channels import channel_from_row
from roost.store.db import codec
from roost.store.posts.posts import param
from roost.store.tables import channel_members, channels, statuses, team_members, users


@dataclass(slots=True, frozen=True)
class ChannelAccess:
    channel: Channel
    user_id: str
    username: str
    is_member: bool
    is_channel_admin: bool
    last_viewed_at: int
    is_team_member: bool
    is_team_admin: bool
    # The member roles Mattermost would name ("channel_user channel_admin", "team_user"):
    # what permission checks combine with the user's own.
    channel_roles: str = ""
    team_roles: str = ""
    # False when built from caches with only the roles every member holds.
    roles_known: bool = True


def _channel_access_stmt() -> Select[Any]:
    cm, tm, u = channel_members.c, team_members.c, users.c
    user = param("p_user")
    joined = (
        channels.outerjoin(
            channel_members,
            and_(
                cm.tenant_id == channels.c.tenant_id,
                cm.channel_id == channels.c.id,
                cm.user_id == user,
            ),
        )
        .outerjoin(
            team_members,
            and_(
                tm.tenant_id == channels.c.tenant_id,
                tm.team_id == channels.c.team_id,
                tm.user_id == user,
                tm.delete_at == 0,
            ),
        )
        .outerjoin(users, and_(u.tenant_id == channels.c.tenant_id, u.id == user))
    )
    return (
        select(
            *channels.c,
            cm.user_id.label("m_user_id"),
            cm.scheme_admin.label("m_admin"),
            cm.scheme_user.label("m_user"),
            cm.explicit_roles.label("m_explicit"),
            cm.last_viewed_at.label("m_last_viewed_at"),
            tm.user_id.label("t_user_id"),
            tm.scheme_admin.label("t_admin"),
            tm.scheme_user.label("t_user"),
            tm.explicit_roles.label("t_explicit"),
            u.username.label("u_username"),
        )
        .select_from(joined)
        .where(channels.c.tenant_id == param("p_tenant"), channels.c.id == param("p_channel"))
    )


# Built once: every post request runs it.
_CHANNEL_ACCESS = _channel_access_stmt()


async def channel_access(
    conn: AsyncConnection, tenant_id: str, channel_id: str, user_id: str
) -> ChannelAccess | None:
    params = {"p_tenant": tenant_id, "p_channel": channel_id, "p_user": user_id}
    row = (await conn.execute(_CHANNEL_ACCESS, params)).mappings().first()
    if row is None:
        return None
    is_member = row["m_user_id"] is not None
    is_team_member = row["t_user_id"] is not None
    return ChannelAccess(
        channel=channel_from_row(row),
        user_id=user_id,
        username=row["u_username"] or "",
        is_member=is_member,
        is_channel_admin=is_member and bool(row["m_admin"]),
        last_viewed_at=int(row["m_last_viewed_at"] or 0) if is_member else 0,
        is_team_member=is_team_member,
        is_team_admin=is_team_member and bool(row["t_admin"]),
        channel_roles=member_roles(
            "channel", bool(row["m_user"]), bool(row["m_admin"]), row["m_explicit"] or ""
        )
        if is_member
        else "",
        team_roles=member_roles(
            "team", bool(row["t_user"]), bool(row["t_admin"]), row["t_explicit"] or ""
        )
        if is_team_member
        else "",
    )


async def members_named(
    conn: AsyncConnection, tenant_id: str, channel_id: str, usernames: Sequence[str]
) -> dict[str, str]:
    """username -> user id, for those of the names who are members of the channel."""
    if not usernames:
        return {}
    cm, u = channel_members.c, users.c
    stmt = (
        select(u.username, u.id)
        .select_from(
            users.join(
                channel_members,
                and_(cm.tenant_id == u.tenant_id, cm.user_id == u.id),
            )
        )
        .where(
            u.tenant_id == tenant_id,
            cm.channel_id == channel_id,
            u.username.in_(list(usernames)),
            u.delete_at == 0,
        )
    )
    return {str(r.username): str(r.id) for r in await conn.execute(stmt)}


@dataclass(slots=True, frozen=True)
class MemberNotify:
    user_id: str
    first_name: str
    member_props: dict[str, Any]
    user_props: dict[str, Any]
    is_bot: bool


async def members_notify_props(
    conn: AsyncConnection, tenant_id: str, channel_id: str
) -> list[MemberNotify]:
    """Everyone in the channel with the settings that decide who a message mentions."""
    cm, u = channel_members.c, users.c
    stmt = (
        select(
            cm.user_id,
            cm.notify_props,
            u.first_name,
            u.notify_props.label("user_props"),
            u.is_bot,
        )
        .select_from(
            channel_members.join(users, and_(u.tenant_id == cm.tenant_id, u.id == cm.user_id))
        )
        .where(cm.tenant_id == tenant_id, cm.channel_id == channel_id, u.delete_at == 0)
    )
    return [
        MemberNotify(
            user_id=str(r.user_id),
            first_name=str(r.first_name),
            member_props=codec.load_dict(r.notify_props),
            user_props=codec.load_dict(r.user_props),
            is_bot=bool(r.is_bot),
        )
        for r in await conn.execute(stmt)
    ]


async def online_user_ids(
    conn: AsyncConnection, tenant_id: str, user_ids: Sequence[str]
) -> set[str]:
    if not user_ids:
        return set()
    stmt = select(statuses.c.user_id).where(
        statuses.c.tenant_id == tenant_id,
        statuses.c.user_id.in_(list(user_ids)),
        statuses.c.status == "online",
    )
    return {str(uid) for uid in (await conn.execute(stmt)).scalars()}
