"""An uploaded file's content as ``file_will_be_uploaded`` sees it: read it in pieces
(it may be as large as the server's upload limit, so read it whole only if you must),
and replace it if the plugin changes it. The next plugin, and the store, see the result.

In the shared plugin host every ``read`` is a call to the server, of at most
``READ_CHUNK_BYTES``, and a replacement is at most ``ISOLATED_REPLACE_MAX_BYTES`` (it
crosses in one message); in process the limit is the server's file-size limit."""

from __future__ import annotations

from typing import Protocol

READ_CHUNK_BYTES = 1024 * 1024
ISOLATED_REPLACE_MAX_BYTES = 16 * 1024 * 1024


class FileContent(Protocol):
    @property
    def size(self) -> int: ...

    async def read(self, size: int = -1) -> bytes:
        """The next ``size`` bytes (all that is left if negative); b"" at the end."""
        ...

    async def replace(self, data: bytes) -> None:
        """Make ``data`` the file's content (it must not be empty)."""
        ...
