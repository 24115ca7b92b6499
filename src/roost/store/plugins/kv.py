"""SQL for the plugins' key-value stores. A row whose expire_at has passed is treated as
absent everywhere; compare-and-set is one conditional statement, so concurrent writers
on any node never both win."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, delete, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.store.db.dialect import insert_ignore, upsert
from roost.store.tables import plugin_kv

c = plugin_kv.c


def _key(tenant_id: str, plugin_id: str, key: str) -> ColumnElement[bool]:
    return and_(c.tenant_id == tenant_id, c.plugin_id == plugin_id, c.key == key)


def _live(now: int) -> ColumnElement[bool]:
    return or_(c.expire_at == 0, c.expire_at > now)


async def get(
    conn: AsyncConnection, tenant_id: str, plugin_id: str, key: str, now: int
) -> bytes | None:
    stmt = select(c.value).where(_key(tenant_id, plugin_id, key), _live(now))
    value = (await conn.execute(stmt)).scalar_one_or_none()
    return bytes(value) if value is not None else None


def _row(tenant_id: str, plugin_id: str, key: str, value: bytes, expire_at: int) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "plugin_id": plugin_id,
        "key": key,
        "value": value,
        "expire_at": expire_at,
    }


async def put(
    conn: AsyncConnection, tenant_id: str, plugin_id: str, key: str, value: bytes, expire_at: int
) -> None:
    row = _row(tenant_id, plugin_id, key, value, expire_at)
    await upsert(
        conn, plugin_kv, [row], key=("tenant_id", "plugin_id", "key"), update=("value", "expire_at")
    )


async def insert_if_absent(
    conn: AsyncConnection,
    tenant_id: str,
    plugin_id: str,
    key: str,
    value: bytes,
    expire_at: int,
    now: int,
) -> bool:
    """Write the key only if it has no live value; True if written."""
    await conn.execute(
        delete(plugin_kv).where(
            _key(tenant_id, plugin_id, key), c.expire_at > 0, c.expire_at <= now
        )
    )
    return (
        await insert_ignore(conn, plugin_kv, [_row(tenant_id, plugin_id, key, value, expire_at)])
        == 1
    )


async def compare_and_set(
    conn: AsyncConnection,
    tenant_id: str,
    plugin_id: str,
    key: str,
    old: bytes,
    new: bytes,
    expire_at: int,
    now: int,
) -> bool:
    result = await conn.execute(
        update(plugin_kv)
        .where(_key(tenant_id, plugin_id, key), c.value == old, _live(now))
        .values(value=new, expire_at=expire_at)
    )
    return bool(result.rowcount)


async def compare_and_delete(
    conn: AsyncConnection, tenant_id: str, plugin_id: str, key: str, old: bytes, now: int
) -> bool:
    result = await conn.execute(
        delete(plugin_kv).where(_key(tenant_id, plugin_id, key), c.value == old, _live(now))
    )
    return bool(result.rowcount)


async def remove(conn: AsyncConnection, tenant_id: str, plugin_id: str, key: str) -> None:
    await conn.execute(delete(plugin_kv).where(_key(tenant_id, plugin_id, key)))


async def remove_all(conn: AsyncConnection, tenant_id: str, plugin_id: str) -> None:
    await conn.execute(delete(plugin_kv).where(c.tenant_id == tenant_id, c.plugin_id == plugin_id))


async def list_keys(
    conn: AsyncConnection, tenant_id: str, plugin_id: str, now: int, offset: int, limit: int
) -> list[str]:
    stmt = (
        select(c.key)
        .where(c.tenant_id == tenant_id, c.plugin_id == plugin_id, _live(now))
        .order_by(c.key)
        .offset(offset)
        .limit(limit)
    )
    return [str(k) for k in (await conn.execute(stmt)).scalars()]


async def delete_expired(conn: AsyncConnection, tenant_id: str, now: int) -> int:
    result = await conn.execute(
        delete(plugin_kv).where(c.tenant_id == tenant_id, c.expire_at > 0, c.expire_at <= now)
    )
    return int(result.rowcount or 0)


async def delete_expired_everywhere(conn: AsyncConnection, now: int) -> int:
    """Every tenant's expired keys (ix_plugin_kv_expiring holds only keys that expire)."""
    # The 0 is written into the statement, so the planner sees the partial index applies.
    expiring = c.expire_at > literal_column("0")
    result = await conn.execute(delete(plugin_kv).where(expiring, c.expire_at <= now))
    return int(result.rowcount or 0)
