"""The tenant's system bot (``system-bot``, shown as "System"): the sender of reminders,
made on first use, as Mattermost makes its own. Nodes racing to make it both end up
with the one that was written first."""

from __future__ import annotations

import asyncio
import logging

from roost.app.accounts.users import Users
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.model.user import Bot, User
from roost.store.accounts import users as user_store
from roost.store.db.database import Database

log = logging.getLogger(__name__)

USERNAME = "system-bot"
DISPLAY_NAME = "System"


class SystemBotMissing(Exception):
    """The name is taken by a person: Roost will not send as them."""


class SystemBot:
    def __init__(self, db: Database, users: Users) -> None:
        self._db = db
        self._users = users
        self._known: dict[str, Actor] = {}
        # Sends run many at once: one of them makes the bot, the others wait for it.
        self._making = asyncio.Lock()

    async def actor(self, tenant_id: str) -> Actor:
        known = self._known.get(tenant_id)
        if known is not None:
            return known
        async with self._making:
            known = self._known.get(tenant_id)
            if known is not None:
                return known
            return await self._load(tenant_id)

    async def _load(self, tenant_id: str) -> Actor:
        user = await self._find(tenant_id)
        if user is None:
            user = await self._make(tenant_id)
        if not user.is_bot:
            raise SystemBotMissing(f"the username {USERNAME} belongs to a person")
        found = Actor(tenant_id, user.id, user.roles, is_bot=True, username=user.username)
        self._known[tenant_id] = found
        return found

    async def _find(self, tenant_id: str) -> User | None:
        async with self._db.read(primary=True) as conn:
            return await user_store.get_by_username(conn, tenant_id, USERNAME)

    async def _make(self, tenant_id: str) -> User:
        try:
            user = await self._users.do_create_user(
                tenant_id,
                username=USERNAME,
                email=f"{USERNAME}@localhost",
                password="",
                first_name=DISPLAY_NAME,
                is_bot=True,
            )
        except Exception:
            # Another node made it first (its name or address taken: an error of the
            # users service, or the database's unique index when the two raced closely).
            again = await self._find(tenant_id)
            if again is None:
                raise
            return again
        now = now_ms()
        bot = Bot(
            user_id=user.id,
            username=user.username,
            display_name=DISPLAY_NAME,
            description="Sends reminders and other messages from the server.",
            owner_id=user.id,
            create_at=now,
            update_at=now,
        )
        async with self._db.write() as conn:
            await user_store.insert_bot(conn, tenant_id, bot)
        log.info("made the system bot of tenant %s", tenant_id)
        return user
