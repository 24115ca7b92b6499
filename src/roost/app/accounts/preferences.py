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
from roost.store.db.database import Database

MAX_PREFERENCES_PER_CALL = 100
CATEGORY_MAX = 32
NAME_MAX = 64
VALUE_MAX = 2000


class Preferences:
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._bus = bus

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
        async with self._db.write() as conn:
            await pref_store.save_preferences(conn, actor.tenant_id, prefs)
        await self._announce(actor, user_id, PREFERENCES_CHANGED, prefs)

    async def do_delete(self, actor: Actor, user_id: str, prefs: Sequence[Preference]) -> None:
        self._check_owner(actor, user_id)
        self.check_preferences(user_id, prefs)
        async with self._db.write() as conn:
            await pref_store.delete_preferences(conn, actor.tenant_id, user_id, prefs)
        await self._announce(actor, user_id, PREFERENCES_DELETED, prefs)

    async def _announce(
        self, actor: Actor, user_id: str, name: str, prefs: Sequence[Preference]
    ) -> None:
        payload = orjson.dumps([p.to_dict() for p in prefs]).decode()
        broadcast = Broadcast(recipients=frozenset({user_id}), user_id=user_id)
        await self._bus.publish([Event(actor.tenant_id, name, {"preferences": payload}, broadcast)])
