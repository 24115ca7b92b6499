"""Channel bookmarks (``/channels/{channel_id}/bookmarks``): links and files pinned to a
channel's header, as Mattermost's.

Who may: in open and private channels, holders of ``add_/edit_/order_/delete_bookmark_
{public,private}_channel`` there (every channel member under the default roles, and
team and system admins); in direct and group messages, their members except guests.
Anyone who may read the channel lists them. An archived channel's bookmarks are read
only. A channel holds at most ``MAX_PER_CHANNEL`` (Mattermost's 50) live bookmarks.

An edit by someone other than the owner replaces the bookmark with a copy they own
(``original_id`` names the old one, which is deleted), as Mattermost does, so a
bookmark's owner is always who last wrote it. Changes reach the channel's members as
``channel_bookmark_created``, ``_updated``, ``_deleted`` and ``_sorted``.
"""

from __future__ import annotations

from typing import Any

import orjson

from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.integrations.outbound_policy import is_valid_url
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.validation import has_control_chars
from roost.app.messaging.errors import (
    bookmark_channel_archived,
    bookmark_direct_forbidden,
    bookmark_direct_guest_forbidden,
    bookmark_file_unavailable,
    bookmark_invalid,
    bookmark_not_found,
    bookmark_sort_invalid,
    too_many_bookmarks,
)
from roost.app.posts.events import channel_broadcast
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id, new_id
from roost.model.bookmark import (
    DISPLAY_NAME_MAX,
    EMOJI_MAX,
    FILE,
    LINK,
    MAX_PER_CHANNEL,
    URL_MAX,
    ChannelBookmark,
)
from roost.model.channel import OPEN
from roost.model.event import Event
from roost.model.events import (
    CHANNEL_BOOKMARK_CREATED,
    CHANNEL_BOOKMARK_DELETED,
    CHANNEL_BOOKMARK_SORTED,
    CHANNEL_BOOKMARK_UPDATED,
)
from roost.store.db.database import Connection, Database
from roost.store.messaging import bookmarks as bookmark_store

CREATE = "create_channel_bookmark"
UPDATE = "update_channel_bookmark"
SORT = "update_channel_bookmark_sort_order"
DELETE = "delete_channel_bookmark"
_PERMISSION = {CREATE: "add", UPDATE: "edit", SORT: "order", DELETE: "delete"}
GUEST_ROLE = "system_guest"


def _text(body: dict[str, Any], name: str, max_len: int, field: str) -> str | None:
    """An optional string field; ``None`` when absent."""
    if name not in body or body[name] is None:
        return None
    value = body[name]
    if not isinstance(value, str) or len(value) > max_len or has_control_chars(value):
        raise bookmark_invalid(field, f"{name}: a string of at most {max_len} characters")
    return value.strip() if name == "display_name" else value


def _check_urls(bm: ChannelBookmark) -> None:
    # Only http(s): a javascript: or data: link would run in the reader's browser.
    if bm.type == LINK and not is_valid_url(bm.link_url):
        raise bookmark_invalid("link_url.missing_or_invalid", "an http or https URL")
    if bm.image_url and not is_valid_url(bm.image_url):
        raise bookmark_invalid("image_url", "an http or https URL")
    if not bm.display_name:
        raise bookmark_invalid("display_name")
    if bm.type == FILE and bm.image_url:
        raise bookmark_invalid("link_file")


