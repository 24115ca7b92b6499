"""Plugin bundles: a .tar.gz or .zip holding plugin.json (at the top, or in one top-level
folder) and the plugin's Python package.

Every member is checked before anything is written: no absolute paths, no "..", no
links or devices, a bounded number of files and unpacked size. A .tar.gz is first read
as a stream, entry by entry, and refused at the first entry past a limit (entries,
header and name bytes, compression ratio): a small archive of a million empty entries
costs no more than its first few thousand. Unpacking writes regular files only, under
the destination, never with execute bits.
"""

from __future__ import annotations

import io
import os
import posixpath
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from roost.plugin.manifest import Manifest, ManifestError, parse_manifest

MAX_FILES = 2000  # entries of any kind: files and folders
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Every tar entry costs a 512-byte header, more for long names (GNU or pax records).
MAX_HEADER_BYTES = 4 * 1024 * 1024
MAX_NAME_BYTES = 1024  # one entry's path
MAX_NAMES_BYTES = 512 * 1024  # all entries' paths together
# Decompressed bytes per compressed byte, checked once past RATIO_FLOOR_BYTES (a tiny
# archive is mostly the tar's zero padding). Source code compresses some 4 to 10 times.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 8 * 1024 * 1024
_INFLATE_CHUNK = 64 * 1024
MANIFEST_NAME = "plugin.json"
MANIFEST_MAX_BYTES = 256 * 1024


class BundleError(Exception):
    pass


class BundleTooLarge(BundleError):
    """Past one of the limits above (an answer of 413 rather than 400)."""


@dataclass(slots=True)
class _Member:
    name: str  # normalised, relative, "/"-separated
    is_dir: bool
    size: int


def _clean(name: str) -> str:
    if "\\" in name or name.startswith("/") or "\x00" in name:
        raise BundleError(f"unsafe path in the bundle: {name!r}")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or not parts:
        raise BundleError(f"unsafe path in the bundle: {name!r}")
    return "/".join(parts)


def _tar_members(archive: tarfile.TarFile) -> Iterator[tuple[_Member, tarfile.TarInfo]]:
    for info in archive.getmembers():
        if not (info.isfile() or info.isdir()):
            raise BundleError(f"links and special files are not allowed: {info.name!r}")
        yield _Member(_clean(info.name), info.isdir(), info.size), info


def _zip_members(archive: zipfile.ZipFile) -> Iterator[tuple[_Member, zipfile.ZipInfo]]:
    for info in archive.infolist():
        mode = (info.external_attr >> 16) & 0o170000
        if mode and mode not in (0o100000, 0o040000):
            raise BundleError(f"links and special files are not allowed: {info.filename!r}")
        yield _Member(_clean(info.filename), info.is_dir(), info.file_size), info


