"""A revoked session is refused as soon as the revoke answers (issue 20.5): a token
lookup that read the session before the revoke committed, and finished after the
node dropped it from its cache, must not put it back there. The race is forced by
holding the lookup's database read."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from roost.app.accounts.auth import Auth
from roost.clock import now_ms
from roost.cluster.bus import LocalBus
from roost.config import load_settings
from roost.model.event import internal_event
from roost.model.events import SESSION_REVOKED, USER_UPDATED
from roost.model.user import Session
from roost.store.db.database import Database

TENANT = "t" * 26


@pytest.mark.parametrize("change", ["revoked", "user_updated"])
async def test_a_lookup_in_flight_does_not_bring_back_a_dropped_session(
    tmp_path: Path, change: str
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'unused.db'}")  # never reached: reads are faked
    bus = LocalBus()
    auth = Auth(db, load_settings().accounts, bus)
    # Active just now: the idle timeout (which would ask the database) does not apply.
    session = Session("s" * 26, "u" * 26, "csrf", "system_user", 1, 0, last_activity_at=now_ms())
    in_db: list[Session | None] = [session]
    reading, release = asyncio.Event(), asyncio.Event()

    async def slow_load(_tenant_id: str, _hashed: str) -> Session | None:
        found = in_db[0]  # what the database held when the read ran
        reading.set()
        await release.wait()
        return found

    auth._load = slow_load  # type: ignore[method-assign,assignment]
    try:
        lookup = asyncio.create_task(auth.session_for_token(TENANT, "token"))
        await asyncio.wait_for(reading.wait(), 5)
        # The revoke (or a role change) commits and is published meanwhile.
        in_db[0] = None
        if change == "revoked":
            event = internal_event(TENANT, SESSION_REVOKED, {"session_id": session.id})
        else:
            event = internal_event(TENANT, USER_UPDATED, {"user": {"id": session.user_id}})
        await bus.publish([event])
        release.set()
        assert await lookup == session  # that request began before: it may pass
        # Every request after the answer reads again, and is refused.
        reading.clear()
        assert await asyncio.wait_for(auth.session_for_token(TENANT, "token"), 5) is None
    finally:
        await db.close()
