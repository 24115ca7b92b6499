"""SQL for installed plugins: their state, settings and uploaded bundles."""

from __future__ import annotations

from sqlalchemy import delete, select, true, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.plugin import InstalledPlugin
from roost.store.db import codec
from roost.store.db.dialect import upsert
from roost.store.tables import plugins

_STATE = ("source", "enabled", "trusted", "manifest", "settings", "bundle_sha256", "update_at")


def _plugin(row: RowMapping) -> InstalledPlugin:
    return InstalledPlugin(
        id=row["id"],
        source=row["source"],
        manifest=codec.load_dict(row["manifest"]),
        enabled=bool(row["enabled"]),
        trusted=bool(row["trusted"]),
        settings=codec.load_dict(row["settings"]),
        bundle_sha256=row["bundle_sha256"],
        update_at=row["update_at"],
    )


def _columns() -> list[object]:
    return [plugins.c[name] for name in ("id", *_STATE)]


async def list_plugins(conn: AsyncConnection, tenant_id: str) -> list[InstalledPlugin]:
    stmt = select(*_columns()).where(plugins.c.tenant_id == tenant_id).order_by(plugins.c.id)  # type: ignore[call-overload]
    return [_plugin(row) for row in (await conn.execute(stmt)).mappings()]


async def list_enabled(
    conn: AsyncConnection, tenant_id: str | None = None
) -> list[tuple[str, InstalledPlugin]]:
    """(tenant id, plugin) of the enabled plugins of one tenant, or of every tenant (None:
    the plugin runtime starting; ix_plugins_enabled holds only enabled rows)."""
    c = plugins.c
    stmt = select(c.tenant_id, *_columns()).where(c.enabled == true())
    if tenant_id is not None:
        stmt = stmt.where(c.tenant_id == tenant_id)
    stmt = stmt.order_by(c.tenant_id, c.id)
    return [(row["tenant_id"], _plugin(row)) for row in (await conn.execute(stmt)).mappings()]


async def get_plugin(
    conn: AsyncConnection, tenant_id: str, plugin_id: str
) -> InstalledPlugin | None:
    c = plugins.c
    stmt = select(*_columns()).where(c.tenant_id == tenant_id, c.id == plugin_id)  # type: ignore[call-overload]
    row = (await conn.execute(stmt)).mappings().first()
    return _plugin(row) if row else None


async def save_plugin(
    conn: AsyncConnection, tenant_id: str, plugin: InstalledPlugin, bundle: bytes | None = None
) -> None:
    """Insert or replace a plugin's row; the bundle is replaced only when given."""
    row = {
        "tenant_id": tenant_id,
        "id": plugin.id,
        "source": plugin.source,
        "enabled": plugin.enabled,
        "trusted": plugin.trusted,
        "manifest": codec.dump(plugin.manifest),
        "settings": codec.dump(plugin.settings),
        "bundle_sha256": plugin.bundle_sha256,
        "update_at": plugin.update_at,
    }
    columns = list(_STATE)
    if bundle is not None:
        row["bundle"] = bundle
        columns.append("bundle")
    await upsert(conn, plugins, [row], key=("tenant_id", "id"), update=columns)


async def set_enabled(
    conn: AsyncConnection, tenant_id: str, plugin_id: str, enabled: bool, now: int
) -> bool:
    c = plugins.c
    result = await conn.execute(
        update(plugins)
        .where(c.tenant_id == tenant_id, c.id == plugin_id)
        .values(enabled=enabled, update_at=now)
    )
    return bool(result.rowcount)


async def delete_plugin(conn: AsyncConnection, tenant_id: str, plugin_id: str) -> bool:
    c = plugins.c
    result = await conn.execute(delete(plugins).where(c.tenant_id == tenant_id, c.id == plugin_id))
    return bool(result.rowcount)


async def get_bundle(
    conn: AsyncConnection, tenant_id: str, plugin_id: str, sha256: str
) -> bytes | None:
    c = plugins.c
    stmt = select(c.bundle).where(
        c.tenant_id == tenant_id, c.id == plugin_id, c.bundle_sha256 == sha256
    )
    value = (await conn.execute(stmt)).scalar_one_or_none()
    return bytes(value) if value is not None else None
