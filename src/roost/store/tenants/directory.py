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
            open_signup=bool(r.open_signup),
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
                "open_signup": tenant.open_signup,
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


async def set_open_signup(conn: AsyncConnection, tenant_id: str, open_: bool, now: int) -> bool:
    result = await conn.execute(
        update(tenants).where(tenants.c.id == tenant_id).values(open_signup=open_, update_at=now)
    )
    return bool(result.rowcount)


async def set_admin_invite(
    conn: AsyncConnection, tenant_id: str, token_hash: str, expires_at: int
) -> bool:
    """Store the first admin's invite (replacing any earlier one); '' and 0 clear it."""
    result = await conn.execute(
        update(tenants)
        .where(tenants.c.id == tenant_id)
        .values(admin_invite_hash=token_hash, admin_invite_expires_at=expires_at)
    )
    return bool(result.rowcount)


async def take_admin_invite(
    conn: AsyncConnection, tenant_id: str, token_hash: str, now: int
) -> int:
    """Use the invite up if it is this one and still valid: its expiry, or 0 when it was
    not (one conditional UPDATE, so two sign-ups with one link cannot both win)."""
    row = (
        await conn.execute(
            select(tenants.c.admin_invite_expires_at).where(
                tenants.c.id == tenant_id,
                tenants.c.admin_invite_hash == token_hash,
                tenants.c.admin_invite_expires_at > now,
            )
        )
    ).first()
    if row is None:
        return 0
    result = await conn.execute(
        update(tenants)
        .where(
            tenants.c.id == tenant_id,
            tenants.c.admin_invite_hash == token_hash,
            tenants.c.admin_invite_expires_at > now,
        )
        .values(admin_invite_hash="", admin_invite_expires_at=0)
    )
    return int(row.admin_invite_expires_at) if result.rowcount else 0


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
