"""Uploading through the public API, test images, and looking at what a server stored.

upload(user, channel_id, ("notes.txt", b"hi"))             # multipart, as the drivers do
upload_raw(user, channel_id, "notes.txt", b"hi")           # ?channel_id=&filename=, raw body
png(300, 200); jpeg(300, 200, orientation=6)               # real images, made with Pillow
StoreServer: a server whose data directory, database and bucket the test can inspect.
"""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import text

from roost.store.db.database import Database
from roost.tenancy.scope import across_tenants
from tests.support.client import LoggedIn, expect
from tests.support.s3 import MotoS3

FilePart = tuple[str, bytes] | tuple[str, bytes, str]


def upload_response(
    user: LoggedIn,
    channel_id: str,
    *files: FilePart,
    client_ids: Sequence[str] = (),
) -> httpx.Response:
    """POST /files with channel_id (and client_ids) as form fields before the files."""
    data: dict[str, Any] = {"channel_id": channel_id}
    if client_ids:
        data["client_ids"] = list(client_ids)
    parts = [("files", f) for f in files]
    return user.api.http.post("/files", data=data, files=parts)


def upload(user: LoggedIn, channel_id: str, *files: FilePart) -> list[dict[str, Any]]:
    """Upload files; their FileInfos."""
    body = expect(upload_response(user, channel_id, *files), 201)
    infos: list[dict[str, Any]] = body["file_infos"]
    return infos


def upload_one(
    user: LoggedIn, channel_id: str, name: str = "notes.txt", data: bytes = b"hi"
) -> dict[str, Any]:
    return upload(user, channel_id, (name, data))[0]


def upload_raw(
    user: LoggedIn, channel_id: str, filename: str, data: bytes, **params: str
) -> httpx.Response:
    return user.api.http.post(
        "/files",
        params={"channel_id": channel_id, "filename": filename, **params},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )


def multipart_body(parts: Sequence[tuple[str, str | None, bytes]], boundary: str) -> bytes:
    """A multipart/form-data body from (name, filename or None for a field, content),
    in the given order: tests choose orders the HTTP libraries would not."""
    out = io.BytesIO()
    for name, filename, content in parts:
        out.write(f"--{boundary}\r\n".encode())
        disposition = f'Content-Disposition: form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out.write(disposition.encode() + b"\r\n")
        if filename is not None:
            out.write(b"Content-Type: application/octet-stream\r\n")
        out.write(b"\r\n" + content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def post_multipart(
    user: LoggedIn, parts: Sequence[tuple[str, str | None, bytes]], **params: str
) -> httpx.Response:
    boundary = "roost-test-boundary-7d1a"
    return user.api.http.post(
        "/files",
        params=params,
        content=multipart_body(parts, boundary),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


# Images.


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "red").save(out, "PNG")
    return out.getvalue()


def jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    img = Image.new("RGB", (width, height), "blue")
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def gif(width: int, height: int, frames: int = 1) -> bytes:
    colours = ["red", "green", "blue", "yellow"]
    images = [Image.new("RGB", (width, height), colours[i % 4]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=frames > 1, append_images=images[1:])
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims any size (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.size


# A server whose storage the test can look at.


@dataclass
class StoreServer:
    base: str
    data_dir: Path
    database_url: str
    s3: MotoS3 | None = None
    bucket: str = ""

    def objects(self) -> set[str]:
        """Every stored object: files on disk, or keys in the bucket."""
        if self.s3 is not None:
            return self.s3.keys(self.bucket)
        root = self.data_dir / "files"
        if not root.exists():
            return set()
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    def temp_files(self) -> list[Path]:
        return sorted((self.data_dir / "tmp" / "uploads").glob("*"))

    def file_rows(self) -> int:
        return asyncio.run(_count_rows(self.database_url))


async def _count_rows(url: str) -> int:
    db = Database(url, pool_size=1)
    try:
        with across_tenants():
            async with db.read() as conn:
                rows = await conn.execute(text("SELECT COUNT(*) FROM file_infos"))
                return int(rows.scalar_one())
    finally:
        await db.close()
