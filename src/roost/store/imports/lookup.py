"""Finding what an import already wrote (or what was there before it) by natural key:
teams and channels by name, people by username and email, posts and files by id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.tables import channels, emoji, teams, users

CHUNK = 1000


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


async def team_ids(conn: AsyncConnection, tenant_id: str, names: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in _chunks(sorted(set(names))):
        rows = await conn.execute(
            select(teams.c.name, teams.c.id).where(
                teams.c.tenant_id == tenant_id, teams.c.name.in_(part)
            )
        )
        found.update({r.name: r.id for r in rows})
    return found


async def channel_ids(
    conn: AsyncConnection, tenant_id: str, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(team id, name) -> channel id; team id "" for direct and group channels."""
    wanted = set(keys)
    by_team: dict[str, list[str]] = {}
    for team_id, name in wanted:
        by_team.setdefault(team_id, []).append(name)
    found: dict[tuple[str, str], str] = {}
    for team_id, names in by_team.items():
        for part in _chunks(sorted(names)):
            rows = await conn.execute(
                select(channels.c.name, channels.c.id).where(
                    channels.c.tenant_id == tenant_id,
                    channels.c.team_id == team_id,
                    channels.c.name.in_(part),
                )
            )
            found.update({(team_id, r.name): r.id for r in rows})
    return found


async def channel_teams(
    conn: AsyncConnection, tenant_id: str, channel_ids_: Sequence[str]
) -> dict[str, str]:
    """channel id -> its team id ("" for direct and group channels)."""
    found: dict[str, str] = {}
    for part in _chunks(sorted(set(channel_ids_))):
        rows = await conn.execute(
            select(channels.c.id, channels.c.team_id).where(
                channels.c.tenant_id == tenant_id, channels.c.id.in_(part)
            )
        )
        found.update({r.id: r.team_id for r in rows})
    return found


async def users_by_name(
    conn: AsyncConnection, tenant_id: str, names: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """username -> {id, email, password_hash} of those that exist."""
    found: dict[str, dict[str, Any]] = {}
    for part in _chunks(sorted(set(names))):
        rows = await conn.execute(
            select(users.c.username, users.c.id, users.c.email, users.c.password_hash).where(
                users.c.tenant_id == tenant_id, users.c.username.in_(part)
            )
        )
        found.update({r.username: dict(r._mapping) for r in rows})
    return found


async def users_by_email(
    conn: AsyncConnection, tenant_id: str, emails: Sequence[str]
) -> dict[str, str]:
    """lower-cased email -> username, for those that exist."""
    found: dict[str, str] = {}
    for part in _chunks(sorted({e.lower() for e in emails})):
        rows = await conn.execute(
            select(users.c.email, users.c.username).where(
                users.c.tenant_id == tenant_id, func.lower(users.c.email).in_(part)
            )
        )
        found.update({r.email.lower(): r.username for r in rows})
    return found


async def existing_ids(
    conn: AsyncConnection, tenant_id: str, table: Table, ids: Sequence[str]
) -> set[str]:
    found: set[str] = set()
    if conn.dialect.name == "postgresql":
        # One array parameter (thousands of IN parameters make a new statement to
        # prepare for every batch size), each id probed in the key's index. The probe
        # is a LATERAL subquery with LIMIT 1, which the planner cannot turn around: with
        # a plain join, mid-import statistics (a few rows where there are many) made it
        # scan the tenant's rows and test each against the whole array, even with the
        # other join kinds turned off: 17.5 s per 2,000 ids at 160,000 posts, against
        # 11 ms probing (EXPLAIN ANALYZE as the runtime role; docs/benchmarks.md).
        rows = await conn.execute(
            text(
                "SELECT v.id FROM unnest(CAST(:ids AS varchar[])) AS v(id) "
                f"CROSS JOIN LATERAL (SELECT 1 FROM {table.name} AS t "
                "WHERE t.tenant_id = :tenant AND t.id = v.id LIMIT 1) AS hit"
            ),
            {"ids": sorted(set(ids)), "tenant": tenant_id},
        )
        return {str(r) for r in rows.scalars()}
    for part in _chunks(sorted(set(ids))):
        rows = await conn.execute(
            select(table.c.id).where(table.c.tenant_id == tenant_id, table.c.id.in_(part))
        )
        found.update(str(r) for r in rows.scalars())
    return found


async def live_emoji(conn: AsyncConnection, tenant_id: str, names: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in _chunks(sorted(set(names))):
        rows = await conn.execute(
            select(emoji.c.name).where(
                emoji.c.tenant_id == tenant_id, emoji.c.name.in_(part), emoji.c.delete_at == 0
            )
        )
        found.update(str(r) for r in rows.scalars())
    return found
