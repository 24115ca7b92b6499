"""A crowd: many users with live sessions in one team and one channel, loaded directly.

Benchmarks need hundreds or thousands of logged-in users; signing each up and logging
in through the API would spend minutes in bcrypt. This writes the rows in bulk with one
shared password hash and known session tokens instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import bcrypt

from roost.app.accounts.tokens import token_hash
from roost.clock import now_ms
from roost.ids import new_id
from roost.store import tables
from roost.store.db import bulk
from roost.store.db.database import Database
from roost.store.db.migrate import upgrade_async
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant

CROWD_PASSWORD = "crowd-password-1"
SESSION_HOURS = 24


@dataclass(slots=True)
class Crowd:
    team_id: str
    channel_id: str
    user_ids: list[str]
    usernames: list[str]
    tokens: list[str]


async def load_crowd(database_url: str, size: int, prefix: str = "crowd") -> Crowd:
    """Create ``size`` users, all in one new team and one new public channel."""
    enter_tenant(DEFAULT_TENANT_ID)  # the data is the default tenant's
    await upgrade_async(database_url)
    db = Database(database_url)
    now = now_ms()
    run = new_id()[:6]
    password_hash = (
        await asyncio.to_thread(bcrypt.hashpw, CROWD_PASSWORD.encode(), bcrypt.gensalt(4))
    ).decode()
    team_id, channel_id = new_id(), new_id()
    user_ids = [new_id() for _ in range(size)]
    usernames = [f"{prefix}{run}{i}" for i in range(size)]
    tokens = [new_id() for _ in range(size)]
    t = DEFAULT_TENANT_ID
    users = [
        {
            "tenant_id": t,
            "id": uid,
            "create_at": now,
            "update_at": now,
            "username": name,
            "email": f"{name}@example.com",
            "password_hash": password_hash,
            "roles": "system_user",
        }
        for uid, name in zip(user_ids, usernames, strict=True)
    ]
    sessions = [
        {
            "tenant_id": t,
            "id": new_id(),
            "token_hash": token_hash(tok),
            "user_id": uid,
            "csrf_token": new_id(),
            "create_at": now,
            "expires_at": now + SESSION_HOURS * 3_600_000,
            "last_activity_at": now,
        }
        for uid, tok in zip(user_ids, tokens, strict=True)
    ]
    team = {
        "tenant_id": t,
        "id": team_id,
        "create_at": now,
        "update_at": now,
        "name": f"{prefix}-{run}",
        "display_name": f"Crowd {run}",
        "type": "O",
        "creator_id": user_ids[0],
    }
    channel = {
        "tenant_id": t,
        "id": channel_id,
        "create_at": now,
        "update_at": now,
        "team_id": team_id,
        "type": "O",
        "name": f"crowd-{run}",
        "display_name": f"Crowd {run}",
        "creator_id": user_ids[0],
    }
    team_members = [
        {"tenant_id": t, "team_id": team_id, "user_id": uid, "create_at": now} for uid in user_ids
    ]
    channel_members = [
        {"tenant_id": t, "channel_id": channel_id, "user_id": uid, "last_update_at": now}
        for uid in user_ids
    ]
    try:
        async with db.write() as conn:
            await bulk.insert_rows(conn, tables.users, users)
            await bulk.insert_rows(conn, tables.sessions, sessions)
            await bulk.insert_rows(conn, tables.teams, [team])
            await bulk.insert_rows(conn, tables.channels, [channel])
            await bulk.insert_rows(conn, tables.team_members, team_members)
            await bulk.insert_rows(conn, tables.channel_members, channel_members)
    finally:
        await db.close()
    return Crowd(team_id, channel_id, user_ids, usernames, tokens)
