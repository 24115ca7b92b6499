"""Drafts: one unsent message per user, channel and thread, synced across devices."""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels.channels import Channels
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.posts.errors import draft_too_long
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config import PostSettings
from roost.ids import is_valid_id
from roost.model.draft import Draft
from roost.model.event import Broadcast, Event
from roost.model.events import DRAFT_CREATED, DRAFT_DELETED, DRAFT_UPDATED
from roost.store.db.database import Database
from roost.store.posts import drafts as draft_store

MAX_DRAFTS_LISTED = 1000
MAX_FILE_IDS = 10


class Drafts:
    def __init__(self, db: Database, bus: Bus, settings: PostSettings, channels: Channels) -> None:
        self._db = db
        self._bus = bus
        self._settings = settings
        self._channels = channels

    def check_draft(self, draft: Draft) -> None:
        if len(draft.message) > self._settings.max_post_size:
            raise draft_too_long(self._settings.max_post_size)
        if draft.root_id and not is_valid_id(draft.root_id):
            raise errors.invalid_body_param("root_id")
        if len(draft.file_ids) > MAX_FILE_IDS or not all(
            isinstance(f, str) and is_valid_id(f) for f in draft.file_ids
        ):
            raise errors.invalid_body_param("file_ids")

    async def do_upsert(self, actor: Actor, body: dict[str, Any]) -> Draft:
        user_id = body.get("user_id") or actor.user_id
        if user_id != actor.user_id:
            raise errors.forbidden()
        channel_id = body.get("channel_id")
        if not isinstance(channel_id, str) or not is_valid_id(channel_id):
            raise errors.invalid_body_param("channel_id")
        message, props = body.get("message", ""), body.get("props") or {}
        root_id, file_ids = body.get("root_id") or "", body.get("file_ids") or []
        if not isinstance(message, str) or not isinstance(root_id, str):
            raise errors.invalid_body_param("message")
        if not isinstance(props, dict) or not isinstance(file_ids, list):
            raise errors.invalid_body_param("props")
        await self._channels.get_as_member(actor, channel_id)
        now = now_ms()
        draft = Draft(actor.user_id, channel_id, root_id, message, props, file_ids, now, now)
        self.check_draft(draft)
        async with self._db.write() as conn:
            existing = await draft_store.get_draft(
                conn, actor.tenant_id, actor.user_id, channel_id, root_id
            )
            if existing is not None:
                draft.create_at = existing.create_at
            await draft_store.save_draft(conn, actor.tenant_id, draft)
        name = DRAFT_UPDATED if existing is not None else DRAFT_CREATED
        await self._announce(actor, name, draft)
        return draft

    async def list_for_team(self, actor: Actor, user_id: str, team_id: str) -> list[Draft]:
        if user_id != actor.user_id:
            raise errors.forbidden()
        async with self._db.read() as conn:
            return await draft_store.list_team_drafts(
                conn, actor.tenant_id, user_id, team_id, MAX_DRAFTS_LISTED
            )

    async def do_delete(self, actor: Actor, user_id: str, channel_id: str, root_id: str) -> None:
        if user_id != actor.user_id:
            raise errors.forbidden()
        async with self._db.write() as conn:
            draft = await draft_store.get_draft(conn, actor.tenant_id, user_id, channel_id, root_id)
            if draft is not None:
                await draft_store.delete_draft(conn, actor.tenant_id, user_id, channel_id, root_id)
        # Deleting what is not there is not an error: clients delete after every send.
        if draft is not None:
            await self._announce(actor, DRAFT_DELETED, draft)

    async def _announce(self, actor: Actor, name: str, draft: Draft) -> None:
        broadcast = Broadcast(recipients=frozenset({actor.user_id}), user_id=actor.user_id)
        data = {"draft": orjson.dumps(draft.to_dict()).decode()}
        await self._bus.publish([Event(actor.tenant_id, name, data, broadcast)])