class Bookmarks:
    def __init__(self, db: Database, bus: Bus, channels: Channels) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels

    # Reading.

    async def for_channel(self, actor: Actor, channel_id: str, since: int) -> list[dict[str, Any]]:
        async with self._db.read() as conn:
            access = await post_access.load(conn, actor, channel_id)
            post_access.check_read(actor, access)
            found = await bookmark_store.for_channel(conn, actor.tenant_id, channel_id, since)
        return [bm.to_dict() for bm in found]

    # Changes.

    async def _check_may(
        self, conn: Connection, actor: Actor, channel_id: str, action: str
    ) -> None:
        access = await post_access.load(conn, actor, channel_id)
        channel = access.channel
        if channel.delete_at:
            raise bookmark_channel_archived(action)
        if channel.is_direct_or_group:
            if not access.is_member:
                raise bookmark_direct_forbidden(action)
            if GUEST_ROLE in actor.roles.split():
                raise bookmark_direct_guest_forbidden(action)
            return
        kind = "public" if channel.type == OPEN else "private"
        permission = f"{_PERMISSION[action]}_bookmark_{kind}_channel"
        await post_access.check_permission(self._channels.permissions, actor, access, permission)

    async def do_create(
        self, actor: Actor, channel_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        kind = body.get("type")
        if kind not in (LINK, FILE):
            raise bookmark_invalid("type")
        now = now_ms()
        bm = ChannelBookmark(
            id=new_id(),
            channel_id=channel_id,
            owner_id=actor.user_id,
            display_name=_text(body, "display_name", DISPLAY_NAME_MAX, "display_name") or "",
            type=str(kind),
            create_at=now,
            update_at=now,
            link_url=(_text(body, "link_url", URL_MAX, "link_url.missing_or_invalid") or "")
            if kind == LINK
            else "",
            image_url=_text(body, "image_url", URL_MAX, "image_url") or "",
            emoji=_text(body, "emoji", EMOJI_MAX, "emoji") or "",
        )
        if kind == FILE:
            file_id = body.get("file_id")
            if not isinstance(file_id, str) or not is_valid_id(file_id):
                raise bookmark_invalid("file_id.missing_or_invalid")
            bm.file_id = file_id
        _check_urls(bm)
        async with self._db.write() as conn:
            await self._check_may(conn, actor, channel_id, CREATE)
            if await bookmark_store.live_count(conn, actor.tenant_id, channel_id) >= (
                MAX_PER_CHANNEL
            ):
                raise too_many_bookmarks(MAX_PER_CHANNEL)
            bm.sort_order = await bookmark_store.next_sort_order(conn, actor.tenant_id, channel_id)
            await self._take_file(conn, actor, bm, now)
            await bookmark_store.insert(conn, actor.tenant_id, bm)
            saved = await bookmark_store.get(conn, actor.tenant_id, bm.id)
        assert saved is not None  # written in this transaction
        data = saved.to_dict()
        await self._publish(actor, channel_id, CHANNEL_BOOKMARK_CREATED, "bookmark", data)
        return data

    async def _take_file(
        self, conn: Connection, actor: Actor, bm: ChannelBookmark, now: int
    ) -> None:
        if bm.type != FILE:
            return
        taken = await bookmark_store.take_file(
            conn, actor.tenant_id, bm.file_id, bm.id, bm.channel_id, actor.user_id, now
        )
        if not taken:
            raise bookmark_file_unavailable()

    async def _existing(
        self, conn: Connection, actor: Actor, channel_id: str, bookmark_id: str
    ) -> ChannelBookmark:
        found = await bookmark_store.get(conn, actor.tenant_id, bookmark_id)
        if found is None:
            raise bookmark_not_found()
        if found.channel_id != channel_id:
            # The bookmark must be the channel's the path names (Mattermost: 400).
            raise errors.invalid_param("channel_id")
        return found

    async def do_patch(
        self, actor: Actor, channel_id: str, bookmark_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        now = now_ms()
        async with self._db.write() as conn:
            await self._check_may(conn, actor, channel_id, UPDATE)
            old = await self._existing(conn, actor, channel_id, bookmark_id)
            bm = old.copy()
            self._apply_patch(bm, body)
            _check_urls(bm)
            bm.update_at = now
            response: dict[str, Any] = {}
            if bm.owner_id == actor.user_id:
                if bm.file_id != old.file_id:
                    await self._take_file(conn, actor, bm, now)
                if not await bookmark_store.update_fields(conn, actor.tenant_id, bm):
                    raise bookmark_not_found()
            else:
                # Another member's edit: their own copy replaces the bookmark.
                await bookmark_store.mark_deleted(conn, actor.tenant_id, old.id, now)
                old.delete_at = now
                old.update_at = now
                response["deleted"] = old.to_dict()
                bm.original_id, bm.id = old.id, new_id()
                bm.owner_id, bm.create_at = actor.user_id, now
                if bm.file_id != old.file_id:
                    await self._take_file(conn, actor, bm, now)
                await bookmark_store.insert(conn, actor.tenant_id, bm)
            saved = await bookmark_store.get(conn, actor.tenant_id, bm.id)
        assert saved is not None  # written in this transaction
        response["updated"] = saved.to_dict()
        await self._publish(actor, channel_id, CHANNEL_BOOKMARK_UPDATED, "bookmarks", response)
        return response

    @staticmethod
    def _apply_patch(bm: ChannelBookmark, body: dict[str, Any]) -> None:
        name = _text(body, "display_name", DISPLAY_NAME_MAX, "display_name")
        if name is not None:
            bm.display_name = name
        for field, max_len, error_field in (
            ("link_url", URL_MAX, "link_url.missing_or_invalid"),
            ("image_url", URL_MAX, "image_url"),
            ("emoji", EMOJI_MAX, "emoji"),
        ):
            value = _text(body, field, max_len, error_field)
            if value is not None:
                setattr(bm, field, value)
        if bm.type == LINK and body.get("file_id"):
            raise bookmark_invalid("link_file")
        file_id = body.get("file_id")
        if bm.type == FILE and file_id is not None:
            if not isinstance(file_id, str) or not is_valid_id(file_id):
                raise bookmark_invalid("file_id.missing_or_invalid")
            bm.file_id = file_id

    async def do_sort(
        self, actor: Actor, channel_id: str, bookmark_id: str, new_index: object
    ) -> list[dict[str, Any]]:
        if isinstance(new_index, bool) or not isinstance(new_index, int) or new_index < 0:
            raise errors.invalid_param("channelBookmarkSortOrder")
        now = now_ms()
        async with self._db.write() as conn:
            await self._check_may(conn, actor, channel_id, SORT)
            found = await bookmark_store.for_channel(conn, actor.tenant_id, channel_id)
            ids = [bm.id for bm in found]
            if bookmark_id not in ids:
                raise bookmark_not_found()
            if new_index > len(ids) - 1:
                raise bookmark_sort_invalid()
            ids.remove(bookmark_id)
            ids.insert(new_index, bookmark_id)
            await bookmark_store.set_sort_orders(conn, actor.tenant_id, channel_id, ids, now)
            ordered = await bookmark_store.for_channel(conn, actor.tenant_id, channel_id)
        data = [bm.to_dict() for bm in ordered]
        await self._publish(actor, channel_id, CHANNEL_BOOKMARK_SORTED, "bookmarks", data)
        return data

    async def do_delete(self, actor: Actor, channel_id: str, bookmark_id: str) -> dict[str, Any]:
        now = now_ms()
        async with self._db.write() as conn:
            await self._check_may(conn, actor, channel_id, DELETE)
            await self._existing(conn, actor, channel_id, bookmark_id)
            await bookmark_store.mark_deleted(conn, actor.tenant_id, bookmark_id, now)
            gone = await bookmark_store.get(conn, actor.tenant_id, bookmark_id, True)
        assert gone is not None  # marked in this transaction
        data = gone.to_dict()
        await self._publish(actor, channel_id, CHANNEL_BOOKMARK_DELETED, "bookmark", data)
        return data

    async def _publish(
        self, actor: Actor, channel_id: str, name: str, key: str, value: object
    ) -> None:
        broadcast = await channel_broadcast(self._channels, actor.tenant_id, channel_id)
        data = {key: orjson.dumps(value).decode()}
        await self._bus.publish([Event(actor.tenant_id, name, data, broadcast)])
