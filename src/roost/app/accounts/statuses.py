"""Presence: online, away, do-not-disturb, offline."""

from __future__ import annotations

from collections.abc import Sequence

from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.read_cache import ReadCache
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.event import Broadcast, Event
from roost.model.events import RESYNC, STATUS_CHANGE
from roost.model.user import Status
from roost.store.accounts import statuses as status_store
from roost.store.db.database import Database

VALID_STATUSES = ("online", "away", "dnd", "offline")
MAX_IDS_PER_CALL = 1000
MAX_ONLINE_LISTED = 10_000
# Every client asks for the statuses of everyone it shows, every minute.
STATUS_CACHE_SIZE = 100_000


class Statuses:
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._bus = bus
        self._cache: ReadCache[tuple[str, str], Status] = ReadCache(STATUS_CACHE_SIZE)
        # Changes made on other nodes arrive as status_change events.
        bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.name == RESYNC:
            self._cache.clear()
        elif event.name == STATUS_CHANGE:
            user_id = event.data.get("user_id")
            if isinstance(user_id, str):
                self._cache.forget((event.tenant_id, user_id))

    async def get_many(self, tenant_id: str, user_ids: Sequence[str]) -> list[Status]:
        if len(user_ids) > MAX_IDS_PER_CALL:
            raise errors.invalid_body_param("user_ids")
        found = {uid: self._cache.get((tenant_id, uid)) for uid in dict.fromkeys(user_ids)}
        missing = [uid for uid, status in found.items() if status is None]
        if missing:
            token = self._cache.token()
            async with self._db.read() as conn:
                loaded = {
                    s.user_id: s for s in await status_store.get_statuses(conn, tenant_id, missing)
                }
            # A user with no row yet is offline; that is cached too until it changes.
            fresh = [(uid, loaded.get(uid) or Status(user_id=uid)) for uid in missing]
            self._cache.fill(token, (((tenant_id, uid), st) for uid, st in fresh))
            found.update(fresh)
        return [st or Status(user_id=uid) for uid, st in found.items()]

    async def online(self, tenant_id: str) -> list[Status]:
        """Everyone not offline, for the WebSocket's get_statuses."""
        async with self._db.read() as conn:
            return await status_store.list_not_offline(conn, tenant_id, MAX_ONLINE_LISTED)

    async def get(self, tenant_id: str, user_id: str) -> Status:
        return (await self.get_many(tenant_id, [user_id]))[0]

    async def do_set_manual(
        self, actor: Actor, user_id: str, status: str, dnd_end_time: int = 0
    ) -> Status:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()
        if status not in VALID_STATUSES:
            raise errors.invalid_body_param("status")
        # A user who picks "online" hands presence back to automatic tracking.
        new = Status(
            user_id=user_id,
            status=status,
            manual=status != "online",
            last_activity_at=now_ms(),
            dnd_end_time=dnd_end_time if status == "dnd" else 0,
        )
        await self._save(actor.tenant_id, new)
        return new

    async def do_set_automatic(self, tenant_id: str, user_id: str, status: str) -> None:
        """Presence seen by the server (a socket opening or closing); manual choices win."""
        now = now_ms()
        async with self._db.write() as conn:
            changed = await status_store.set_automatic_status(conn, tenant_id, user_id, status, now)
        # Activity time moves even when the status does not.
        self._cache.forget((tenant_id, user_id))
        if changed:
            await self._announce(
                tenant_id, Status(user_id=user_id, status=status, last_activity_at=now)
            )

    async def _save(self, tenant_id: str, status: Status) -> None:
        async with self._db.write() as conn:
            await status_store.save_status(conn, tenant_id, status)
        self._cache.forget((tenant_id, status.user_id))
        await self._announce(tenant_id, status)

    async def _announce(self, tenant_id: str, status: Status) -> None:
        broadcast = Broadcast(recipients=frozenset({status.user_id}), user_id=status.user_id)
        event = Event(
            tenant_id,
            STATUS_CHANGE,
            {"status": status.status, "user_id": status.user_id},
            broadcast,
        )
        await self._bus.publish([event])