class _Inflater(io.RawIOBase):
    """A gzip stream's decompressed bytes, read on demand, refused past the unpacked
    size or the compression ratio before they are produced."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._pos = 0
        self._inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        out = b""
        while not out and want:
            if self._inflate.unconsumed_tail:
                out = self._inflate.decompress(self._inflate.unconsumed_tail, want)
            elif self._pos < len(self._data) and not self._inflate.eof:
                chunk = self._data[self._pos : self._pos + _INFLATE_CHUNK]
                self._pos += len(chunk)
                out = self._inflate.decompress(chunk, want)
            else:
                break
        self.produced += len(out)
        if self.produced > MAX_UNPACKED_BYTES + MAX_HEADER_BYTES:
            raise BundleTooLarge(f"a bundle unpacks to at most {MAX_UNPACKED_BYTES} bytes")
        if self.produced > RATIO_FLOOR_BYTES and self.produced > MAX_COMPRESSION_RATIO * max(
            self._pos, 1
        ):
            raise BundleTooLarge(f"a bundle compresses at most {MAX_COMPRESSION_RATIO} times")
        buffer[: len(out)] = out
        return len(out)


def _scan_tar(data: bytes) -> None:
    """Read a .tar.gz as a stream and refuse it at the first entry past a limit."""
    entries = header_bytes = names_bytes = 0
    with tarfile.open(fileobj=_Inflater(data), mode="r|") as archive:
        for info in archive:
            entries += 1
            if entries > MAX_FILES:
                raise BundleTooLarge(f"a bundle holds at most {MAX_FILES} entries")
            # From the entry's first header to its data: long-name and pax records too.
            header_bytes += info.offset_data - info.offset
            if header_bytes > MAX_HEADER_BYTES:
                raise BundleTooLarge(f"a bundle's headers are at most {MAX_HEADER_BYTES} bytes")
            name_bytes = len(info.name.encode("utf-8", "surrogateescape"))
            names_bytes += name_bytes
            if name_bytes > MAX_NAME_BYTES or names_bytes > MAX_NAMES_BYTES:
                raise BundleTooLarge(
                    f"a bundle's paths are at most {MAX_NAME_BYTES} bytes each and "
                    f"{MAX_NAMES_BYTES} in all"
                )
            # Stream mode keeps every TarInfo seen; nothing here needs them.
            archive.members.clear()  # type: ignore[attr-defined]


class _Archive:
    """Either kind of archive, with its members checked."""

    def __init__(self, data: bytes) -> None:
        self._tar: tarfile.TarFile | None = None
        self._zip: zipfile.ZipFile | None = None
        try:
            if data[:2] == b"\x1f\x8b":
                _scan_tar(data)
                # In memory: nothing to close but the object itself.
                self._tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")  # noqa: SIM115
                pairs: list[tuple[_Member, object]] = list(_tar_members(self._tar))
            elif data[:4] == b"PK\x03\x04":
                self._zip = zipfile.ZipFile(io.BytesIO(data))
                pairs = list(_zip_members(self._zip))
            else:
                raise BundleError("a bundle is a .tar.gz or .zip file")
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise BundleError(f"the bundle cannot be read: {exc}") from None
        if len(pairs) > MAX_FILES:
            raise BundleTooLarge(f"a bundle holds at most {MAX_FILES} entries")
        if sum(m.size for m, _ in pairs) > MAX_UNPACKED_BYTES:
            raise BundleTooLarge(f"a bundle unpacks to at most {MAX_UNPACKED_BYTES} bytes")
        self.members = pairs
        self.prefix = self._manifest_prefix()

    def _manifest_prefix(self) -> str:
        names = {m.name for m, _ in self.members if not m.is_dir}
        if MANIFEST_NAME in names:
            return ""
        tops = {m.name.split("/", 1)[0] for m, _ in self.members}
        if len(tops) == 1:
            top = tops.pop()
            if f"{top}/{MANIFEST_NAME}" in names:
                return top + "/"
        raise BundleError(f"the bundle has no {MANIFEST_NAME} at its top")

    def read(self, handle: object) -> bytes:
        if self._tar is not None:
            assert isinstance(handle, tarfile.TarInfo)
            stream = self._tar.extractfile(handle)
            return stream.read() if stream is not None else b""
        assert self._zip is not None and isinstance(handle, zipfile.ZipInfo)
        return self._zip.read(handle)

    def files(self) -> Iterator[tuple[str, object]]:
        """(path below the manifest's folder, handle) of every regular file."""
        for member, handle in self.members:
            if member.is_dir or not member.name.startswith(self.prefix):
                continue
            yield member.name[len(self.prefix) :], handle


def read_bundle(data: bytes, server_version: str, max_bytes: int) -> Manifest:
    """The manifest of a bundle that passes every check; BundleError otherwise."""
    if len(data) > max_bytes:
        raise BundleError(f"a bundle is at most {max_bytes} bytes")
    archive = _Archive(data)
    for name, handle in archive.files():
        if name == MANIFEST_NAME:
            raw = archive.read(handle)
            if len(raw) > MANIFEST_MAX_BYTES:
                raise BundleError("plugin.json is too large")
            try:
                return parse_manifest(orjson.loads(raw), server_version)
            except orjson.JSONDecodeError as exc:
                raise BundleError(f"plugin.json is not valid JSON: {exc}") from None
            except ManifestError as exc:
                raise BundleError(f"invalid plugin.json: {exc}") from None
    raise BundleError(f"the bundle has no {MANIFEST_NAME}")


def unpack(data: bytes, destination: Path) -> None:
    """Unpack into ``destination`` (made whole or not at all; another process doing the
    same at the same time is fine)."""
    if destination.is_dir():
        return
    archive = _Archive(data)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=destination.parent))
    try:
        for name, handle in archive.files():
            target = staging / posixpath.normpath(name)
            if staging not in target.parents:
                raise BundleError(f"unsafe path in the bundle: {name!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(handle))
            os.chmod(target, 0o644)
        try:
            staging.rename(destination)
        except OSError:
            if not destination.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
