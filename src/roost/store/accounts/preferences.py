"""SQL for user preferences."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.user import Preference
from roost.store.db.dialect import upsert
from roost.store.tables import preferences


async def get_preferences(
    conn: AsyncConnection, tenant_id: str, user_id: str, category: str = ""
) -> list[Preference]:
    stmt = select(preferences).where(
        preferences.c.tenant_id == tenant_id, preferences.c.user_id == user_id
    )
    if category:
        stmt = stmt.where(preferences.c.category == category)
    stmt = stmt.order_by(preferences.c.category, preferences.c.name)
    return [
        Preference(user_id=r["user_id"], category=r["category"], name=r["name"], value=r["value"])
        for r in (await conn.execute(stmt)).mappings()
    ]


async def save_preferences(
    conn: AsyncConnection, tenant_id: str, prefs: Sequence[Preference]
) -> None:
    rows = [
        {
            "tenant_id": tenant_id,
            "user_id": p.user_id,
            "category": p.category,
            "name": p.name,
            "value": p.value,
        }
        for p in prefs
    ]
    await upsert(
        conn, preferences, rows, key=["tenant_id", "user_id", "category", "name"], update=["value"]
    )


async def delete_preferences(
    conn: AsyncConnection, tenant_id: str, user_id: str, prefs: Sequence[Preference]
) -> None:
    if not prefs:
        return
    await conn.execute(
        delete(preferences).where(
            preferences.c.tenant_id == tenant_id,
            preferences.c.user_id == user_id,
            or_(
                *[
                    and_(preferences.c.category == p.category, preferences.c.name == p.name)
                    for p in prefs
                ]
            ),
        )
    )
