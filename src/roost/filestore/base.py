"""What every file store does: keep objects by key, stream them back, forget them.

Keys are made by the app from ids alone (``tenant/xx/file_id/variant``); a client's
file name is never part of one. Objects are written whole and appear atomically:
a reader sees the complete object or none.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Protocol

# Reads and writes move data in pieces this large: memory per transfer stays fixed
# whatever the size of the file.
CHUNK_BYTES = 1024 * 1024

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*")


class FileStoreError(Exception):
    """The backend failed (unreachable, refused, out of space); not a missing object."""


def check_key(key: str) -> str:
    """Keys are relative paths of plain segments: no '..', no leading '/', no odd bytes,
    so no key can ever name anything outside the store."""
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"bad file store key: {key!r}")
    return key


class Blob(Protocol):
    """An object being read."""

    size: int

    def chunks(self) -> AsyncIterator[bytes]:
        """The content in order; closes the object when done or abandoned."""
        ...

    async def close(self) -> None: ...


class FileStore(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def put_file(self, key: str, source: Path, content_type: str) -> None:
        """Store the content of a local file. The store may move the file instead of
        copying it; the caller removes whatever is left at ``source``."""
        ...

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        """Store a small object (previews, thumbnails)."""
        ...

    async def open(self, key: str) -> Blob | None:
        """The object, or None when there is no such key."""
        ...

    async def delete(self, keys: Sequence[str]) -> None:
        """Remove objects; keys that do not exist are not an error."""
        ...
