"""SQL for a tenant's roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.roles import Role
from roost.store.db.dialect import insert_ignore
from roost.store.tables import roles


def _role(row: Any) -> Role:
    return Role(
        id=row["id"],
        name=row["name"],
        display_name=row["display_name"],
        description=row["description"],
        permissions=str(row["permissions"]).split(),
        scheme_managed=bool(row["scheme_managed"]),
        built_in=bool(row["built_in"]),
        create_at=int(row["create_at"]),
        update_at=int(row["update_at"]),
        delete_at=int(row["delete_at"]),
    )


async def list_roles(conn: AsyncConnection, tenant_id: str) -> list[Role]:
    stmt = select(roles).where(roles.c.tenant_id == tenant_id).order_by(roles.c.name)
    return [_role(r) for r in (await conn.execute(stmt)).mappings()]


async def insert_missing(conn: AsyncConnection, tenant_id: str, new: Sequence[Role]) -> int:
    """Insert the roles whose name the tenant lacks; a role another node inserted
    meanwhile wins (the unique name skips ours). Returns rows written."""
    rows = [
        {
            "tenant_id": tenant_id,
            "id": r.id,
            "name": r.name,
            "display_name": r.display_name,
            "description": r.description,
            "permissions": " ".join(r.permissions),
            "scheme_managed": r.scheme_managed,
            "built_in": r.built_in,
            "create_at": r.create_at,
            "update_at": r.update_at,
            "delete_at": r.delete_at,
        }
        for r in new
    ]
    return await insert_ignore(conn, roles, rows)


async def get_for_update(conn: AsyncConnection, tenant_id: str, role_id: str) -> Role | None:
    stmt = select(roles).where(roles.c.tenant_id == tenant_id, roles.c.id == role_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).mappings().first()
    return _role(row) if row is not None else None


async def save_permissions(
    conn: AsyncConnection, tenant_id: str, role_id: str, permissions: Sequence[str], now: int
) -> None:
    await conn.execute(
        update(roles)
        .where(roles.c.tenant_id == tenant_id, roles.c.id == role_id)
        .values(permissions=" ".join(permissions), update_at=now)
    )
