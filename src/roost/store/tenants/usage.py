"""SQL for what a tenant uses, for the operator's billing: people, posts, storage, and
requests per day."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db.dialect import upsert_adding
from roost.store.tables import file_infos, posts, tenant_daily_usage, users

daily = tenant_daily_usage.c


async def add_counts(
    conn: AsyncConnection, day: str, requests: dict[str, int], new_posts: dict[str, int]
) -> None:
    """Add one node's counts since its last call to the day's totals."""
    rows = [
        {"tenant_id": t, "day": day, "requests": requests.get(t, 0), "posts": new_posts.get(t, 0)}
        for t in sorted(set(requests) | set(new_posts))
    ]
    await upsert_adding(conn, tenant_daily_usage, rows, ["tenant_id", "day"], ["requests", "posts"])


async def by_day(conn: AsyncConnection, tenant_id: str, since: str) -> dict[str, tuple[int, int]]:
    """Day -> (requests, posts)."""
    rows = await conn.execute(
        select(daily.day, daily.requests, daily.posts)
        .where(daily.tenant_id == tenant_id, daily.day >= since)
        .order_by(daily.day)
    )
    return {r.day: (int(r.requests), int(r.posts)) for r in rows}


async def posts_on(conn: AsyncConnection, day: str, tenant_ids: list[str]) -> dict[str, int]:
    if not tenant_ids:
        return {}
    rows = await conn.execute(
        select(daily.tenant_id, daily.posts).where(
            daily.day == day, daily.tenant_id.in_(tenant_ids)
        )
    )
    return {r.tenant_id: int(r.posts) for r in rows}


async def stored_bytes(conn: AsyncConnection, tenant_id: str) -> int:
    result = await conn.execute(
        select(func.coalesce(func.sum(file_infos.c.size), 0)).where(
            file_infos.c.tenant_id == tenant_id, file_infos.c.delete_at == 0
        )
    )
    return int(result.scalar_one())


async def totals(conn: AsyncConnection, tenant_id: str) -> dict[str, int]:
    people = await conn.execute(
        select(users.c.is_bot, func.count())
        .where(users.c.tenant_id == tenant_id, users.c.delete_at == 0)
        .group_by(users.c.is_bot)
    )
    by_kind = {bool(is_bot): int(n) for is_bot, n in people}
    post_count = await conn.execute(
        select(func.count()).where(posts.c.tenant_id == tenant_id, posts.c.delete_at == 0)
    )
    stored = await conn.execute(
        select(func.count(), func.coalesce(func.sum(file_infos.c.size), 0)).where(
            file_infos.c.tenant_id == tenant_id, file_infos.c.delete_at == 0
        )
    )
    files, size = stored.one()
    return {
        "users": by_kind.get(False, 0),
        "bots": by_kind.get(True, 0),
        "posts": int(post_count.scalar_one()),
        "files": int(files),
        "storage_bytes": int(size),
    }
