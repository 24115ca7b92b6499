"""SQL for what a tenant uses, for the operator's billing: people, posts, storage, and
requests per day."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.dialect import upsert_adding
from roost.store.tables import file_infos, posts, tenant_requests, users


async def add_requests(conn: AsyncConnection, day: str, counts: dict[str, int]) -> None:
    rows = [{"tenant_id": t, "day": day, "requests": n} for t, n in sorted(counts.items())]
    await upsert_adding(conn, tenant_requests, rows, ["tenant_id", "day"], ["requests"])


async def requests_by_day(conn: AsyncConnection, tenant_id: str, since: str) -> dict[str, int]:
    rows = await conn.execute(
        select(tenant_requests.c.day, tenant_requests.c.requests)
        .where(tenant_requests.c.tenant_id == tenant_id, tenant_requests.c.day >= since)
        .order_by(tenant_requests.c.day)
    )
    return {r.day: int(r.requests) for r in rows}


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
