"""An uploaded file's name, extension and type, from the name the client sent.

Names are cleaned, not trusted: only the last path component is kept (old browsers
sent whole Windows paths), control and bidirectional-override characters are dropped
(they disguise extensions: "txt.exe" shown as "exe.txt"). The name is only ever shown
back to clients; objects are stored by id.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata

from roost.app.files.errors import bad_file_name

MAX_NAME_CHARS = 255
OCTET_STREAM = "application/octet-stream"
# Bidirectional controls: marks, embeddings, overrides and isolates.
_BIDI = frozenset(chr(c) for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_SEPARATORS = re.compile(r"[/\\]")
# Python's built-in table only (never the machine's /etc/mime.types), so every node
# answers alike; a few common types it lacks are added.
_TYPES = mimetypes.MimeTypes()
_EXTRA_TYPES = {
    "gz": "application/gzip",
    "tgz": "application/gzip",
    "bz2": "application/x-bzip2",
    "xz": "application/x-xz",
    "7z": "application/x-7z-compressed",
    "md": "text/markdown",
    "webp": "image/webp",
    "jpg": "image/jpeg",
}


def clean_name(raw: str) -> str:
    name = _SEPARATORS.split(raw)[-1]
    name = "".join(
        ch for ch in name if unicodedata.category(ch) != "Cc" and ch not in _BIDI
    ).strip()
    if name in ("", ".", ".."):
        raise bad_file_name("the file name is empty once path and control characters are removed")
    if len(name) > MAX_NAME_CHARS:
        raise bad_file_name(f"file names are at most {MAX_NAME_CHARS} characters")
    return name


def extension(name: str) -> str:
    """The lower-cased text after the last dot, as Mattermost reports it ("" if none)."""
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def mime_type(name: str) -> str:
    ext = extension(name)
    if not ext:
        return OCTET_STREAM
    return (
        _EXTRA_TYPES.get(ext)
        or _TYPES.types_map[True].get(f".{ext}")
        or _TYPES.types_map[False].get(f".{ext}")
        or OCTET_STREAM
    )
