"""User preferences: small string settings clients keep on the server."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.cluster.bus import Bus
from roost.model.event import Broadcast, Event
from roost.model.events import PREFERENCES_CHANGED, PREFERENCES_DELETED
from roost.model.user import Preference
from roost.store.accounts import preferences as pref_store
from roost.store.db.database import Connection, Database

MAX_PREFERENCES_PER_CALL = 100
CATEGORY_MAX = 32
NAME_MAX = 64
VALUE_MAX = 2000


def preferences_event(
    tenant_id: str, user_id: str, name: str, prefs: Sequence[Preference]
) -> Event:
    """``preferences_changed`` or ``preferences_deleted`` to the user's connections."""
    payload = orjson.dumps([p.to_dict() for p in prefs]).decode()
    broadcast = Broadcast(recipients=frozenset({user_id}), user_id=user_id)
    return Event(tenant_id, name, {"preferences": payload}, broadcast)


class PreferenceListener:
    """Told of saved and deleted preferences inside their transaction, so what follows
    them is written with them (the sidebar's Favorites follow ``favorite_channel``).
    Returns the events to publish once it has committed. The defaults do nothing."""

    async def preferences_saved(
        self, conn: Connection, tenant_id: str, user_id: str, prefs: Sequence[Preference]
    ) -> list[Event]:
        return []

    async def preferences_deleted(
        self, conn: Connection, tenant_id: str, user_id: str, prefs: Sequence[Preference]
    ) -> list[Event]:
        return []


class Preferences:
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._bus = bus
        # Set by compose (the sidebar categories, a higher domain).
        self.listeners: list[PreferenceListener] = []

    async def get(self, actor: Actor, user_id: str, category: str = "") -> list[Preference]:
        self._check_owner(actor, user_id)
        async with self._db.read() as conn:
            return await pref_store.get_preferences(conn, actor.tenant_id, user_id, category)

    def _check_owner(self, actor: Actor, user_id: str) -> None:
        if actor.user_id != user_id and not actor.is_system_admin:
            raise errors.forbidden()

    def check_preferences(self, user_id: str, prefs: Sequence[Preference]) -> None:
        if not prefs or len(prefs) > MAX_PREFERENCES_PER_CALL:
            raise errors.invalid_body_param("preferences")
        for p in prefs:
            if p.user_id != user_id:
                raise errors.forbidden("preference user_id does not match")
            if not (0 < len(p.category) <= CATEGORY_MAX) or len(p.name) > NAME_MAX:
                raise errors.invalid_body_param("category")
            if len(p.value) > VALUE_MAX:
                raise errors.invalid_body_param("value")

    async def do_save(self, actor: Actor, user_id: str, prefs: Sequence[Preference]) -> None:
        self._check_owner(actor, user_id)
        self.check_preferences(user_id, prefs)
        follow: list[Event] = []
        async with self._db.write() as conn:
            await pref_store.save_preferences(conn, actor.tenant_id, prefs)
            for listener in self.listeners:
                follow += await listener.preferences_saved(conn, actor.tenant_id, user_id, prefs)
        await self._bus.publish(
            [preferences_event(actor.tenant_id, user_id, PREFERENCES_CHANGED, prefs), *follow]
        )

    async def do_delete(self, actor: Actor, user_id: str, prefs: Sequence[Preference]) -> None:
        self._check_owner(actor, user_id)
        self.check_preferences(user_id, prefs)
        follow: list[Event] = []
        async with self._db.write() as conn:
            await pref_store.delete_preferences(conn, actor.tenant_id, user_id, prefs)
            for listener in self.listeners:
                follow += await listener.preferences_deleted(conn, actor.tenant_id, user_id, prefs)
        await self._bus.publish(
            [preferences_event(actor.tenant_id, user_id, PREFERENCES_DELETED, prefs), *follow]
        )
