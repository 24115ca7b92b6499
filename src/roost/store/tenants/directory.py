"""SQL for the tenant directory (the one table set not scoped by tenant)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.tenant import Tenant
from roost.store.db.dialect import insert_ignore
from roost.store.tables import tenant_domains, tenants


async def all_tenants(conn: AsyncConnection, tenant_id: str = "") -> list[Tenant]:
    """Every tenant with its domains (what each node's directory holds in memory), or
    only ``tenant_id``'s."""
    domain_query = select(tenant_domains.c.domain, tenant_domains.c.tenant_id)
    tenant_query = select(tenants).order_by(tenants.c.create_at, tenants.c.id)
    if tenant_id:
        domain_query = domain_query.where(tenant_domains.c.tenant_id == tenant_id)
        tenant_query = tenant_query.where(tenants.c.id == tenant_id)
    domains: dict[str, list[str]] = defaultdict(list)
    for row in await conn.execute(domain_query):
        domains[row.tenant_id].append(row.domain)
    rows = await conn.execute(tenant_query)
    return [
        Tenant(
            id=r.id,
            name=r.name,
            display_name=r.display_name,
            state=r.state,
            create_at=r.create_at,
            update_at=r.update_at,
            domains=domains.get(r.id, []),
            requests_per_second=r.requests_per_second,
            max_users=r.max_users,
            max_storage_bytes=r.max_storage_bytes,
            max_posts_per_day=r.max_posts_per_day,
            database=r.database,
            outbound_allowed_hosts=r.outbound_allowed_hosts,
        )
        for r in rows
    ]


async def insert_tenant(conn: AsyncConnection, tenant: Tenant) -> bool:
    """False when the name is taken (nothing written)."""
    written = await insert_ignore(
        conn,
        tenants,
        [
            {
                "id": tenant.id,
                "name": tenant.name,
                "display_name": tenant.display_name,
                "state": tenant.state,
                "create_at": tenant.create_at,
                "update_at": tenant.update_at,
                "database": tenant.database,
            }
        ],
    )
    return written == 1


async def domain_owners(conn: AsyncConnection, domains: list[str]) -> dict[str, str]:
    if not domains:
        return {}
    rows = await conn.execute(
        select(tenant_domains.c.domain, tenant_domains.c.tenant_id).where(
            tenant_domains.c.domain.in_(domains)
        )
    )
    return {r.domain: r.tenant_id for r in rows}


async def set_domains(conn: AsyncConnection, tenant_id: str, domains: list[str]) -> bool:
    """Replace a tenant's domains; False when another tenant holds one (nothing kept)."""
    await conn.execute(delete(tenant_domains).where(tenant_domains.c.tenant_id == tenant_id))
    rows = [{"domain": d, "tenant_id": tenant_id} for d in domains]
    return await insert_ignore(conn, tenant_domains, rows) == len(rows)


async def set_state(conn: AsyncConnection, tenant_id: str, state: str, now: int) -> bool:
    result = await conn.execute(
        update(tenants).where(tenants.c.id == tenant_id).values(state=state, update_at=now)
    )
    return bool(result.rowcount)


async def set_placement(
    conn: AsyncConnection, tenant_id: str, database: str, state: str, now: int
) -> None:
    await conn.execute(
        update(tenants)
        .where(tenants.c.id == tenant_id)
        .values(database=database, state=state, update_at=now)
    )


async def set_limits(conn: AsyncConnection, tenant: Tenant, now: int) -> None:
    await conn.execute(
        update(tenants)
        .where(tenants.c.id == tenant.id)
        .values(
            requests_per_second=tenant.requests_per_second,
            max_users=tenant.max_users,
            max_storage_bytes=tenant.max_storage_bytes,
            max_posts_per_day=tenant.max_posts_per_day,
            update_at=now,
        )
    )


async def set_outbound_allowed_hosts(
    conn: AsyncConnection, tenant_id: str, hosts: str | None, now: int
) -> None:
    await conn.execute(
        update(tenants)
        .where(tenants.c.id == tenant_id)
        .values(outbound_allowed_hosts=hosts, update_at=now)
    )


async def lock_tenant(conn: AsyncConnection, tenant_id: str) -> None:
    """Serialise changes counted against a tenant's limits until the transaction ends
    (PostgreSQL; SQLite's writers are serialised already). An advisory lock, so it works
    in whichever database holds the tenant (the directory's row may be elsewhere)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": "roost-tenant:" + tenant_id},
        )
