"""A post's previews as a response shows them: ``metadata.embeds`` and ``metadata.images``.

The previews are found off the post path (``roost.app.messaging.link_previews`` fetches
a link's OpenGraph data, or notes the post a permalink names) and recorded per post;
here they are only read, with the page's other decorations, in one query per page (none
when no post on it has a link).

A link preview is the same for everyone. A permalink preview shows another post, so it
is built per viewer and only for one who may read that post's channel: anyone else gets
the post without it (``viewer`` None, as in events sent to a whole channel: without it).

``EmbedSwitch`` holds the node's settings (EnableLinkPreviews, EnablePermalinkPreviews):
turning previews off hides those already recorded too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from roost.app.channels import post_access
from roost.app.kernel.context import Actor
from roost.model.post import Post
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection as AsyncConnection
from roost.store.posts import link_previews as preview_store
from roost.store.posts import posts as post_store
from roost.store.posts.link_previews import LinkMetadata


@dataclass(slots=True)
class EmbedSwitch:
    link_previews: bool = True
    permalink_previews: bool = True


# Set once by roost.compose from the settings, before the node serves.
SWITCH = EmbedSwitch()


def link_embed(meta: LinkMetadata) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """The embed and the images a fetched link shows (None: nothing to show)."""
    if meta.kind == "opengraph":
        images = {
            str(i["url"]): image_info(i)
            for i in meta.data.get("images") or []
            if isinstance(i, dict) and i.get("url") and i.get("width") and i.get("height")
        }
        return {"type": "opengraph", "url": meta.url, "data": meta.data}, images
    if meta.kind == "image":
        return {"type": "image", "url": meta.url}, {meta.url: image_info(meta.data)}
    return None, {}


def image_info(data: dict[str, Any]) -> dict[str, Any]:
    """Mattermost's PostImage; an OpenGraph image names its format by its MIME type."""
    mime = str(data.get("type") or "")
    fmt = data.get("format") or (mime.removeprefix("image/") if mime.startswith("image/") else "")
    return {
        "width": int(data.get("width") or 0),
        "height": int(data.get("height") or 0),
        "format": str(fmt),
        "frame_count": int(data.get("frame_count") or 0),
    }


async def attach(
    conn: AsyncConnection, tenant_id: str, found: Iterable[Post], viewer: Actor | None
) -> None:
    """Set ``embeds``/``images`` on the posts that have a recorded preview."""
    if not (SWITCH.link_previews or SWITCH.permalink_previews):
        return
    linked = {p.id: p for p in found if not p.delete_at and "http" in p.message.lower()}
    if not linked:
        return
    previews = await preview_store.for_posts(conn, tenant_id, sorted(linked))
    permalinks: dict[str, list[Post]] = {}
    for post_id, preview in previews.items():
        post = linked[post_id]
        if preview.url not in post.message:
            continue  # edited since; the new first link is being looked at
        if preview.target_id:
            if SWITCH.permalink_previews and viewer is not None:
                permalinks.setdefault(preview.target_id, []).append(post)
        elif preview.link is not None and SWITCH.link_previews:
            embed, images = link_embed(preview.link)
            if embed is not None:
                post.embeds = [embed]
                post.images = images or None
    if permalinks and viewer is not None:
        await _attach_permalinks(conn, tenant_id, permalinks, viewer)


async def _attach_permalinks(
    conn: AsyncConnection, tenant_id: str, wanted: dict[str, list[Post]], viewer: Actor
) -> None:
    targets = await post_store.get_posts(conn, tenant_id, sorted(wanted))
    readable = await post_access.readable_channels(conn, viewer, {t.channel_id for t in targets})
    team_names: dict[str, str] = {}
    for target in targets:
        access = readable.get(target.channel_id)
        if access is None:
            continue  # the viewer may not read it: the post shows no preview
        channel = access.channel
        if channel.team_id and channel.team_id not in team_names:
            team = await team_store.get_team(conn, tenant_id, channel.team_id)
            team_names[channel.team_id] = team.name if team is not None else ""
        embed = {
            "type": "permalink",
            "data": {
                "post_id": target.id,
                "post": target.to_dict(),
                "team_name": team_names.get(channel.team_id, ""),
                "channel_display_name": channel.display_name,
                "channel_type": channel.type,
                "channel_id": channel.id,
            },
        }
        for post in wanted[target.id]:
            post.embeds = [embed]
