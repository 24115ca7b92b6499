"""Files: who may read an upload, reading it (original, thumbnail, preview), its info,
public links, and a post's files. Uploading is in ``file_uploads``; the sweep of
uploads no post took is in ``file_sweeper``.

Reading: before a post takes it, a file is its uploader's alone; after, it is readable
by the members of the channel it was posted in (and system admins). Membership comes
from the channels service's cache, so a download costs one row lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path

from roost.app.channels import post_access
from roost.app.channels.channels import Channels
from roost.app.files.attach import in_post_order
from roost.app.files.errors import (
    file_content_missing,
    no_preview,
    no_thumbnail,
    public_link_invalid,
    public_link_not_in_post,
    public_links_disabled,
    storage_failed,
)
from roost.app.files.previews import Previewer
from roost.app.files.uploads import StorageCheck, Uploads
from roost.app.kernel import errors
from roost.app.kernel.admission import Limiter
from roost.app.kernel.context import Actor
from roost.app.kernel.lifecycle import LifecycleHooks
from roost.config import FileSettings
from roost.filestore import Blob, FileStore, FileStoreError
from roost.filestore.keys import ORIGINAL, PREVIEW, THUMBNAIL, object_key
from roost.model.file import FileInfo
from roost.store.db.database import Database
from roost.store.files import files as file_store
from roost.store.posts import posts as post_store

UPLOAD_TEMP_DIR = Path("tmp") / "uploads"


def file_not_found() -> errors.AppError:
    return errors.not_found("file_info")


class Files:
    def __init__(
        self,
        db: Database,
        store: FileStore,
        channels: Channels,
        settings: FileSettings,
        data_dir: Path,
        site_url: Callable[[str], str],
        hooks: LifecycleHooks | None = None,
        check_storage: StorageCheck | None = None,
        previews: Limiter | None = None,
    ) -> None:
        self._db = db
        self.store = store
        self._channels = channels
        self._site_url = site_url  # tenant id -> where it is served
        self._links = settings.enable_public_link
        self._salt = settings.public_link_salt.encode()
        self.uploads = Uploads(
            db,
            store,
            channels,
            Previewer(settings.max_image_pixels, limiter=previews),
            data_dir / UPLOAD_TEMP_DIR,
            settings.max_file_size,
            hooks,
            check_storage,
        )

    async def start(self) -> None:
        await self.store.start()
        await self.uploads.start()

    async def close(self) -> None:
        await self.store.close()

    # Reading.

    async def get_info(self, actor: Actor, file_id: str) -> FileInfo:
        async with self._db.read() as conn:
            info = await file_store.get(conn, actor.tenant_id, file_id)
        if info is None:
            raise file_not_found()
        await self._check_read(actor, info)
        return info

    async def _check_read(self, actor: Actor, info: FileInfo) -> None:
        if not info.post_id:
            allowed = info.user_id == actor.user_id
        else:
            members = await self._channels.member_ids(actor.tenant_id, info.channel_id)
            allowed = actor.user_id in members or actor.is_system_admin
        if not allowed:
            raise errors.forbidden()

    async def open(
        self, actor: Actor, file_id: str, variant: str = ORIGINAL
    ) -> tuple[FileInfo, Blob]:
        """The file's info and content: the original, or its thumbnail or preview."""
        info = await self.get_info(actor, file_id)
        if variant == THUMBNAIL and not info.has_thumbnail:
            raise no_thumbnail(file_id)
        if variant == PREVIEW and not info.has_thumbnail:
            raise no_preview(file_id)
        return info, await self._open(actor.tenant_id, info, variant)

    async def _open(self, tenant_id: str, info: FileInfo, variant: str) -> Blob:
        try:
            blob = await self.store.open(object_key(tenant_id, info.id, variant))
        except FileStoreError as exc:
            raise storage_failed(exc) from exc
        if blob is None:
            raise file_content_missing(info.id)
        return blob

    async def for_post(self, actor: Actor, post_id: str) -> list[FileInfo]:
        """A post's files, for anyone who may read the post."""
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, actor.tenant_id, post_id)
            if post is None:
                raise post_access.post_not_found()
            post_access.check_read(actor, await post_access.load(conn, actor, post.channel_id))
            found = await file_store.for_posts(conn, actor.tenant_id, [post.id])
        return in_post_order(found.get(post.id, []), post.file_ids)

    # Public links.

    def _signature(self, file_id: str) -> str:
        digest = hmac.new(self._salt, file_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    async def public_link(self, actor: Actor, file_id: str) -> str:
        if not self._links:
            raise public_links_disabled()
        info = await self.get_info(actor, file_id)
        if not info.post_id:
            raise public_link_not_in_post(file_id)
        site = self._site_url(actor.tenant_id)
        return f"{site}/files/{file_id}/public?h={self._signature(file_id)}"

    async def open_public(
        self, tenant_id: str, file_id: str, signature: str
    ) -> tuple[FileInfo, Blob]:
        """A file through its public link: no session, the signature is the key."""
        if not self._links:
            raise public_links_disabled()
        async with self._db.read() as conn:
            info = await file_store.get(conn, tenant_id, file_id)
        if info is None or not info.post_id:
            raise file_not_found()
        if not signature or not hmac.compare_digest(signature, self._signature(file_id)):
            raise public_link_invalid()
        return info, await self._open(tenant_id, info, ORIGINAL)
