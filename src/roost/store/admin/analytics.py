"""SQL for the site statistics (``GET /analytics/old``): counts over channels, teams,
users and statuses, which are small next to posts; the post count is the sum of the
channels' message counters, and per-day figures come from day tables, so no statement
here reads the posts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.admin.schema import daily_poster_counts, daily_posters
from roost.store.db.dialect import upsert_adding
from roost.store.tables import channels, statuses, team_members, teams, users

DAY_MS = 86_400_000
INSERT_BATCH = 500


async def standard(conn: AsyncConnection, tenant_id: str, team_id: str, now: int) -> dict[str, int]:
    """Four statements, each over one small table (channels, users, teams, statuses)."""
    ch = channels.c
    where = [ch.tenant_id == tenant_id]
    if team_id:
        where.append(ch.team_id == team_id)
    live = ch.delete_at == 0
    open_, private, posts = (
        await conn.execute(
            select(
                func.coalesce(func.sum(case((live & (ch.type == "O"), 1), else_=0)), 0),
                func.coalesce(func.sum(case((live & (ch.type == "P"), 1), else_=0)), 0),
                func.coalesce(func.sum(ch.total_msg_count), 0),
            ).where(*where)
        )
    ).one()
    u = users.c
    people = select(
        func.coalesce(func.sum(case((u.delete_at == 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((u.delete_at != 0, 1), else_=0)), 0),
    ).where(u.tenant_id == tenant_id, ~u.is_bot)
    if team_id:
        tm = team_members.c
        people = people.join_from(
            users,
            team_members,
            (tm.tenant_id == u.tenant_id) & (tm.user_id == u.id) & (tm.team_id == team_id),
        ).where(tm.delete_at == 0)
    active_users, inactive_users = (await conn.execute(people)).one()
    team_count = (
        await conn.execute(
            select(func.count()).where(teams.c.tenant_id == tenant_id, teams.c.delete_at == 0)
        )
    ).scalar_one()
    s = statuses.c
    daily, monthly = (
        await conn.execute(
            select(
                func.coalesce(func.sum(case((s.last_activity_at >= now - DAY_MS, 1), else_=0)), 0),
                func.coalesce(
                    func.sum(case((s.last_activity_at >= now - 30 * DAY_MS, 1), else_=0)), 0
                ),
            ).where(s.tenant_id == tenant_id)
        )
    ).one()
    return {
        "channel_open_count": int(open_),
        "channel_private_count": int(private),
        "post_count": int(posts),
        "unique_user_count": int(active_users),
        "inactive_user_count": int(inactive_users),
        "team_count": int(team_count),
        "daily_active_users": int(daily),
        "monthly_active_users": int(monthly),
    }


async def add_posters(
    conn: AsyncConnection, tenant_id: str, rows: Iterable[tuple[str, str]]
) -> None:
    """(day, user id) pairs of the tenant: the new ones are stored and counted (one
    statement per batch: an insert that skips known pairs and returns the new ones)."""
    pairs = sorted(set(rows))
    added: dict[str, int] = {}
    for start in range(0, len(pairs), INSERT_BATCH):
        values = [
            {"tenant_id": tenant_id, "day": d, "user_id": u}
            for d, u in pairs[start : start + INSERT_BATCH]
        ]
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(daily_posters)
            .values(values)
            .on_conflict_do_nothing()
            .returning(daily_posters.c.day)
        )
        for day in (await conn.execute(statement)).scalars():
            added[str(day)] = added.get(str(day), 0) + 1
    counts = [{"tenant_id": tenant_id, "day": d, "users": n} for d, n in sorted(added.items())]
    await upsert_adding(conn, daily_poster_counts, counts, ["tenant_id", "day"], ["users"])


async def posters_by_day(conn: AsyncConnection, tenant_id: str, since: str) -> dict[str, int]:
    c = daily_poster_counts.c
    rows = await conn.execute(
        select(c.day, c.users).where(c.tenant_id == tenant_id, c.day >= since)
    )
    return {str(day): int(n) for day, n in rows}
