"""Events about a post or a reaction, sent to everyone in the post's channel."""

from __future__ import annotations

from typing import Any

import orjson

from roost.model.event import Broadcast, Event
from roost.model.post import Post, Reaction
from roost.store import post_access as access_store
from roost.store.database import Database


async def channel_broadcast(db: Database, tenant_id: str, channel_id: str) -> Broadcast:
    async with db.read() as conn:
        members = await access_store.member_ids(conn, tenant_id, channel_id)
    return Broadcast(recipients=members, channel_id=channel_id)


async def post_event(
    db: Database, tenant_id: str, name: str, post: Post, extra: dict[str, Any] | None = None
) -> Event:
    """``post_edited`` / ``post_deleted``: the post as a JSON string, to the channel."""
    data: dict[str, Any] = {"post": orjson.dumps(post.to_dict()).decode(), **(extra or {})}
    return Event(tenant_id, name, data, await channel_broadcast(db, tenant_id, post.channel_id))


async def reaction_event(db: Database, tenant_id: str, name: str, reaction: Reaction) -> Event:
    """``reaction_added`` / ``reaction_removed``: the reaction as a JSON string."""
    data = {"reaction": orjson.dumps(reaction.to_dict()).decode()}
    return Event(tenant_id, name, data, await channel_broadcast(db, tenant_id, reaction.channel_id))
