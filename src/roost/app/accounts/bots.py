"""Bot accounts: users with is_bot set, owned by a human, acting through access tokens."""

from __future__ import annotations

from typing import Any

from roost.app.accounts.auth import Auth
from roost.app.accounts.errors import bot_creation_disabled
from roost.app.accounts.users import Users
from roost.app.kernel import errors, validation
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.config import AccountSettings
from roost.model.user import Bot
from roost.store.accounts import users as user_store
from roost.store.db.database import Database

DESCRIPTION_MAX = 1024
DISPLAY_NAME_MAX = 64


class Bots:
    def __init__(self, db: Database, settings: AccountSettings, users: Users, auth: Auth) -> None:
        self._db = db
        self._settings = settings
        self._users = users
        self._auth = auth

    def _check_enabled(self) -> None:
        if not self._settings.enable_bot_account_creation:
            raise bot_creation_disabled()

    def check_fields(self, display_name: str, description: str) -> None:
        if len(display_name) > DISPLAY_NAME_MAX or validation.has_control_chars(display_name):
            raise errors.invalid_body_param("display_name")
        if len(description) > DESCRIPTION_MAX:
            raise errors.invalid_body_param("description")

    async def do_create(
        self, actor: Actor, username: str, display_name: str, description: str
    ) -> Bot:
        self._check_enabled()
        if not actor.is_system_admin:
            raise errors.forbidden()
        self.check_fields(display_name, description)
        username = username.strip().lower()
        user = await self._users.do_create_user(
            actor.tenant_id,
            username=username,
            email=f"{username}@localhost",
            password="",
            first_name=display_name,
            is_bot=True,
            actor=actor,
        )
        now = now_ms()
        bot = Bot(
            user_id=user.id,
            username=user.username,
            display_name=display_name,
            description=description,
            owner_id=actor.user_id,
            create_at=now,
            update_at=now,
        )
        async with self._db.write() as conn:
            await user_store.insert_bot(conn, actor.tenant_id, bot)
        self._auth.audit.record(actor, "createBot", f"bot_user_id={bot.user_id}")
        return bot

    async def _managed(self, actor: Actor, bot_user_id: str, include_deleted: bool = True) -> Bot:
        async with self._db.read() as conn:
            bot = await user_store.get_bot(conn, actor.tenant_id, bot_user_id)
        if bot is None or (bot.delete_at and not include_deleted):
            raise errors.not_found("bot", "store.sql_bot.get.missing.app_error")
        if not actor.is_system_admin and bot.owner_id != actor.user_id:
            raise errors.forbidden()
        return bot

    async def get(self, actor: Actor, bot_user_id: str, include_deleted: bool) -> Bot:
        return await self._managed(actor, bot_user_id, include_deleted)

    async def list(self, actor: Actor, offset: int, limit: int, include_deleted: bool) -> list[Bot]:
        owner = "" if actor.is_system_admin else actor.user_id
        async with self._db.read() as conn:
            return await user_store.list_bots(
                conn,
                actor.tenant_id,
                offset=offset,
                limit=limit,
                owner_id=owner,
                include_deleted=include_deleted,
            )

    async def do_patch(self, actor: Actor, bot_user_id: str, patch: dict[str, Any]) -> Bot:
        bot = await self._managed(actor, bot_user_id)
        user_patch: dict[str, Any] = {}
        if isinstance(patch.get("username"), str):
            user_patch["username"] = patch["username"]
        if isinstance(patch.get("display_name"), str):
            bot.display_name = patch["display_name"]
            user_patch["first_name"] = patch["display_name"]
        if isinstance(patch.get("description"), str):
            bot.description = patch["description"]
        self.check_fields(bot.display_name, bot.description)
        if user_patch:
            admin = Actor(actor.tenant_id, actor.user_id, "system_user system_admin")
            user = await self._users.do_patch_user(admin, bot.user_id, user_patch)
            bot.username = user.username
        bot.update_at = now_ms()
        async with self._db.write() as conn:
            await user_store.update_bot(conn, actor.tenant_id, bot)
        await self._users.profile_changed(actor.tenant_id, bot.user_id)
        return bot

    async def do_set_enabled(self, actor: Actor, bot_user_id: str, enabled: bool) -> Bot:
        bot = await self._managed(actor, bot_user_id)
        now = now_ms()
        bot.delete_at = 0 if enabled else now
        bot.update_at = now
        async with self._db.write() as conn:
            await user_store.update_bot(conn, actor.tenant_id, bot)
            user = await user_store.get_user(conn, actor.tenant_id, bot.user_id)
            if user is not None:
                user.delete_at = bot.delete_at
                user.update_at = now
                await user_store.update_user(conn, actor.tenant_id, user)
        self._auth.forget_user(bot.user_id)
        self._auth.audit.record(
            actor, "updateBotActive", f"bot_user_id={bot.user_id} active={enabled}"
        )
        if user is not None:
            await self._users.publish_updated(actor.tenant_id, user)
        return bot

    async def do_assign(self, actor: Actor, bot_user_id: str, owner_id: str) -> Bot:
        bot = await self._managed(actor, bot_user_id)
        async with self._db.write() as conn:
            owner = await user_store.get_user(conn, actor.tenant_id, owner_id)
            if owner is None or owner.delete_at or owner.is_bot:
                raise errors.invalid_url_param("user_id")
            bot.owner_id = owner_id
            bot.update_at = now_ms()
            await user_store.update_bot(conn, actor.tenant_id, bot)
        self._auth.audit.record(
            actor, "assignBot", f"bot_user_id={bot.user_id} owner_id={owner_id}"
        )
        return bot
