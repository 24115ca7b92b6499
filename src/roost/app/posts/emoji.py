"""Custom emoji: created with an image, listed, found by id or name, searched, deleted.

As Mattermost: a name is 1-64 of ``[a-zA-Z0-9_+-]``, not a system emoji's name and not a
live custom emoji's; the image must decode (GIF, PNG, JPEG, WebP, BMP), at most 1028
pixels a side; larger than 128 it is scaled to fit 128 (PNG, or GIF when animated).
Everything is checked before anything is written, and a row is written only once its
image is stored (a failed write removes the image again). Deleting keeps the row
(delete_at), removes the image and every reaction with that name.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from PIL import Image, ImageSequence, UnidentifiedImageError

from roost.app.accounts.permissions import Permissions, denied
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.images import DECODED_IMAGE_FORMATS
from roost.app.posts.errors import (
    emoji_duplicate,
    emoji_for_other_user,
    emoji_image_missing,
    emoji_image_too_big,
    emoji_invalid_name,
    emoji_name_not_found,
    emoji_not_found,
    emoji_not_image,
    emoji_system_name,
    emoji_too_large,
    emoji_too_many_names,
    emoji_too_many_pixels,
)
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.filestore import FileStore
from roost.filestore.keys import emoji_image_key
from roost.ids import is_valid_id, new_id
from roost.model.emoji import Emoji, is_system_emoji, is_valid_emoji_name
from roost.model.event import Broadcast, Event
from roost.model.events import EMOJI_ADDED
from roost.store.db.database import Database
from roost.store.posts import emoji as emoji_store

log = logging.getLogger("roost.emoji")

# Mattermost's limits (model/emoji.go, api4/emoji.go).
MAX_SIDE = 1028
STORED_SIDE = 128
MAX_NAMES = 200
MAX_SEARCH_RESULTS = 200
MAX_AUTOCOMPLETE = 100
SEARCH_TERM_MAX = 64
FORMATS = {"GIF": "image/gif", "PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
FORMATS_DECODED = DECODED_IMAGE_FORMATS


@dataclass(slots=True)
class StoredImage:
    data: bytes
    content_type: str


def content_type_of(data: bytes) -> str:
    """The type of a stored image, from its first bytes."""
    if data.startswith(b"GIF8"):
        return "image/gif"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM"):
        return "image/bmp"
    return "application/octet-stream"


def prepare_image(data: bytes, max_pixels: int) -> StoredImage:
    """Check the image and make what is stored: the bytes as sent when they fit 128x128,
    else scaled to fit. Raises Mattermost's errors; decoding is CPU work (run in a thread)."""
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS_DECODED) as image:
            if image.format not in FORMATS_DECODED:
                raise emoji_not_image(f"format {image.format}")
            width, height = image.size
            if width * height > max_pixels:
                raise emoji_too_many_pixels(max_pixels)
            if width > MAX_SIDE or height > MAX_SIDE:
                raise emoji_image_too_big(MAX_SIDE)
            image.load()  # the whole image must decode, not only its header
            if width <= STORED_SIDE and height <= STORED_SIDE and image.format in FORMATS:
                return StoredImage(data, FORMATS[image.format])
            return _scaled(image)
    except errors.AppError:
        raise
    except Image.DecompressionBombError:
        # Pillow's own guard, at twice its limit: far beyond ours too.
        raise emoji_too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise emoji_not_image(str(exc)) from None


def _scaled(image: Image.Image) -> StoredImage:
    out = io.BytesIO()
    box = (STORED_SIDE, STORED_SIDE)
    if image.format == "GIF" and getattr(image, "n_frames", 1) > 1:
        frames = []
        for frame in ImageSequence.Iterator(image):
            copy = frame.convert("RGBA")
            copy.thumbnail(box, Image.Resampling.LANCZOS)
            frames.append(copy)
        frames[0].save(
            out,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            loop=image.info.get("loop", 0),
            duration=image.info.get("duration", 100),
            disposal=2,
        )
        return StoredImage(out.getvalue(), "image/gif")
    copy = image.convert("RGBA")
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    copy.save(out, format="PNG")
    return StoredImage(out.getvalue(), "image/png")


def parse_emoji_field(raw: str | None) -> tuple[str, str]:
    """(name, creator_id) of the form's ``emoji`` field."""
    if raw is None:
        raise errors.invalid_body_param("emoji")
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise errors.invalid_body_param("emoji") from None
    if not isinstance(data, dict):
        raise errors.invalid_body_param("emoji")
    name, creator = data.get("name", ""), data.get("creator_id", "")
    if not isinstance(name, str) or not isinstance(creator, str):
        raise errors.invalid_body_param("emoji")
    return name, creator


def check_new_name(name: str) -> None:
    if not is_valid_emoji_name(name):
        raise emoji_invalid_name()
    if is_system_emoji(name):
        raise emoji_system_name()


