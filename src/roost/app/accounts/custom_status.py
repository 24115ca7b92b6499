"""Custom statuses (an emoji and a short text, maybe with an end), stored as Mattermost
does: the current one in the user's props (``customStatus``, a JSON string), announced
with ``user_updated``; the last five in the preference ``custom_status`` /
``recent_custom_statuses``, announced with ``preferences_changed``.

An expired status reads as none (``model.custom_status.visible_props``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from roost.app.accounts.errors import custom_status_invalid, recent_custom_status_missing
from roost.app.accounts.users import Users
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.model.custom_status import (
    DEFAULT_EMOJI,
    DURATIONS,
    PROPS_KEY,
    RECENT_CATEGORY,
    RECENT_MAX,
    RECENT_NAME,
    TEXT_MAX_RUNES,
    CustomStatus,
    parse_time,
)
from roost.model.emoji import is_system_emoji, is_valid_emoji_name
from roost.model.event import Broadcast, Event
from roost.model.events import PREFERENCES_CHANGED
from roost.model.user import Preference
from roost.store.accounts import preferences as pref_store
from roost.store.accounts import users as user_store
from roost.store.db.database import Connection, Database

# A system emoji with a skin tone is named after it ("thumbsup_tone2" in older lists).
_SKIN_TONE = re.compile(r"_(tone[1-5]|(light|medium_light|medium|medium_dark|dark)_skin_tone)$")

EmojiExists = Callable[[str, str], Awaitable[bool]]


def _same(a: dict[str, Any], b: CustomStatus) -> bool:
    """Mattermost's AreSame: the same emoji, text and duration."""
    return (a.get("emoji"), a.get("text"), a.get("duration")) == (b.emoji, b.text, b.duration)


class CustomStatuses:
    def __init__(self, db: Database, bus: Bus, users: Users, emoji_exists: EmojiExists) -> None:
        self._db = db
        self._bus = bus
        self._users = users
        self._emoji_exists = emoji_exists

    async def _check_emoji(self, tenant_id: str, name: str) -> None:
        if not is_valid_emoji_name(name):
            raise custom_status_invalid("emoji")
        if is_system_emoji(name) or is_system_emoji(_SKIN_TONE.sub("", name)):
            return
        if not await self._emoji_exists(tenant_id, name):
            raise custom_status_invalid("emoji")

    def parse(self, body: Any) -> CustomStatus:
        status = CustomStatus.from_dict(body)
        if status is None:
            raise errors.invalid_body_param("custom_status")
        return status

    async def check_new(self, tenant_id: str, status: CustomStatus, now: int) -> CustomStatus:
        """Mattermost's checks and PreSave: something to show, a known duration whose end
        is not past, the text cut to 100 characters, the default emoji."""
        if not status.emoji and not status.text:
            raise custom_status_invalid()
        if status.duration not in DURATIONS:
            raise custom_status_invalid("duration")
        ends: int | None = None
        if status.expires_at:
            try:
                ends = int(parse_time(status.expires_at).timestamp() * 1000)
            except ValueError:
                raise custom_status_invalid("expires_at") from None
        if status.duration and (ends is None or ends < now):
            raise custom_status_invalid("expires_at")
        text = status.text.strip()[:TEXT_MAX_RUNES]
        emoji = status.emoji or DEFAULT_EMOJI
        await self._check_emoji(tenant_id, emoji)
        # Without a duration it never ends, whatever time was sent.
        expires_at = status.expires_at if status.duration else ""
        return CustomStatus(emoji, text, status.duration, expires_at)

    async def do_set(self, actor: Actor, user_id: str, body: Any) -> None:
        self._users.check_can_edit(actor, user_id)
        status = await self.check_new(actor.tenant_id, self.parse(body), now_ms())
        tenant = actor.tenant_id
        async with self._db.write() as conn:
            user = await self._set_props(conn, tenant, user_id, status.to_json())
            recent = await self._recent(conn, tenant, user_id)
            recent = [status.to_dict(), *[r for r in recent if not _same(r, status)]]
            pref = await self._save_recent(conn, tenant, user_id, recent[:RECENT_MAX])
        await self._users.publish_updated(tenant, user)
        await self._announce(tenant, user_id, pref)

    async def do_clear(self, actor: Actor, user_id: str) -> None:
        self._users.check_can_edit(actor, user_id)
        async with self._db.write() as conn:
            user = await self._set_props(conn, actor.tenant_id, user_id, "")
        await self._users.publish_updated(actor.tenant_id, user)

    async def do_remove_recent(self, actor: Actor, user_id: str, body: Any) -> None:
        self._users.check_can_edit(actor, user_id)
        status = self.parse(body)
        tenant = actor.tenant_id
        async with self._db.write() as conn:
            recent = await self._recent(conn, tenant, user_id)
            kept = [r for r in recent if not _same(r, status)]
            if len(kept) == len(recent):
                raise recent_custom_status_missing()
            pref = await self._save_recent(conn, tenant, user_id, kept)
        await self._announce(tenant, user_id, pref)

    async def _set_props(self, conn: Connection, tenant_id: str, user_id: str, value: str) -> Any:
        user = await user_store.get_user(conn, tenant_id, user_id)
        if user is None:
            raise errors.not_found("user", "app.user.missing_account.const")
        user.props = {**user.props, PROPS_KEY: value}
        user.update_at = now_ms()
        await user_store.update_user(conn, tenant_id, user)
        return user

    async def _recent(self, conn: Connection, tenant_id: str, user_id: str) -> list[dict[str, Any]]:
        prefs = await pref_store.get_preferences(conn, tenant_id, user_id, RECENT_CATEGORY)
        for p in prefs:
            if p.name == RECENT_NAME:
                try:
                    found = orjson.loads(p.value)
                except orjson.JSONDecodeError:
                    return []
                if isinstance(found, list):
                    return [r for r in found if isinstance(r, dict)]
        return []

    async def _save_recent(
        self, conn: Connection, tenant_id: str, user_id: str, recent: list[dict[str, Any]]
    ) -> Preference:
        pref = Preference(user_id, RECENT_CATEGORY, RECENT_NAME, orjson.dumps(recent).decode())
        await pref_store.save_preferences(conn, tenant_id, [pref])
        return pref

    async def _announce(self, tenant_id: str, user_id: str, pref: Preference) -> None:
        payload = orjson.dumps([pref.to_dict()]).decode()
        broadcast = Broadcast(recipients=frozenset({user_id}), user_id=user_id)
        event = Event(tenant_id, PREFERENCES_CHANGED, {"preferences": payload}, broadcast)
        await self._bus.publish([event])
