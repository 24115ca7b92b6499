"""The hub ends connections with their sessions: by session, access token, user, tenant
and expiry; nothing dispatched afterwards reaches them."""

from __future__ import annotations

import asyncio

from roost.clock import now_ms
from roost.model.event import Broadcast, Event, internal_event
from roost.model.events import POSTED, SESSION_REVOKED, TENANT_CLOSED
from roost.realtime.connection import Connection
from roost.realtime.hub import Hub

T, OTHER_T = "t" * 26, "o" * 26


def connect(hub: Hub, user: str, session: str, tenant: str = T, expires_at: int = 0) -> Connection:
    conn = Connection(f"c-{user}-{session}-{tenant[0]}", tenant, user, 16, 16, session, expires_at)
    hub.register(conn)
    conn.attach()
    return conn


def posted(tenant: str = T) -> Event:
    return Event(tenant, POSTED, {"post": "{}"}, Broadcast())


async def frames(conn: Connection) -> list[str | None]:
    got: list[str | None] = []
    while not conn._queue.empty():
        got.append(await conn.next_frame())
    return got


async def test_a_revoked_session_ends_only_its_connections() -> None:
    hub = Hub(16, 16, 30)
    ended, also_ended = connect(hub, "u", "s1"), connect(hub, "u", "s1")
    kept = connect(hub, "u", "s2")
    hub.dispatch(posted())
    hub.dispatch(internal_event(T, SESSION_REVOKED, {"session_id": "s1"}))
    hub.dispatch(posted())
    for conn in (ended, also_ended):
        assert conn.ended and not conn.active
        # What came before the revocation, then the stop signal; nothing after.
        assert len(await frames(conn)) == 2
        assert hub.get(conn.id) is None
    assert not kept.ended and len(await frames(kept)) == 2


async def test_access_token_user_and_tenant_endings() -> None:
    hub = Hub(16, 16, 30)
    by_token = connect(hub, "u", "token1")
    user_a, user_b = connect(hub, "v", "s1"), connect(hub, "v", "s2")
    elsewhere = connect(hub, "v", "s1", tenant=OTHER_T)
    hub.dispatch(internal_event(T, SESSION_REVOKED, {"token_id": "token1"}))
    assert by_token.ended
    hub.dispatch(internal_event(T, SESSION_REVOKED, {"user_id": "v"}))
    assert user_a.ended and user_b.ended
    # The same ids in another tenant are other sessions.
    assert hub.get(elsewhere.id) is elsewhere
    hub.dispatch(internal_event(OTHER_T, TENANT_CLOSED, {}))
    assert elsewhere.ended
    assert hub.active_count() == 0


async def test_a_renewed_session_keeps_its_connection_with_the_new_expiry() -> None:
    hub = Hub(16, 16, 30)
    conn = connect(hub, "u", "s1", expires_at=now_ms() + 50)
    renewed = now_ms() + 3_600_000
    hub.dispatch(internal_event(T, SESSION_REVOKED, {"session_id": "s1", "renewed_until": renewed}))
    await asyncio.sleep(0.1)
    assert not conn.ended and conn.expires_at == renewed


async def test_an_expired_session_ends_its_connection() -> None:
    hub = Hub(16, 16, 30)
    conn = connect(hub, "u", "s1", expires_at=now_ms() + 50)
    forever = connect(hub, "u", "token", expires_at=0)
    await asyncio.sleep(0.15)
    assert conn.ended and hub.get(conn.id) is None
    assert not forever.ended


async def test_removing_a_connection_cancels_its_expiry() -> None:
    hub = Hub(16, 16, 30)
    conn = connect(hub, "u", "s1", expires_at=now_ms() + 50)
    conn.detach()
    hub.remove(conn)
    await asyncio.sleep(0.1)
    assert not conn.ended


async def test_a_session_read_before_it_ended_is_refused_afterwards() -> None:
    hub = Hub(16, 16, 30)
    before = now_ms()
    hub.dispatch(internal_event(T, SESSION_REVOKED, {"session_id": "s1"}))
    hub.dispatch(internal_event(T, SESSION_REVOKED, {"user_id": "v"}))
    assert hub.session_ended(T, "s1", "u", before)
    assert not hub.session_ended(OTHER_T, "s1", "u", before)
    # A session of the deactivated user from before the ending; one from after (the user
    # was reactivated and logged in again) lives.
    assert hub.session_ended(T, "s2", "v", before)
    assert not hub.session_ended(T, "s3", "v", now_ms() + 1)
