"""Files on the local disk, under one root directory (``$ROOST_DATA_DIR/files``).

Every disk call runs in a worker thread: a slow disk must not stall the event loop
that serves every other request. Writes go to a temporary name in the target
directory and are renamed into place, so a reader never sees half an object.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from roost.filestore.base import CHUNK_BYTES, FileStoreError, check_key


class LocalBlob:
    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle = handle
        self.size = size

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            while True:
                data = await asyncio.to_thread(self._handle.read, CHUNK_BYTES)
                if not data:
                    return
                yield data
        finally:
            await self.close()

    async def close(self) -> None:
        self._handle.close()


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def start(self) -> None:
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)

    async def close(self) -> None:
        return None

    async def put_file(self, key: str, source: Path, content_type: str) -> None:
        await self._run(_move_into_place, source, self._path(key))

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        await self._run(_write_into_place, data, self._path(key))

    async def open(self, key: str) -> LocalBlob | None:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(open, path, "rb")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FileStoreError(f"reading {key}: {exc}") from exc
        size = os.fstat(handle.fileno()).st_size
        return LocalBlob(handle, size)

    async def delete(self, keys: Sequence[str]) -> None:
        paths = [self._path(k) for k in keys]
        await self._run(_remove, paths, self.root)

    @staticmethod
    async def _run(fn: Callable[..., None], *args: object) -> None:
        try:
            await asyncio.to_thread(fn, *args)
        except OSError as exc:
            raise FileStoreError(str(exc)) from exc


def _staging_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")


def _move_into_place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The upload's temporary file is on the same disk in the usual layout: a
        # rename, no copy.
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    staging = _staging_name(target)
    try:
        shutil.copyfile(source, staging)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def _write_into_place(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging_name(target)
    try:
        staging.write_bytes(data)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def _remove(paths: Sequence[Path], root: Path) -> None:
    parents: set[Path] = set()
    for path in paths:
        path.unlink(missing_ok=True)
        parents.add(path.parent)
    # Drop directories left empty (a file's own, then its fan-out directory), so the
    # tree does not fill with empty directories as uploads come and go.
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        current = parent
        while current != root and root in current.parents:
            with contextlib.suppress(OSError):
                current.rmdir()
            if current.exists():
                break
            current = current.parent
