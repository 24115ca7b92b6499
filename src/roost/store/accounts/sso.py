"""SQL for single sign-on: users by their provider's id, the one-time states of
sign-ins in flight, and each tenant's own identity providers."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.user import User
from roost.store.accounts.users import _user, _user_select
from roost.store.db.dialect import upsert
from roost.store.tables import sso_providers, sso_states, tenants, users


async def get_by_auth(
    conn: AsyncConnection, tenant_id: str, auth_service: str, auth_data: str
) -> User | None:
    stmt = _user_select(tenant_id).where(
        users.c.auth_service == auth_service, users.c.auth_data == auth_data
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _user(row) if row else None


async def list_by_service(conn: AsyncConnection, tenant_id: str, auth_service: str) -> list[User]:
    """Every user of one service (the LDAP sync compares them with the directory)."""
    rows = await conn.execute(_user_select(tenant_id).where(users.c.auth_service == auth_service))
    return [_user(r) for r in rows.mappings()]


async def set_auth(
    conn: AsyncConnection,
    tenant_id: str,
    user_id: str,
    auth_service: str,
    auth_data: str,
    password_hash: str,
    update_at: int,
) -> None:
    """Move a user between password and a provider (one of the two is empty)."""
    await conn.execute(
        update(users)
        .where(users.c.tenant_id == tenant_id, users.c.id == user_id)
        .values(
            auth_service=auth_service,
            auth_data=auth_data,
            password_hash=password_hash,
            update_at=update_at,
            failed_attempts=0,
        )
    )


async def insert_state(
    conn: AsyncConnection,
    tenant_id: str,
    state_id: str,
    kind: str,
    service: str,
    cookie_hash: str,
    props: dict[str, Any],
    now: int,
    expires_at: int,
) -> None:
    # The tenant's expired states go as new ones come: no sweeper needed.
    await conn.execute(
        delete(sso_states).where(sso_states.c.tenant_id == tenant_id, sso_states.c.expires_at < now)
    )
    await conn.execute(
        sso_states.insert().values(
            tenant_id=tenant_id,
            id=state_id,
            kind=kind,
            service=service,
            cookie_hash=cookie_hash,
            props=orjson.dumps(props).decode(),
            create_at=now,
            expires_at=expires_at,
        )
    )


async def take_state(
    conn: AsyncConnection, tenant_id: str, state_id: str, kind: str, now: int
) -> tuple[str, str, dict[str, Any]] | None:
    """(service, cookie hash, props) of a live state, deleted as it is read: a state is
    used once, whoever comes first (a replayed callback finds nothing)."""
    where = (
        sso_states.c.tenant_id == tenant_id,
        sso_states.c.id == state_id,
        sso_states.c.kind == kind,
    )
    row = (
        (
            await conn.execute(
                select(
                    sso_states.c.service,
                    sso_states.c.cookie_hash,
                    sso_states.c.props,
                    sso_states.c.expires_at,
                ).where(*where)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    deleted = await conn.execute(delete(sso_states).where(*where))
    if deleted.rowcount != 1 or row["expires_at"] < now:
        return None
    props = orjson.loads(row["props"])
    return str(row["service"]), str(row["cookie_hash"]), dict(props)


async def get_provider(
    conn: AsyncConnection, tenant_id: str, service: str
) -> dict[str, Any] | None:
    value = await conn.scalar(
        select(sso_providers.c.settings).where(
            sso_providers.c.tenant_id == tenant_id, sso_providers.c.service == service
        )
    )
    return dict(orjson.loads(value)) if value is not None else None


async def list_providers(conn: AsyncConnection, tenant_id: str) -> dict[str, dict[str, Any]]:
    rows = await conn.execute(
        select(sso_providers.c.service, sso_providers.c.settings).where(
            sso_providers.c.tenant_id == tenant_id
        )
    )
    return {str(r.service): dict(orjson.loads(r.settings)) for r in rows}


async def put_provider(
    conn: AsyncConnection, tenant_id: str, service: str, settings: dict[str, Any], now: int
) -> None:
    values = {
        "tenant_id": tenant_id,
        "service": service,
        "settings": orjson.dumps(settings).decode(),
        "update_at": now,
    }
    await upsert(conn, sso_providers, [values], ["tenant_id", "service"], ["settings", "update_at"])


async def delete_provider(conn: AsyncConnection, tenant_id: str, service: str) -> bool:
    result = await conn.execute(
        delete(sso_providers).where(
            sso_providers.c.tenant_id == tenant_id, sso_providers.c.service == service
        )
    )
    return bool(result.rowcount)


async def tenant_ids(conn: AsyncConnection) -> list[str]:
    """Every tenant (the periodic LDAP sync visits each: every other query here names one)."""
    return [str(t) for t in (await conn.execute(select(tenants.c.id))).scalars()]
