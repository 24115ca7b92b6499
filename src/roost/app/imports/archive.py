"""Reading an import file safely: a bare JSONL file, or a zip holding the JSONL (or, for
Slack, its JSON files) and the attachments.

The zip's directory is checked before anything is read: a member whose name climbs out
of the archive (``../``, an absolute path, a drive letter: zip-slip) or whose declared
size is past the limits (zip bombs: each member, the whole archive, and the ratio of a
member's size to its compressed size) makes the archive refused; a truncated or corrupt
archive is refused by name. Python's zip reader never yields more than a member's
declared size, so checking the directory bounds what is inflated. Lines are read one at
a time, never the whole file."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_RATIO = 200  # a member inflating more than this is treated as a bomb


class ArchiveError(ValueError):
    """The archive itself cannot be read (not one line of it)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_total_bytes: int = 50 * 1024**3
    max_attachment_bytes: int = 100 * 1024 * 1024


def safe_name(name: str) -> str | None:
    """The member's path if it stays inside the archive, else None."""
    if "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name).parts
    if not parts or ".." in parts:
        return None
    return "/".join(p for p in parts if p != ".")


class Source:
    """An opened import file. ``lines`` streams a JSONL member (or the bare file);
    ``read`` fetches an attachment, refusing any past the size limit."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] = {}
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            self._open_zip()
        elif not path.is_file():
            raise ArchiveError(f"{path.name}: no such file")

    def _open_zip(self) -> None:
        try:
            archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(f"{self.path.name}: not a readable zip archive ({exc})") from None
        total = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = safe_name(info.filename)
            if name is None:
                archive.close()
                raise ArchiveError(f"{self.path.name}: member {info.filename!r} leaves the archive")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO and info.file_size > 1024 * 1024:
                archive.close()
                raise ArchiveError(
                    f"{self.path.name}: member {name!r} inflates {ratio:.0f} times (a zip bomb?)"
                )
            self._members[name] = info
        if total > self.limits.max_total_bytes:
            archive.close()
            raise ArchiveError(
                f"{self.path.name}: {total} bytes unpacked, past the limit of "
                f"{self.limits.max_total_bytes}"
            )
        self._zip = archive

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def names(self) -> list[str]:
        return sorted(self._members)

    def jsonl_name(self) -> str:
        """The JSONL member of a Mattermost archive (the first at its root)."""
        if self._zip is None:
            return self.path.name
        found = [n for n in self._members if n.endswith(".jsonl") and "/" not in n]
        found = found or [n for n in self._members if n.endswith(".jsonl")]
        if not found:
            raise ArchiveError(f"{self.path.name}: no .jsonl file in the archive")
        return sorted(found)[0]

    def label(self, member: str) -> str:
        return f"{self.path.name}!{member}" if self._zip is not None else self.path.name

    def _open(self, member: str) -> IO[bytes]:
        if self._zip is None:
            return self.path.open("rb")
        return self._zip.open(self._members[member])

    def lines(self, member: str) -> Iterator[tuple[int, bytes]]:
        """(line number, line) for every non-blank line; a line past MAX_LINE_BYTES is
        yielded cut short (the JSON check then reports it)."""
        try:
            with self._open(member) as reader:
                number = 0
                while True:
                    line = reader.readline(MAX_LINE_BYTES + 1)
                    if not line:
                        return
                    number += 1
                    if len(line) > MAX_LINE_BYTES:
                        while line and not line.endswith(b"\n"):
                            line = reader.readline(MAX_LINE_BYTES)
                        yield number, b"\x00too long"
                        continue
                    if line.strip():
                        yield number, line
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ArchiveError(f"{self.label(member)}: cannot be read to the end ({exc})") from None

    def read_member(self, member: str) -> bytes:
        """A whole small member (Slack's JSON files)."""
        try:
            with self._open(member) as f:
                return f.read()
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ArchiveError(f"{self.label(member)}: cannot be read ({exc})") from None

    def attachment_problem(self, path: str) -> str | None:
        """Why the attachment at ``path`` cannot be imported, or None."""
        name = safe_name(path)
        if name is None:
            return f"attachment path {path!r} leaves the archive"
        size = self._size(name)
        if size is None:
            return f"attachment {path!r} is not in the archive"
        if size > self.limits.max_attachment_bytes:
            return (
                f"attachment {path!r} is {size} bytes, past the limit of "
                f"{self.limits.max_attachment_bytes}"
            )
        return None

    def _size(self, name: str) -> int | None:
        if self._zip is not None:
            info = self._members.get(name)
            return None if info is None else info.file_size
        target = self.path.parent / name
        return target.stat().st_size if target.is_file() else None

    def read_attachment(self, path: str) -> bytes:
        name = safe_name(path)
        problem = self.attachment_problem(path)
        if problem is not None or name is None:
            raise ArchiveError(problem or path)
        if self._zip is not None:
            return self.read_member(name)
        return (self.path.parent / name).read_bytes()