class CustomEmoji:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        store: FileStore,
        permissions: Permissions,
        max_bytes: int,
        max_pixels: int,
    ) -> None:
        self._db = db
        # create_emojis, delete_emojis, delete_others_emojis: the tenant's role data.
        self._permissions = permissions
        self._bus = bus
        self._store = store
        self.max_bytes = max_bytes
        self._max_pixels = max_pixels

    # Creating.

    async def check_can_create(self, actor: Actor) -> None:
        await self._permissions.check(actor, "create_emojis")

    def check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise emoji_too_large(self.max_bytes)

    async def do_create(self, actor: Actor, emoji_field: str | None, image: bytes | None) -> Emoji:
        await self.check_can_create(actor)
        name, creator_id = parse_emoji_field(emoji_field)
        if creator_id != actor.user_id:
            raise emoji_for_other_user()
        check_new_name(name)
        tenant = actor.tenant_id
        async with self._db.read() as conn:
            if await emoji_store.get_by_name(conn, tenant, name) is not None:
                raise emoji_duplicate()
        if not image:
            raise errors.invalid_body_param("image")
        self.check_size(len(image))
        stored = await asyncio.to_thread(prepare_image, image, self._max_pixels)
        now = now_ms()
        emoji = Emoji(id=new_id(), creator_id=creator_id, name=name, create_at=now, update_at=now)
        key = emoji_image_key(tenant, emoji.id)
        await self._store.put_bytes(key, stored.data, stored.content_type)
        try:
            async with self._db.write() as conn:
                # Another request may have taken the name meanwhile.
                if await emoji_store.get_by_name(conn, tenant, name) is not None:
                    raise emoji_duplicate()
                await emoji_store.insert(conn, tenant, emoji)
        except BaseException:
            await self._store.delete([key])
            raise
        data = {"emoji": orjson.dumps(emoji.to_dict()).decode()}
        await self._bus.publish([Event(tenant, EMOJI_ADDED, data, Broadcast())])
        return emoji

    # Reading.

    async def get(self, actor: Actor, emoji_id: str) -> Emoji:
        async with self._db.read() as conn:
            found = await emoji_store.get(conn, actor.tenant_id, emoji_id)
        if found is None:
            raise emoji_not_found()
        return found

    async def get_by_name(self, actor: Actor, name: str) -> Emoji:
        if not is_valid_emoji_name(name):
            raise errors.invalid_url_param("emoji_name")
        async with self._db.read() as conn:
            found = await emoji_store.get_by_name(conn, actor.tenant_id, name)
        if found is None:
            raise emoji_name_not_found()
        return found

    async def get_by_names(self, actor: Actor, names: list[str]) -> list[Emoji]:
        """The custom emoji among the names; system and unknown names are left out."""
        if len(names) > MAX_NAMES:
            raise emoji_too_many_names(MAX_NAMES)
        wanted = [n for n in names if is_valid_emoji_name(n) and not is_system_emoji(n)]
        async with self._db.read() as conn:
            return await emoji_store.get_by_names(conn, actor.tenant_id, wanted)

    async def exists(self, tenant_id: str, name: str) -> bool:
        async with self._db.read() as conn:
            return await emoji_store.get_by_name(conn, tenant_id, name) is not None

    async def page(self, actor: Actor, offset: int, limit: int, sort: str) -> list[Emoji]:
        if sort not in ("", "name"):
            raise errors.invalid_url_param("sort")
        async with self._db.read() as conn:
            return await emoji_store.page(conn, actor.tenant_id, offset, limit, sort == "name")

    async def search(self, actor: Actor, term: str, prefix_only: bool) -> list[Emoji]:
        if not term or len(term) > SEARCH_TERM_MAX:
            raise errors.invalid_body_param("term")
        async with self._db.read() as conn:
            return await emoji_store.search(
                conn, actor.tenant_id, term, prefix_only, MAX_SEARCH_RESULTS
            )

    async def autocomplete(self, actor: Actor, name: str) -> list[Emoji]:
        if not name or len(name) > SEARCH_TERM_MAX:
            raise errors.invalid_url_param("name")
        async with self._db.read() as conn:
            return await emoji_store.search(conn, actor.tenant_id, name, True, MAX_AUTOCOMPLETE)

    async def image(self, actor: Actor, emoji_id: str) -> StoredImage:
        emoji = await self.get(actor, emoji_id)
        blob = await self._store.open(emoji_image_key(actor.tenant_id, emoji.id))
        if blob is None:
            raise emoji_image_missing()
        try:
            data = b"".join([chunk async for chunk in blob.chunks()])
        finally:
            await blob.close()
        return StoredImage(data, content_type_of(data))

    # Deleting.

    async def do_delete(self, actor: Actor, emoji_id: str) -> Emoji:
        if not is_valid_id(emoji_id):
            raise errors.invalid_url_param("emoji_id")
        await self._permissions.check(actor, "delete_emojis")
        # Asked before the transaction: loading a tenant's roles may write them.
        may_delete_others = await self._permissions.has_permission(actor, "delete_others_emojis")
        tenant, now = actor.tenant_id, now_ms()
        async with self._db.write() as conn:
            emoji = await emoji_store.get(conn, tenant, emoji_id)
            if emoji is None:
                raise emoji_not_found()
            if emoji.creator_id != actor.user_id and not may_delete_others:
                raise denied(actor, "delete_others_emojis")
            await emoji_store.soft_delete(conn, tenant, emoji_id, now)
            await emoji_store.remove_reactions_named(conn, tenant, emoji.name, now)
        try:
            await self._store.delete([emoji_image_key(tenant, emoji_id)])
        except Exception:
            # The row is gone; an image left behind is only storage, removed with the tenant.
            log.warning("could not remove the image of emoji %s", emoji_id, exc_info=True)
        emoji.delete_at = emoji.update_at = now
        return emoji
