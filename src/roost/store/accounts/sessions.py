"""SQL for login sessions and personal access tokens (both stored by token hash)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from roost.model.user import AccessToken, Session, User
from roost.store.db import codec
from roost.store.tables import access_tokens, sessions, users


def _session(row: RowMapping) -> Session:
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        csrf_token=row["csrf_token"],
        roles=row["roles"],
        create_at=row["create_at"],
        expires_at=row["expires_at"],
        last_activity_at=row["last_activity_at"],
        device_id=row["device_id"],
        access_token_id=row["access_token_id"],
        is_bot=bool(row.get("is_bot", False)),
        username=row.get("username") or "",
        props=codec.load_dict(row.get("props") or "{}"),
        mfa_active=bool(row.get("mfa_active", False)),
    )


async def insert_session(
    conn: AsyncConnection, tenant_id: str, session: Session, token_hash: str
) -> None:
    await conn.execute(
        sessions.insert().values(
            tenant_id=tenant_id,
            id=session.id,
            token_hash=token_hash,
            user_id=session.user_id,
            csrf_token=session.csrf_token,
            roles=session.roles,
            device_id=session.device_id,
            access_token_id=session.access_token_id,
            props=codec.dump(session.props),
            create_at=session.create_at,
            expires_at=session.expires_at,
            last_activity_at=session.last_activity_at,
        )
    )


async def get_session_by_token(
    conn: AsyncConnection, tenant_id: str, token_hash: str
) -> Session | None:
    """A login session, with the user's current roles (roles change without re-login)."""
    stmt = (
        select(
            sessions.c.id,
            sessions.c.user_id,
            sessions.c.csrf_token,
            users.c.roles,
            users.c.is_bot,
            users.c.username,
            users.c.mfa_active,
            sessions.c.props,
            sessions.c.create_at,
            sessions.c.expires_at,
            sessions.c.last_activity_at,
            sessions.c.device_id,
            sessions.c.access_token_id,
        )
        .select_from(
            sessions.join(
                users,
                (users.c.tenant_id == sessions.c.tenant_id) & (users.c.id == sessions.c.user_id),
            )
        )
        .where(
            sessions.c.tenant_id == tenant_id,
            sessions.c.token_hash == token_hash,
            users.c.delete_at == 0,
        )
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _session(row) if row else None


async def delete_session(conn: AsyncConnection, tenant_id: str, session_id: str) -> None:
    await conn.execute(
        delete(sessions).where(sessions.c.tenant_id == tenant_id, sessions.c.id == session_id)
    )


async def delete_user_sessions(conn: AsyncConnection, tenant_id: str, user_id: str) -> None:
    await conn.execute(
        delete(sessions).where(sessions.c.tenant_id == tenant_id, sessions.c.user_id == user_id)
    )


async def list_user_sessions(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[Session]:
    """A user's login sessions, the most recently used first (no tokens: only hashes
    are stored)."""
    stmt = (
        select(sessions)
        .where(sessions.c.tenant_id == tenant_id, sessions.c.user_id == user_id)
        .order_by(sessions.c.last_activity_at.desc(), sessions.c.id)
    )
    return [_session(r) for r in (await conn.execute(stmt)).mappings()]


async def get_session(conn: AsyncConnection, tenant_id: str, session_id: str) -> Session | None:
    stmt = select(sessions).where(sessions.c.tenant_id == tenant_id, sessions.c.id == session_id)
    row = (await conn.execute(stmt)).mappings().first()
    return _session(row) if row else None


async def revoke_user_sessions(
    conn: AsyncConnection, tenant_id: str, user_id: str, keep_session_id: str = ""
) -> list[str]:
    """Delete a user's sessions (but the one kept); returns their ids."""
    where = [sessions.c.tenant_id == tenant_id, sessions.c.user_id == user_id]
    if keep_session_id:
        where.append(sessions.c.id != keep_session_id)
    ids = [str(r[0]) for r in await conn.execute(select(sessions.c.id).where(*where))]
    if ids:
        await conn.execute(
            delete(sessions).where(sessions.c.tenant_id == tenant_id, sessions.c.id.in_(ids))
        )
    return ids


async def revoke_all_sessions(conn: AsyncConnection, tenant_id: str) -> list[tuple[str, str]]:
    """Delete every login session of the tenant; returns (session id, user id) pairs."""
    rows = await conn.execute(
        select(sessions.c.id, sessions.c.user_id).where(sessions.c.tenant_id == tenant_id)
    )
    found = [(str(r[0]), str(r[1])) for r in rows]
    await conn.execute(delete(sessions).where(sessions.c.tenant_id == tenant_id))
    return found


async def update_last_activity(
    conn: AsyncConnection, tenant_id: str, activity: dict[str, int]
) -> None:
    """One statement for a batch of sessions' last activity (never moving it back).

    Rows are updated in session id order: every node and worker flushes batches that
    overlap (a client's requests spread over them), and two batches locking the same
    rows in different orders deadlocked under load."""
    if not activity:
        return
    stmt = (
        update(sessions)
        .where(
            sessions.c.tenant_id == bindparam("t"),
            sessions.c.id == bindparam("sid"),
            sessions.c.last_activity_at < bindparam("at"),
        )
        .values(last_activity_at=bindparam("at"))
    )
    await conn.execute(
        stmt, [{"t": tenant_id, "sid": sid, "at": at} for sid, at in sorted(activity.items())]
    )


async def end_idle_web_sessions(
    conn: AsyncConnection, cutoff: int, skip_tenants: Collection[str], limit: int
) -> list[tuple[str, str]]:
    """Across the tenants in this database (a job's ``across_tenants`` scope): delete web
    sessions (no device, not an access token) last active before ``cutoff``; returns
    (tenant id, session id) pairs, at most ``limit``."""
    where = [
        sessions.c.device_id == "",
        sessions.c.access_token_id == "",
        sessions.c.last_activity_at < cutoff,
    ]
    if skip_tenants:
        where.append(sessions.c.tenant_id.notin_(list(skip_tenants)))
    rows = await conn.execute(
        select(sessions.c.tenant_id, sessions.c.id).where(*where).limit(limit)
    )
    found = [(str(r[0]), str(r[1])) for r in rows]
    by_tenant: dict[str, list[str]] = {}
    for tenant_id, session_id in found:
        by_tenant.setdefault(tenant_id, []).append(session_id)
    for tenant_id, ids in by_tenant.items():
        await conn.execute(
            delete(sessions).where(sessions.c.tenant_id == tenant_id, sessions.c.id.in_(ids))
        )
    return found


async def revoke_device_sessions(
    conn: AsyncConnection, tenant_id: str, user_id: str, device_id: str, keep_session_id: str
) -> list[str]:
    """Delete the user's other sessions on this device; returns their ids."""
    where = (
        sessions.c.tenant_id == tenant_id,
        sessions.c.user_id == user_id,
        sessions.c.device_id == device_id,
        sessions.c.id != keep_session_id,
    )
    ids = [str(r[0]) for r in await conn.execute(select(sessions.c.id).where(*where))]
    if ids:
        await conn.execute(
            delete(sessions).where(sessions.c.tenant_id == tenant_id, sessions.c.id.in_(ids))
        )
    return ids


async def attach_device(
    conn: AsyncConnection,
    tenant_id: str,
    session_id: str,
    device_id: str,
    expires_at: int,
    props: dict[str, str],
) -> bool:
    """Store the device (and its props, merged into the session's) on a login session;
    False when there is no such session."""
    where = (sessions.c.tenant_id == tenant_id, sessions.c.id == session_id)
    row = (await conn.execute(select(sessions.c.props).where(*where))).first()
    if row is None:
        return False
    merged = {**codec.load_dict(row[0]), **props}
    await conn.execute(
        update(sessions)
        .where(*where)
        .values(device_id=device_id, expires_at=expires_at, props=codec.dump(merged))
    )
    return True


def _token(row: RowMapping) -> AccessToken:
    return AccessToken(
        id=row["id"],
        user_id=row["user_id"],
        description=row["description"],
        is_active=row["is_active"],
        create_at=row["create_at"],
    )


async def insert_access_token(
    conn: AsyncConnection, tenant_id: str, token: AccessToken, token_hash: str
) -> None:
    await conn.execute(
        access_tokens.insert().values(
            tenant_id=tenant_id,
            id=token.id,
            token_hash=token_hash,
            user_id=token.user_id,
            description=token.description,
            is_active=token.is_active,
            create_at=token.create_at,
        )
    )


async def get_access_token_by_hash(
    conn: AsyncConnection, tenant_id: str, token_hash: str
) -> tuple[AccessToken, User] | None:
    """The token and its (active) user."""
    stmt = (
        select(
            access_tokens,
            users.c.roles.label("user_roles"),
            users.c.is_bot,
            users.c.username,
            users.c.email,
            users.c.mfa_active,
        )
        .select_from(
            access_tokens.join(
                users,
                (users.c.tenant_id == access_tokens.c.tenant_id)
                & (users.c.id == access_tokens.c.user_id),
            )
        )
        .where(
            access_tokens.c.tenant_id == tenant_id,
            access_tokens.c.token_hash == token_hash,
            users.c.delete_at == 0,
        )
    )
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    user = User(
        id=row["user_id"],
        username=row["username"],
        email=row["email"],
        roles=row["user_roles"],
        is_bot=bool(row["is_bot"]),
        mfa_active=bool(row["mfa_active"]),
    )
    return _token(row), user


async def get_access_token(
    conn: AsyncConnection, tenant_id: str, token_id: str
) -> AccessToken | None:
    stmt = select(access_tokens).where(
        access_tokens.c.tenant_id == tenant_id, access_tokens.c.id == token_id
    )
    row = (await conn.execute(stmt)).mappings().first()
    return _token(row) if row else None


async def list_access_tokens(
    conn: AsyncConnection, tenant_id: str, user_id: str, offset: int, limit: int
) -> list[AccessToken]:
    stmt = (
        select(access_tokens)
        .where(access_tokens.c.tenant_id == tenant_id, access_tokens.c.user_id == user_id)
        .order_by(access_tokens.c.create_at, access_tokens.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [_token(r) for r in (await conn.execute(stmt)).mappings()]


async def set_access_token_active(
    conn: AsyncConnection, tenant_id: str, token_id: str, active: bool
) -> None:
    await conn.execute(
        update(access_tokens)
        .where(access_tokens.c.tenant_id == tenant_id, access_tokens.c.id == token_id)
        .values(is_active=active)
    )


async def delete_access_token(conn: AsyncConnection, tenant_id: str, token_id: str) -> None:
    await conn.execute(
        delete(access_tokens).where(
            access_tokens.c.tenant_id == tenant_id, access_tokens.c.id == token_id
        )
    )
