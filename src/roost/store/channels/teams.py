"""SQL for teams and team members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.team import Team, TeamMember
from roost.store.db.dialect import insert_ignore, upsert
from roost.store.tables import team_members, teams, users


def team_from_row(row: RowMapping) -> Team:
    return Team(
        id=row["id"],
        name=row["name"],
        display_name=row["display_name"],
        type=row["type"],
        create_at=row["create_at"],
        update_at=row["update_at"],
        delete_at=row["delete_at"],
        description=row["description"],
        email=row["email"],
        company_name=row["company_name"],
        allowed_domains=row["allowed_domains"],
        invite_id=row["invite_id"],
        allow_open_invite=bool(row["allow_open_invite"]),
        creator_id=row["creator_id"],
    )


def team_values(tenant_id: str, team: Team) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": team.id,
        "create_at": team.create_at,
        "update_at": team.update_at,
        "delete_at": team.delete_at,
        "name": team.name,
        "display_name": team.display_name,
        "description": team.description,
        "email": team.email,
        "type": team.type,
        "company_name": team.company_name,
        "allowed_domains": team.allowed_domains,
        "invite_id": team.invite_id,
        "allow_open_invite": team.allow_open_invite,
        "creator_id": team.creator_id,
    }


def member_from_row(row: RowMapping) -> TeamMember:
    return TeamMember(
        team_id=row["team_id"],
        user_id=row["user_id"],
        scheme_user=bool(row["scheme_user"]),
        scheme_admin=bool(row["scheme_admin"]),
        explicit_roles=row["explicit_roles"],
        create_at=row["create_at"],
        delete_at=row["delete_at"],
    )


def member_values(tenant_id: str, member: TeamMember) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "team_id": member.team_id,
        "user_id": member.user_id,
        "scheme_user": member.scheme_user,
        "scheme_admin": member.scheme_admin,
        "explicit_roles": member.explicit_roles,
        "create_at": member.create_at,
        "delete_at": member.delete_at,
    }


# Teams.


async def insert_team(conn: AsyncConnection, tenant_id: str, team: Team) -> bool:
    """Insert unless the name is taken (even by a racing insert); True if inserted."""
    return await insert_ignore(conn, teams, [team_values(tenant_id, team)]) == 1


async def update_team(conn: AsyncConnection, tenant_id: str, team: Team) -> None:
    values = team_values(tenant_id, team)
    del values["tenant_id"], values["id"]
    await conn.execute(
        update(teams).where(teams.c.tenant_id == tenant_id, teams.c.id == team.id).values(**values)
    )


async def get_team(conn: AsyncConnection, tenant_id: str, team_id: str) -> Team | None:
    stmt = select(teams).where(teams.c.tenant_id == tenant_id, teams.c.id == team_id)
    row = (await conn.execute(stmt)).mappings().first()
    return team_from_row(row) if row else None


async def get_team_by_name(conn: AsyncConnection, tenant_id: str, name: str) -> Team | None:
    stmt = select(teams).where(teams.c.tenant_id == tenant_id, teams.c.name == name)
    row = (await conn.execute(stmt)).mappings().first()
    return team_from_row(row) if row else None


async def get_team_by_invite(conn: AsyncConnection, tenant_id: str, invite_id: str) -> Team | None:
    stmt = select(teams).where(teams.c.tenant_id == tenant_id, teams.c.invite_id == invite_id)
    row = (await conn.execute(stmt)).mappings().first()
    return team_from_row(row) if row else None


async def list_teams(
    conn: AsyncConnection,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    open_only: bool,
    include_deleted: bool = False,
) -> list[Team]:
    stmt = select(teams).where(teams.c.tenant_id == tenant_id)
    if open_only:
        stmt = stmt.where(teams.c.allow_open_invite.is_(True))
    if not include_deleted:
        stmt = stmt.where(teams.c.delete_at == 0)
    stmt = stmt.order_by(teams.c.display_name, teams.c.id).offset(offset).limit(limit)
    return [team_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def count_teams(conn: AsyncConnection, tenant_id: str, *, open_only: bool) -> int:
    stmt = (
        select(func.count())
        .select_from(teams)
        .where(teams.c.tenant_id == tenant_id, teams.c.delete_at == 0)
    )
    if open_only:
        stmt = stmt.where(teams.c.allow_open_invite.is_(True))
    return int((await conn.execute(stmt)).scalar_one())


async def teams_for_user(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[Team]:
    stmt = (
        select(teams)
        .join(
            team_members,
            (team_members.c.tenant_id == teams.c.tenant_id)
            & (team_members.c.team_id == teams.c.id),
        )
        .where(
            teams.c.tenant_id == tenant_id,
            team_members.c.user_id == user_id,
            team_members.c.delete_at == 0,
            teams.c.delete_at == 0,
        )
        .order_by(teams.c.display_name, teams.c.id)
    )
    return [team_from_row(r) for r in (await conn.execute(stmt)).mappings()]


# Members. Rows of members who left keep delete_at > 0; "active" means delete_at == 0.


async def get_member(
    conn: AsyncConnection, tenant_id: str, team_id: str, user_id: str
) -> TeamMember | None:
    stmt = select(team_members).where(
        team_members.c.tenant_id == tenant_id,
        team_members.c.team_id == team_id,
        team_members.c.user_id == user_id,
    )
    row = (await conn.execute(stmt)).mappings().first()
    return member_from_row(row) if row else None


async def get_active_member(
    conn: AsyncConnection, tenant_id: str, team_id: str, user_id: str
) -> TeamMember | None:
    member = await get_member(conn, tenant_id, team_id, user_id)
    return member if member is not None and member.delete_at == 0 else None


async def save_member(conn: AsyncConnection, tenant_id: str, member: TeamMember) -> None:
    """Insert the member, or overwrite a row of someone rejoining."""
    await upsert(
        conn,
        team_members,
        [member_values(tenant_id, member)],
        key=["tenant_id", "team_id", "user_id"],
        update=["scheme_user", "scheme_admin", "explicit_roles", "create_at", "delete_at"],
    )


async def list_members(
    conn: AsyncConnection, tenant_id: str, team_id: str, *, offset: int, limit: int
) -> list[TeamMember]:
    stmt = (
        select(team_members)
        .where(
            team_members.c.tenant_id == tenant_id,
            team_members.c.team_id == team_id,
            team_members.c.delete_at == 0,
        )
        .order_by(team_members.c.user_id)
        .offset(offset)
        .limit(limit)
    )
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def members_by_ids(
    conn: AsyncConnection, tenant_id: str, team_id: str, user_ids: Sequence[str]
) -> list[TeamMember]:
    if not user_ids:
        return []
    stmt = select(team_members).where(
        team_members.c.tenant_id == tenant_id,
        team_members.c.team_id == team_id,
        team_members.c.user_id.in_(list(user_ids)),
        team_members.c.delete_at == 0,
    )
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def members_for_user(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[TeamMember]:
    stmt = (
        select(team_members)
        .join(
            teams,
            (teams.c.tenant_id == team_members.c.tenant_id)
            & (teams.c.id == team_members.c.team_id),
        )
        .where(
            team_members.c.tenant_id == tenant_id,
            team_members.c.user_id == user_id,
            team_members.c.delete_at == 0,
            teams.c.delete_at == 0,
        )
        .order_by(team_members.c.team_id)
    )
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def member_user_ids(conn: AsyncConnection, tenant_id: str, team_id: str) -> list[str]:
    stmt = select(team_members.c.user_id).where(
        team_members.c.tenant_id == tenant_id,
        team_members.c.team_id == team_id,
        team_members.c.delete_at == 0,
    )
    return list((await conn.execute(stmt)).scalars())


async def count_members(conn: AsyncConnection, tenant_id: str, team_id: str) -> tuple[int, int]:
    """(all current members, those whose accounts are active)."""
    stmt = (
        select(
            func.count(),
            func.coalesce(func.sum(case((users.c.delete_at == 0, 1), else_=0)), 0),
        )
        .select_from(
            team_members.join(
                users,
                (users.c.tenant_id == team_members.c.tenant_id)
                & (users.c.id == team_members.c.user_id),
            )
        )
        .where(
            team_members.c.tenant_id == tenant_id,
            team_members.c.team_id == team_id,
            team_members.c.delete_at == 0,
        )
    )
    total, active = (await conn.execute(stmt)).one()
    return int(total), int(active)
