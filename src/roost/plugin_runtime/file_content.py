"""An uploaded file's content lent to ``file_will_be_uploaded``: read from, and replaced
in, the upload's temporary file, so a large file is never held in memory by the server.

A plugin in process gets the ``SpoolContent`` itself; a plugin in the shared host gets a
token, and its reads and replacement come back as ``file`` calls for as long as its hook
runs (``FileLoans``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from roost.app.kernel.errors import AppError
from roost.app.kernel.upload_spool import Spool
from roost.ids import new_id
from roost.plugin.base import APIError
from roost.plugin.files import ISOLATED_REPLACE_MAX_BYTES, READ_CHUNK_BYTES


def _read_at(path: Path, offset: int, size: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(size)


class SpoolContent:
    """``FileContent`` over a spooled upload; each plugin gets its own (reading from 0)."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool
        self._offset = 0

    @property
    def size(self) -> int:
        return self._spool.size

    async def read(self, size: int = -1) -> bytes:
        left = self._spool.size - self._offset
        size = left if size < 0 else min(size, left)
        if size <= 0:
            return b""
        data = await asyncio.to_thread(_read_at, self._spool.path, self._offset, size)
        self._offset += len(data)
        return data

    async def replace(self, data: bytes) -> None:
        if not isinstance(data, bytes) or not data:
            raise APIError(
                400, "app.plugin.file_content.app_error", "The new content must be non-empty bytes."
            )
        try:
            await self._spool.replace(data)
        except AppError as exc:
            raise APIError(exc.status, exc.error_id, exc.message) from None
        self._offset = 0


class FileLoans:
    """Contents lent to isolated plugin instances, by (instance, token), while their hook
    runs."""

    def __init__(self) -> None:
        self._lent: dict[tuple[str, str], SpoolContent] = {}

    @contextmanager
    def lend(self, instance: str, content: SpoolContent, in_process: bool) -> Iterator[Any]:
        if in_process:
            yield content
            return
        token = new_id()
        self._lent[(instance, token)] = content
        try:
            yield token
        finally:
            del self._lent[(instance, token)]

    async def serve(self, instance: str, body: dict[str, Any]) -> Any:
        """A ``file`` call from the host: ``read`` (at most READ_CHUNK_BYTES) or ``replace``
        (at most ISOLATED_REPLACE_MAX_BYTES)."""
        content = self._lent.get((instance, str(body.get("token"))))
        if content is None:
            raise APIError(404, "app.plugin.file_content.gone.app_error", "The file is gone.")
        action = body.get("action")
        if action == "read":
            size = body.get("size")
            wanted = size if isinstance(size, int) and size >= 0 else READ_CHUNK_BYTES
            return await content.read(min(wanted, READ_CHUNK_BYTES))
        if action == "replace":
            data = body.get("data")
            if isinstance(data, bytes) and len(data) > ISOLATED_REPLACE_MAX_BYTES:
                raise APIError(
                    413,
                    "app.plugin.file_content.too_large.app_error",
                    f"An isolated plugin replaces a file with at most "
                    f"{ISOLATED_REPLACE_MAX_BYTES} bytes.",
                )
            await content.replace(data if isinstance(data, bytes) else b"")
            return None
        raise ValueError(f"no such file action: {action}")
