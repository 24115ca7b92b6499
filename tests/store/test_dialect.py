"""Statements whose SQL differs per database behave the same on both."""

from __future__ import annotations

from sqlalchemy import select

from roost.clock import now_ms
from roost.ids import new_id
from roost.model.user import Preference, Status
from roost.store import tables
from roost.store.accounts import preferences, statuses
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.store.db.dialect import insert_ignore, upsert
from roost.tenancy import DEFAULT_TENANT_ID as T


async def test_default_tenant_exists_after_migration(db: Database) -> None:
    async with db.read() as conn:
        names = (await conn.execute(select(tables.tenants.c.name))).scalars().all()
    assert names == ["default"]


async def test_upsert_inserts_then_updates(db: Database) -> None:
    user_id = new_id()
    async with db.write() as conn:
        await preferences.save_preferences(conn, T, [Preference(user_id, "c", "n", "1")])
        await preferences.save_preferences(conn, T, [Preference(user_id, "c", "n", "2")])
    async with db.read() as conn:
        got = await preferences.get_preferences(conn, T, user_id)
    assert [(p.name, p.value) for p in got] == [("n", "2")]


async def test_insert_ignore_skips_existing_keys(db: Database) -> None:
    row = {"tenant_id": T, "user_id": new_id(), "category": "c", "name": "n", "value": "v"}
    async with db.write() as conn:
        assert await insert_ignore(conn, tables.preferences, [row]) == 1
        assert await insert_ignore(conn, tables.preferences, [dict(row, value="other")]) == 0
    async with db.read() as conn:
        got = await preferences.get_preferences(conn, T, row["user_id"])
    assert got[0].value == "v"


async def test_upsert_with_many_rows(db: Database) -> None:
    user_id = new_id()
    rows = [
        {"tenant_id": T, "user_id": user_id, "category": "c", "name": f"n{i}", "value": "v"}
        for i in range(50)
    ]
    async with db.write() as conn:
        await upsert(
            conn,
            tables.preferences,
            rows,
            key=["tenant_id", "user_id", "category", "name"],
            update=["value"],
        )
    async with db.read() as conn:
        assert len(await preferences.get_preferences(conn, T, user_id)) == 50


async def test_automatic_status_never_overrides_a_manual_one(db: Database) -> None:
    user_id = new_id()
    async with db.write() as conn:
        assert await statuses.set_automatic_status(conn, T, user_id, "online", now_ms())
        assert not await statuses.set_automatic_status(conn, T, user_id, "online", now_ms())
        await statuses.save_status(conn, T, Status(user_id, "dnd", manual=True))
        assert not await statuses.set_automatic_status(conn, T, user_id, "offline", now_ms())
    async with db.read() as conn:
        (status,) = await statuses.get_statuses(conn, T, [user_id])
    assert status.status == "dnd" and status.manual


async def test_bulk_insert_many_rows(db: Database) -> None:
    user_id = new_id()
    rows = [
        {"tenant_id": T, "user_id": user_id, "category": "bulk", "name": f"n{i}", "value": str(i)}
        for i in range(12_000)
    ]
    async with db.write() as conn:
        assert await bulk.insert_rows(conn, tables.preferences, rows) == 12_000
    async with db.read() as conn:
        got = await preferences.get_preferences(conn, T, user_id, "bulk")
    assert len(got) == 12_000
