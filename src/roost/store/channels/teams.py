"""SQL for teams and team members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.team import Team, TeamMember
from roost.store.accounts.visibility import visible_to
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
        last_team_icon_update=row["last_team_icon_update"],
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
        "last_team_icon_update": team.last_team_icon_update,
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


async def count_teams(
    conn: AsyncConnection, tenant_id: str, *, open_only: bool, include_deleted: bool = False
) -> int:
    stmt = select(func.count()).select_from(teams).where(teams.c.tenant_id == tenant_id)
    if not include_deleted:
        stmt = stmt.where(teams.c.delete_at == 0)
    if open_only:
        stmt = stmt.where(teams.c.allow_open_invite.is_(True))
    return int((await conn.execute(stmt)).scalar_one())


def _like_prefix(term: str) -> str:
    """``term%`` with LIKE's own characters taken literally (escape ``\\``)."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _search_filter(
    tenant_id: str,
    *,
    term: str,
    kind: str,
    allow_open_invite: bool | None,
    group_constrained: bool | None,
    include_deleted: bool,
) -> ColumnElement[bool]:
    """Mattermost's team search: names and display names starting with the term (any
    case); ``allow_open_invite`` and ``group_constrained`` filters, their union when both
    are given. No Roost team is group constrained. ``kind`` narrows to "open" teams
    (type O, open invite) or "private" ones, else "all"."""
    where: list[ColumnElement[bool]] = [teams.c.tenant_id == tenant_id]
    if term:
        pattern = _like_prefix(term)
        where.append(
            or_(
                func.lower(teams.c.name).like(pattern, escape="\\"),
                func.lower(teams.c.display_name).like(pattern, escape="\\"),
            )
        )
    filters: list[ColumnElement[bool]] = []
    if allow_open_invite is not None:
        filters.append(teams.c.allow_open_invite.is_(allow_open_invite))
    if group_constrained is not None:
        filters.append(false() if group_constrained else true())
    if filters:
        where.append(or_(*filters))
    if kind == "open":
        where += [teams.c.type == "O", teams.c.allow_open_invite.is_(True)]
    elif kind == "private":
        where.append(teams.c.allow_open_invite.is_(False))
    if not include_deleted:
        where.append(teams.c.delete_at == 0)
    return and_(*where)


async def search_teams(
    conn: AsyncConnection,
    tenant_id: str,
    *,
    term: str,
    kind: str,
    allow_open_invite: bool | None = None,
    group_constrained: bool | None = None,
    include_deleted: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Team], int]:
    """The matching teams by display name (a page of them when ``limit`` is given),
    and how many match in all."""
    where = _search_filter(
        tenant_id,
        term=term,
        kind=kind,
        allow_open_invite=allow_open_invite,
        group_constrained=group_constrained,
        include_deleted=include_deleted,
    )
    stmt = select(teams).where(where).order_by(teams.c.display_name, teams.c.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    found = [team_from_row(r) for r in (await conn.execute(stmt)).mappings()]
    if limit is None:
        return found, len(found)
    total = (await conn.execute(select(func.count()).select_from(teams).where(where))).scalar_one()
    return found, int(total)


async def set_icon_updated(
    conn: AsyncConnection, tenant_id: str, team_id: str, at: int, now: int
) -> None:
    """Mark the team's icon as set at ``at`` (0: removed); the team changes ``now``."""
    await conn.execute(
        update(teams)
        .where(teams.c.tenant_id == tenant_id, teams.c.id == team_id)
        .values(last_team_icon_update=at, update_at=now)
    )


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
    conn: AsyncConnection,
    tenant_id: str,
    team_id: str,
    *,
    offset: int,
    limit: int,
    viewer: str = "",
) -> list[TeamMember]:
    """``viewer``: only the members they may see (store/accounts/visibility.py)."""
    stmt = select(team_members).where(
        team_members.c.tenant_id == tenant_id,
        team_members.c.team_id == team_id,
        team_members.c.delete_at == 0,
    )
    if viewer:
        stmt = stmt.where(visible_to(tenant_id, viewer, team_members.c.user_id))
    stmt = stmt.order_by(team_members.c.user_id).offset(offset).limit(limit)
    return [member_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def members_by_ids(
    conn: AsyncConnection,
    tenant_id: str,
    team_id: str,
    user_ids: Sequence[str],
    viewer: str = "",
) -> list[TeamMember]:
    if not user_ids:
        return []
    stmt = select(team_members).where(
        team_members.c.tenant_id == tenant_id,
        team_members.c.team_id == team_id,
        team_members.c.user_id.in_(list(user_ids)),
        team_members.c.delete_at == 0,
    )
    if viewer:
        stmt = stmt.where(visible_to(tenant_id, viewer, team_members.c.user_id))
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


async def icon_team_ids(
    conn: AsyncConnection, tenant_id: str, after_id: str, limit: int
) -> list[str]:
    """The ids of the tenant's teams that have an icon, archived ones too, in id order."""
    stmt = (
        select(teams.c.id)
        .where(
            teams.c.tenant_id == tenant_id,
            teams.c.id > after_id,
            teams.c.last_team_icon_update != 0,
        )
        .order_by(teams.c.id)
        .limit(limit)
    )
    return [str(x) for x in (await conn.execute(stmt)).scalars()]
