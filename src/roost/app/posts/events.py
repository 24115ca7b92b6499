"""Events about a post or a reaction, sent to everyone in the post's channel."""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels.channels import Channels
from roost.model.event import Broadcast, Event
from roost.model.post import Post, Reaction


async def channel_broadcast(channels: Channels, tenant_id: str, channel_id: str) -> Broadcast:
    # Member ids come from the channels service's cache (invalidated by membership events).
    members = await channels.member_ids(tenant_id, channel_id)
    return Broadcast(recipients=members, channel_id=channel_id)


async def post_event(
    channels: Channels,
    tenant_id: str,
    name: str,
    post: Post,
    extra: dict[str, Any] | None = None,
) -> Event:
    """``post_edited`` / ``post_deleted``: the post as a JSON string, to the channel."""
    data: dict[str, Any] = {"post": orjson.dumps(post.to_dict()).decode(), **(extra or {})}
    broadcast = await channel_broadcast(channels, tenant_id, post.channel_id)
    return Event(tenant_id, name, data, broadcast)


async def reaction_event(
    channels: Channels, tenant_id: str, name: str, reaction: Reaction
) -> Event:
    """``reaction_added`` / ``reaction_removed``: the reaction as a JSON string."""
    data = {"reaction": orjson.dumps(reaction.to_dict()).decode()}
    broadcast = await channel_broadcast(channels, tenant_id, reaction.channel_id)
    return Event(tenant_id, name, data, broadcast)
