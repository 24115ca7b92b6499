"""SQL for which users a restricted viewer may see (``roost.app.accounts.visibility``):
themself, whoever shares a channel with them (direct and group ones included), and the
members of the teams where their team roles grant ``view_members`` (a ``Viewer``
names those teams), as Mattermost's view restrictions by channel and team. A condition
on ``users.c.id`` for the listing queries, so the rule runs in the database however
many users there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import KeyedColumnElement

from roost.model.roles import member_roles
from roost.store.tables import channel_members, team_members, users

GUEST_ROLE = "system_guest"


class Viewer(str):
    """A restricted viewer's user id, carrying the teams whose members they see whole
    (their team roles grant ``view_members`` there). A ``str`` so that every store
    query taking ``viewer`` takes it unchanged; a plain id sees by channel only."""

    team_ids: tuple[str, ...]

    def __new__(cls, user_id: str, team_ids: Sequence[str] = ()) -> Viewer:
        made = super().__new__(cls, user_id)
        made.team_ids = tuple(team_ids)
        return made


def _in_teams(tenant_id: str, team_ids: Sequence[str]) -> Any:
    return select(team_members.c.user_id).where(
        team_members.c.tenant_id == tenant_id,
        team_members.c.team_id.in_(list(team_ids)),
        team_members.c.delete_at == 0,
    )


def _shares_channel(tenant_id: str, viewer_id: str) -> Any:
    """The ids of everyone in a channel the viewer is in (the viewer among them)."""
    mine = channel_members.alias("seen_by_mine")
    theirs = channel_members.alias("seen_by_theirs")
    return (
        select(theirs.c.user_id)
        .select_from(
            mine.join(
                theirs,
                (theirs.c.tenant_id == mine.c.tenant_id)
                & (theirs.c.channel_id == mine.c.channel_id),
            )
        )
        .where(mine.c.tenant_id == tenant_id, mine.c.user_id == viewer_id)
    )


def visible_to(
    tenant_id: str, viewer_id: str, user_id: KeyedColumnElement[Any] = users.c.id
) -> ColumnElement[bool]:
    """True for the rows whose ``user_id`` column (by default ``users.id``) names a user
    the viewer may see."""
    seen = [user_id == viewer_id, user_id.in_(_shares_channel(tenant_id, viewer_id))]
    team_ids = viewer_id.team_ids if isinstance(viewer_id, Viewer) else ()
    if team_ids:
        seen.append(user_id.in_(_in_teams(tenant_id, team_ids)))
    return or_(*seen)


async def visible_ids(
    conn: AsyncConnection, tenant_id: str, viewer_id: str, user_ids: Sequence[str]
) -> set[str]:
    """Those of ``user_ids`` the viewer may see."""
    if not user_ids:
        return set()
    rows = await conn.execute(
        select(users.c.id).where(
            users.c.tenant_id == tenant_id,
            users.c.id.in_(list(user_ids)),
            visible_to(tenant_id, viewer_id),
        )
    )
    return {str(r[0]) for r in rows}


async def guest_ids(conn: AsyncConnection, tenant_id: str) -> list[str]:
    """Active guest accounts (few: the role is a short string, checked word by word)."""
    rows = await conn.execute(
        select(users.c.id, users.c.roles).where(
            users.c.tenant_id == tenant_id,
            users.c.delete_at == 0,
            users.c.roles.like(f"%{GUEST_ROLE}%"),
        )
    )
    return [str(r.id) for r in rows if GUEST_ROLE in str(r.roles).split()]


async def team_roles(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[tuple[str, str]]:
    """The user's live team memberships: (team id, their team roles)."""
    rows = await conn.execute(
        select(
            team_members.c.team_id,
            team_members.c.scheme_user,
            team_members.c.scheme_admin,
            team_members.c.explicit_roles,
        ).where(
            team_members.c.tenant_id == tenant_id,
            team_members.c.user_id == user_id,
            team_members.c.delete_at == 0,
        )
    )
    return [
        (str(r.team_id), member_roles("team", r.scheme_user, r.scheme_admin, r.explicit_roles))
        for r in rows
    ]


async def team_mates(
    conn: AsyncConnection, tenant_id: str, user_id: str, user_ids: Sequence[str]
) -> set[str]:
    """Those of ``user_ids`` who share a team with the user."""
    if not user_ids:
        return set()
    mine = team_members.alias("mates_mine")
    theirs = team_members.alias("mates_theirs")
    rows = await conn.execute(
        select(theirs.c.user_id)
        .select_from(
            mine.join(
                theirs,
                (theirs.c.tenant_id == mine.c.tenant_id) & (theirs.c.team_id == mine.c.team_id),
            )
        )
        .where(
            mine.c.tenant_id == tenant_id,
            mine.c.user_id == user_id,
            mine.c.delete_at == 0,
            theirs.c.delete_at == 0,
            theirs.c.user_id.in_(list(user_ids)),
        )
    )
    return {str(r[0]) for r in rows}
