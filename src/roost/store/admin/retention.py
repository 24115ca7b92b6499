"""SQL for data retention: the granular policies, and the deletion of expired posts in
batches (a post with its replies, reactions, thread rows and file records, in one
transaction; the file objects go after it commits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.retention import RetentionPolicy
from roost.store.admin.schema import (
    retention_policies,
    retention_policy_channels,
    retention_policy_teams,
)
from roost.store.tables import (
    channel_members,
    channels,
    file_infos,
    posts,
    reactions,
    team_members,
    teams,
    thread_fanout_jobs,
    thread_memberships,
)

p = retention_policies.c
pt = retention_policy_teams.c
pc = retention_policy_channels.c


# Policies.


async def insert_policy(
    conn: AsyncConnection, tenant_id: str, policy: RetentionPolicy, now: int
) -> None:
    await conn.execute(
        retention_policies.insert().values(
            tenant_id=tenant_id,
            id=policy.id,
            display_name=policy.display_name,
            post_duration=policy.post_duration,
            create_at=now,
        )
    )


async def update_policy(
    conn: AsyncConnection, tenant_id: str, policy_id: str, values: dict[str, Any]
) -> None:
    if values:
        await conn.execute(
            update(retention_policies)
            .where(p.tenant_id == tenant_id, p.id == policy_id)
            .values(**values)
        )


async def delete_policy(conn: AsyncConnection, tenant_id: str, policy_id: str) -> bool:
    for member in (retention_policy_teams, retention_policy_channels):
        await conn.execute(
            delete(member).where(member.c.tenant_id == tenant_id, member.c.policy_id == policy_id)
        )
    result = await conn.execute(
        delete(retention_policies).where(p.tenant_id == tenant_id, p.id == policy_id)
    )
    return result.rowcount == 1


def _count(member: Table, tenant_id: str) -> Any:
    return (
        select(func.count())
        .where(member.c.tenant_id == tenant_id, member.c.policy_id == p.id)
        .scalar_subquery()
    )


async def policies(
    conn: AsyncConnection, tenant_id: str, policy_id: str = "", offset: int = 0, limit: int = 1000
) -> list[RetentionPolicy]:
    query = select(
        p.id,
        p.display_name,
        p.post_duration,
        _count(retention_policy_teams, tenant_id).label("team_count"),
        _count(retention_policy_channels, tenant_id).label("channel_count"),
    ).where(p.tenant_id == tenant_id)
    if policy_id:
        query = query.where(p.id == policy_id)
    query = query.order_by(p.display_name, p.id).offset(offset).limit(limit)
    return [
        RetentionPolicy(
            r.id, r.display_name, int(r.post_duration), int(r.team_count), int(r.channel_count)
        )
        for r in await conn.execute(query)
    ]


async def count_policies(conn: AsyncConnection, tenant_id: str) -> int:
    query = select(func.count()).where(p.tenant_id == tenant_id)
    return int((await conn.execute(query)).scalar_one())


def _member_table(kind: str) -> Table:
    return retention_policy_teams if kind == "team" else retention_policy_channels


async def add_members(
    conn: AsyncConnection, tenant_id: str, kind: str, policy_id: str, ids: Sequence[str]
) -> None:
    """Put teams or channels in the policy (out of any other: one policy each)."""
    table = _member_table(kind)
    key = table.c[f"{kind}_id"]
    if not ids:
        return
    await conn.execute(delete(table).where(table.c.tenant_id == tenant_id, key.in_(ids)))
    await conn.execute(
        table.insert(),
        [
            {"tenant_id": tenant_id, f"{kind}_id": i, "policy_id": policy_id}
            for i in sorted(set(ids))
        ],
    )


async def remove_members(
    conn: AsyncConnection, tenant_id: str, kind: str, policy_id: str, ids: Sequence[str]
) -> None:
    table = _member_table(kind)
    key = table.c[f"{kind}_id"]
    await conn.execute(
        delete(table).where(
            table.c.tenant_id == tenant_id, table.c.policy_id == policy_id, key.in_(ids)
        )
    )


async def members(
    conn: AsyncConnection, tenant_id: str, kind: str, policy_id: str, offset: int, limit: int
) -> list[str]:
    table = _member_table(kind)
    key = table.c[f"{kind}_id"]
    rows = await conn.execute(
        select(key)
        .where(table.c.tenant_id == tenant_id, table.c.policy_id == policy_id)
        .order_by(key)
        .offset(offset)
        .limit(limit)
    )
    return [str(r) for r in rows.scalars()]


async def existing(
    conn: AsyncConnection, tenant_id: str, kind: str, ids: Sequence[str]
) -> set[str]:
    """Which of the team (or channel) ids exist."""
    table = teams if kind == "team" else channels
    rows = await conn.execute(
        select(table.c.id).where(table.c.tenant_id == tenant_id, table.c.id.in_(ids))
    )
    return {str(r) for r in rows.scalars()}


# What expires.


async def durations(conn: AsyncConnection, tenant_id: str) -> tuple[dict[str, int], dict[str, int]]:
    """Days to keep, by team and by channel, of the teams and channels in a policy."""
    by_team = {
        str(team): int(days)
        for team, days in await conn.execute(
            select(pt.team_id, p.post_duration)
            .join(retention_policies, (p.tenant_id == pt.tenant_id) & (p.id == pt.policy_id))
            .where(pt.tenant_id == tenant_id)
        )
    }
    by_channel = {
        str(channel): int(days)
        for channel, days in await conn.execute(
            select(pc.channel_id, p.post_duration)
            .join(retention_policies, (p.tenant_id == pc.tenant_id) & (p.id == pc.policy_id))
            .where(pc.tenant_id == tenant_id)
        )
    }
    return by_team, by_channel


async def channel_teams(conn: AsyncConnection, tenant_id: str) -> list[tuple[str, str]]:
    """Every channel (archived ones too) with its team ('' for direct and group ones)."""
    rows = await conn.execute(
        select(channels.c.id, channels.c.team_id).where(channels.c.tenant_id == tenant_id)
    )
    return [(str(i), str(t)) for i, t in rows]


async def expired_posts(
    conn: AsyncConnection, tenant_id: str, channel_ids: Sequence[str], cutoff: int, limit: int
) -> list[tuple[str, str]]:
    """(id, root id) of up to ``limit`` posts of the channels made before ``cutoff``."""
    c = posts.c
    rows = await conn.execute(
        select(c.id, c.root_id)
        .where(c.tenant_id == tenant_id, c.channel_id.in_(channel_ids), c.create_at < cutoff)
        .limit(limit)
    )
    return [(str(i), str(r)) for i, r in rows]


async def replies_of(conn: AsyncConnection, tenant_id: str, root_ids: Sequence[str]) -> list[str]:
    c = posts.c
    rows = await conn.execute(select(c.id).where(c.tenant_id == tenant_id, c.root_id.in_(root_ids)))
    return [str(r) for r in rows.scalars()]


async def delete_posts(conn: AsyncConnection, tenant_id: str, post_ids: Sequence[str]) -> list[str]:
    """The posts and what hangs on them; returns the ids of their files (records gone,
    objects for the caller to delete)."""
    f = file_infos.c
    files = [
        str(r)
        for r in (
            await conn.execute(
                select(f.id).where(f.tenant_id == tenant_id, f.post_id.in_(post_ids))
            )
        ).scalars()
    ]
    if files:
        await conn.execute(delete(file_infos).where(f.tenant_id == tenant_id, f.id.in_(files)))
    await conn.execute(
        delete(reactions).where(
            reactions.c.tenant_id == tenant_id, reactions.c.post_id.in_(post_ids)
        )
    )
    tm = thread_memberships.c
    await conn.execute(
        delete(thread_memberships).where(tm.tenant_id == tenant_id, tm.post_id.in_(post_ids))
    )
    fj = thread_fanout_jobs.c
    await conn.execute(
        delete(thread_fanout_jobs).where(fj.tenant_id == tenant_id, fj.root_id.in_(post_ids))
    )
    await conn.execute(
        delete(posts).where(posts.c.tenant_id == tenant_id, posts.c.id.in_(post_ids))
    )
    return files


async def expired_files(
    conn: AsyncConnection, tenant_id: str, cutoff: int, limit: int
) -> list[str]:
    f = file_infos.c
    rows = await conn.execute(
        select(f.id).where(f.tenant_id == tenant_id, f.create_at < cutoff).limit(limit)
    )
    return [str(r) for r in rows.scalars()]


async def forget_files(conn: AsyncConnection, tenant_id: str, file_ids: Sequence[str]) -> None:
    f = file_infos.c
    await conn.execute(delete(file_infos).where(f.tenant_id == tenant_id, f.id.in_(file_ids)))


async def user_policies(
    conn: AsyncConnection, tenant_id: str, kind: str, user_id: str, offset: int, limit: int
) -> list[tuple[str, int]]:
    """(team or channel id, days) of the policies over the teams (channels) the user is a
    member of."""
    member = team_members if kind == "team" else channel_members
    table = _member_table(kind)
    key = table.c[f"{kind}_id"]
    joined = table.join(
        retention_policies, (p.tenant_id == table.c.tenant_id) & (p.id == table.c.policy_id)
    ).join(
        member,
        (member.c.tenant_id == table.c.tenant_id)
        & (member.c[f"{kind}_id"] == key)
        & (member.c.user_id == user_id),
    )
    query = select(key, p.post_duration).select_from(joined).where(table.c.tenant_id == tenant_id)
    if kind == "team":
        query = query.where(team_members.c.delete_at == 0)
    rows = await conn.execute(query.order_by(key).offset(offset).limit(limit))
    return [(str(i), int(d)) for i, d in rows]
