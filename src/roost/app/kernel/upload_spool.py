"""One uploaded file on its way in: written to a temporary file as it arrives.

The size limit is enforced on every write, so an oversized upload is refused as soon as
it crosses the limit, never after it has been read whole; memory holds at most one
flush's worth (FLUSH_BYTES) of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from roost.app.kernel.errors import upload_too_large

# Small network chunks are gathered into writes this large: fewer thread hand-offs.
FLUSH_BYTES = 1024 * 1024
TEMP_PREFIX = "upload-"


class Spool:
    def __init__(self, path: Path, handle: BinaryIO, name: str, declared_type: str, limit: int):
        self.path = path
        self.name = name
        self.declared_type = declared_type
        self.size = 0
        self._handle = handle
        self._limit = limit
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    @classmethod
    async def create(cls, directory: Path, name: str, declared_type: str, limit: int) -> Spool:
        fd, path = await asyncio.to_thread(tempfile.mkstemp, prefix=TEMP_PREFIX, dir=directory)
        return cls(Path(path), os.fdopen(fd, "wb"), name, declared_type, limit)

    async def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self._limit:
            raise upload_too_large(self.name, self._limit)
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes >= FLUSH_BYTES:
            await self._flush()

    async def finish(self) -> None:
        """All of the file has arrived."""
        await self._flush()
        await asyncio.to_thread(self._handle.close)

    async def _flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        await asyncio.to_thread(self._handle.write, data)

    async def replace(self, data: bytes) -> None:
        """New content for the finished file (a plugin changed it): written beside the
        old one, then moved over it, so a failure leaves the old content whole."""
        if len(data) > self._limit:
            raise upload_too_large(self.name, self._limit)
        await asyncio.to_thread(_write_over, self.path, data)
        self.size = len(data)

    def discard(self) -> None:
        """Close and remove the temporary file (whatever state it is in)."""
        with contextlib.suppress(OSError):
            self._handle.close()
        self.path.unlink(missing_ok=True)


def _write_over(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
