"""Uploading files (POST /files): the rules, the spooling, and storing them together.

The API feeds one ``Upload`` per request as the body streams in: the channel, client
ids, and each file's bytes. Every file goes to a temporary file first (never whole into
memory), so the channel may come before or after the files, as clients send it; a
channel named up front is checked before any file is read. Only when the whole body
has arrived are the files stored and their rows written, in one transaction: a request
that fails or is cut off midway leaves no row and no object behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.files.errors import (
    file_empty,
    storage_failed,
    upload_client_ids_mismatch,
    upload_multiple_channels,
    upload_to_archived_channel,
    upload_too_many_files,
)
from roost.app.files.names import OCTET_STREAM, clean_name, extension, mime_type
from roost.app.files.previews import (
    RASTER_EXTENSIONS,
    Picture,
    Previewer,
    TooManyPixels,
    may_be_image,
    too_many_pixels,
)
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.app.kernel.upload_spool import Spool
from roost.clock import now_ms
from roost.filestore import FileStore, FileStoreError
from roost.filestore.keys import ORIGINAL, PREVIEW, THUMBNAIL, object_key
from roost.ids import is_valid_id, new_id
from roost.model.file import FileInfo
from roost.store.db.database import Database
from roost.store.files import files as file_store

log = logging.getLogger("roost.files")

# A post takes at most 10 files; one request may carry as many.
MAX_FILES_PER_UPLOAD = 10
MAX_CLIENT_ID_CHARS = 128
JPEG = "image/jpeg"


@dataclass(slots=True)
class Uploaded:
    file_infos: list[FileInfo]
    client_ids: list[str]


@dataclass(slots=True)
class _Prepared:
    info: FileInfo
    spool: Spool
    picture: Picture | None = None


StorageCheck = Callable[[str, int], Awaitable[None]]


class Uploads:
    def __init__(
        self,
        db: Database,
        store: FileStore,
        channels: Channels,
        previewer: Previewer,
        temp_dir: Path,
        max_file_size: int,
        hooks: LifecycleHooks | None = None,
        check_storage: StorageCheck | None = None,
    ) -> None:
        self._db = db
        self.hooks = hooks or LifecycleHooks()
        # The tenant's storage quota: (tenant, bytes to add) -> AppError when over.
        self.check_storage = check_storage
        self._store = store
        self._channels = channels
        self._previewer = previewer
        self.temp_dir = temp_dir
        self.max_file_size = max_file_size

    async def start(self) -> None:
        await asyncio.to_thread(self.temp_dir.mkdir, parents=True, exist_ok=True)

    def begin(self, actor: Actor) -> Upload:
        return Upload(self, actor)

    async def check_channel(self, actor: Actor, channel_id: str) -> None:
        """The caller may upload to the channel: a member (or a system admin) of a
        channel that is not archived. From the caches: no query in the common case."""
        if not is_valid_id(channel_id):
            raise errors.invalid_param("channel_id")
        members = await self._channels.member_ids(actor.tenant_id, channel_id)
        if actor.user_id not in members and not actor.is_system_admin:
            raise errors.forbidden()
        channel = await self._channels.meta(actor.tenant_id, channel_id)
        if channel is None:
            raise errors.forbidden()
        # upload_file from the role data: a system admin's own roles, else the roles
        # every member holds, else (only if taken from those) the member's own.
        access = post_access.from_caches(actor, channel)
        if actor.user_id not in members:
            access = replace(access, is_member=False, channel_roles="")
        await post_access.require(
            self._channels.permissions, self._db, actor, access, post_access.UPLOAD_FILE
        )
        if channel.delete_at:
            raise upload_to_archived_channel()

    async def let_hooks_see(self, actor: Actor, channel_id: str, spools: list[Spool]) -> None:
        """Plugins may refuse each file, rename it or change its content (in place, in
        its temporary file), before anything is stored."""
        if not self.hooks.active:
            return
        for spool in spools:
            await self.hooks.file_will_be_uploaded(
                actor.tenant_id, actor.user_id, channel_id, spool
            )

    async def store(self, actor: Actor, channel_id: str, spools: list[Spool]) -> list[FileInfo]:
        """Describe, preview and store the spooled files, then write their rows."""
        now = now_ms()
        prepared = [await self._prepare(actor, channel_id, s, now) for s in spools]
        stored: list[str] = []
        try:
            for item in prepared:
                await self._put(actor.tenant_id, item, stored)
            async with self._db.write() as conn:
                await file_store.insert(conn, actor.tenant_id, [p.info for p in prepared])
        except BaseException as exc:
            # Nothing half-stored: objects already written go too.
            await self._forget(stored)
            if isinstance(exc, FileStoreError):
                raise storage_failed(exc) from exc
            raise
        return [p.info for p in prepared]

    async def _prepare(self, actor: Actor, channel_id: str, spool: Spool, now: int) -> _Prepared:
        ext = extension(spool.name)
        info = FileInfo(
            id=new_id(),
            user_id=actor.user_id,
            channel_id=channel_id,
            name=spool.name,
            extension=ext,
            size=spool.size,
            mime_type=mime_type(spool.name),
            create_at=now,
            update_at=now,
        )
        item = _Prepared(info, spool)
        if not may_be_image(ext, spool.declared_type):
            return item
        try:
            item.picture = await self._previewer.picture(spool.path, actor.user_id)
        except TooManyPixels as exc:
            raise too_many_pixels(spool.name, exc, self._previewer.max_pixels) from None
        picture = item.picture
        if picture is None:
            if ext in RASTER_EXTENSIONS:
                # Named like an image but is not one: a plain file, never served as an
                # image (a browser would be told one thing and sniff another).
                info.mime_type = OCTET_STREAM
            return item
        info.mime_type = picture.mime_type
        info.width, info.height = picture.width, picture.height
        info.has_preview_image = not picture.animated
        info.has_thumbnail = True
        info.mini_preview = picture.mini_preview
        return item

    async def _put(self, tenant_id: str, item: _Prepared, stored: list[str]) -> None:
        info, picture = item.info, item.picture
        key = object_key(tenant_id, info.id, ORIGINAL)
        stored.append(key)
        await self._store.put_file(key, item.spool.path, info.mime_type)
        if picture is not None:
            for variant, data in ((THUMBNAIL, picture.thumbnail), (PREVIEW, picture.preview)):
                key = object_key(tenant_id, info.id, variant)
                stored.append(key)
                await self._store.put_bytes(key, data, JPEG)

    async def _forget(self, keys: list[str]) -> None:
        if not keys:
            return
        try:
            await self._store.delete(keys)
        except FileStoreError as exc:
            # Their rows were never written; the objects are unreachable litter.
            log.warning("could not remove the objects of a failed upload %s: %s", keys, exc)


@dataclass
class Upload:
    """One POST /files as it arrives. Call ``discard`` when done, whatever happened."""

    uploads: Uploads
    actor: Actor
    channel_id: str = ""
    client_ids: list[str] = field(default_factory=list)
    spools: list[Spool] = field(default_factory=list)
    _current: Spool | None = None
    _channel_checked: bool = False

    async def set_channel(self, channel_id: str) -> None:
        if self.channel_id and self.channel_id != channel_id:
            raise upload_multiple_channels()
        if not is_valid_id(channel_id):
            raise errors.invalid_param("channel_id")
        self.channel_id = channel_id

    def add_client_id(self, client_id: str) -> None:
        if len(client_id) > MAX_CLIENT_ID_CHARS or len(self.client_ids) >= MAX_FILES_PER_UPLOAD:
            raise errors.invalid_param("client_ids")
        self.client_ids.append(client_id)

    async def begin_file(self, raw_name: str, declared_type: str) -> None:
        if len(self.spools) >= MAX_FILES_PER_UPLOAD:
            raise upload_too_many_files(MAX_FILES_PER_UPLOAD)
        name = clean_name(raw_name)
        if self.channel_id and not self._channel_checked:
            # Known before the first file: refuse now, not after reading it all.
            await self._check_channel()
        uploads = self.uploads
        spool = await Spool.create(uploads.temp_dir, name, declared_type, uploads.max_file_size)
        self.spools.append(spool)
        self._current = spool

    async def write(self, data: bytes) -> None:
        assert self._current is not None, "write() before begin_file()"
        await self._current.write(data)

    async def end_file(self, whole_body: bool = False) -> None:
        """``whole_body``: the file was the request's whole body (a raw upload)."""
        spool = self._current
        assert spool is not None, "end_file() before begin_file()"
        self._current = None
        await spool.finish()
        if spool.size == 0 and whole_body:
            # As Mattermost: an empty request body is refused, while an empty file in a
            # multipart upload is stored (size 0).
            raise file_empty(spool.name)

    async def finish(self) -> Uploaded:
        """The whole request has arrived: check it, then store every file."""
        if not self.channel_id:
            raise errors.invalid_param("channel_id")
        if not self.spools:
            raise errors.invalid_param("files")
        if self.client_ids and len(self.client_ids) != len(self.spools):
            raise upload_client_ids_mismatch(len(self.client_ids), len(self.spools))
        if not self._channel_checked:
            await self._check_channel()
        await self.uploads.let_hooks_see(self.actor, self.channel_id, self.spools)
        if self.uploads.check_storage is not None:
            await self.uploads.check_storage(self.actor.tenant_id, sum(s.size for s in self.spools))
        infos = await self.uploads.store(self.actor, self.channel_id, self.spools)
        return Uploaded(infos, list(self.client_ids))

    async def _check_channel(self) -> None:
        await self.uploads.check_channel(self.actor, self.channel_id)
        self._channel_checked = True

    def discard(self) -> None:
        """Remove every temporary file (stored ones were moved or copied already)."""
        for spool in self.spools:
            with contextlib.suppress(OSError):
                spool.discard()
        self.spools = []
