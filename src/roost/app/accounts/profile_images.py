"""Profile pictures people upload: checked, cropped to a square, scaled to 128 px and
kept in the file store; everyone else keeps the generated default (app/accounts/avatars.py)."""

from __future__ import annotations

import asyncio

from roost.app.accounts.avatars import SIZE, default_avatar_png
from roost.app.accounts.errors import (
    image_missing,
    image_too_large,
    image_too_many_pixels,
    image_undecodable,
)
from roost.app.accounts.users import Users
from roost.app.kernel.context import Actor
from roost.app.kernel.images import MAX_PICTURE_BYTES, PictureRejected, square_png
from roost.clock import now_ms
from roost.filestore import FileStore
from roost.model.user import User
from roost.store.accounts import users as user_store
from roost.store.db.database import Database

MAX_IMAGE_BYTES = MAX_PICTURE_BYTES


def image_key(tenant_id: str, user_id: str) -> str:
    return f"{tenant_id}/users/{user_id}/profile.png"


def profile_png(data: bytes, max_pixels: int) -> bytes:
    """The stored form of an uploaded picture, or the profile API's errors."""
    try:
        return square_png(data, max_pixels, SIZE)
    except PictureRejected as exc:
        if exc.too_many_pixels:
            raise image_too_many_pixels(max_pixels) from None
        raise image_undecodable(str(exc)) from None


class ProfileImages:
    def __init__(self, db: Database, store: FileStore, users: Users, max_pixels: int) -> None:
        self._db = db
        self._store = store
        self._users = users
        self._max_pixels = max_pixels

    async def png(self, tenant_id: str, user: User) -> bytes:
        """The user's picture: their own when they set one, else the default."""
        if user.last_picture_update > 0:
            blob = await self._store.open(image_key(tenant_id, user.id))
            if blob is not None:
                try:
                    return b"".join([chunk async for chunk in blob.chunks()])
                finally:
                    await blob.close()
        return await asyncio.to_thread(default_avatar_png, user.id, user.username)

    async def do_set(self, actor: Actor, user_id: str, data: bytes) -> None:
        self._users.check_can_edit(actor, user_id)
        if not data:
            raise image_missing()
        if len(data) > MAX_IMAGE_BYTES:
            raise image_too_large(MAX_IMAGE_BYTES)
        user = await self._users.get(actor.tenant_id, user_id)
        png = await asyncio.to_thread(profile_png, data, self._max_pixels)
        await self._store.put_bytes(image_key(actor.tenant_id, user.id), png, "image/png")
        await self._set_updated(actor.tenant_id, user.id, now_ms())

    async def do_reset(self, actor: Actor, user_id: str) -> None:
        """Back to the default picture (Mattermost marks it with a negative time)."""
        self._users.check_can_edit(actor, user_id)
        user = await self._users.get(actor.tenant_id, user_id)
        await self._store.delete([image_key(actor.tenant_id, user.id)])
        await self._set_updated(actor.tenant_id, user.id, -now_ms())

    async def _set_updated(self, tenant_id: str, user_id: str, at: int) -> None:
        async with self._db.write() as conn:
            await user_store.set_picture_updated(conn, tenant_id, user_id, at)
        await self._users.profile_changed(tenant_id, user_id)
