"""A plugin bundle is read as a stream and refused (413, Mattermost's format) at the
first entry past a limit: entry count, header bytes, path lengths, compression ratio."""

from __future__ import annotations

import io
import json
import tarfile
from typing import Any

from roost.plugin_runtime.bundle import (
    MAX_COMPRESSION_RATIO,
    MAX_FILES,
    MAX_HEADER_BYTES,
    MAX_NAME_BYTES,
)
from tests.plugins.bundles import bundle, manifest, upload
from tests.support.client import LoggedIn, expect, unique

TOO_LARGE = "api.plugin.upload.file_too_large.app_error"
NOOP = """
from roost.plugin import Plugin

class Plugin(Plugin):
    pass
"""


def tar_gz(entries: list[tuple[tarfile.TarInfo, bytes]], fmt: int = tarfile.GNU_FORMAT) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=fmt, compresslevel=9) as archive:
        for info, data in entries:
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def with_manifest(plugin_id: str, *more: tuple[tarfile.TarInfo, bytes]) -> bytes:
    files = [
        (tarfile.TarInfo("plugin.json"), json.dumps(manifest(plugin_id)).encode()),
        (tarfile.TarInfo("server/__init__.py"), NOOP.encode()),
        *more,
    ]
    return tar_gz(files, fmt=tarfile.PAX_FORMAT)


def refused(admin: LoggedIn, data: bytes, words: str) -> dict[str, Any]:
    body: dict[str, Any] = expect(upload(admin, data), 413)
    assert body["id"] == TOO_LARGE
    assert words in body["message"], body["message"]
    return body


def test_too_many_entries(plugin_admin: LoggedIn) -> None:
    plugin_id = f"test.many{unique('')[:6]}"
    empties = [(tarfile.TarInfo(f"e{i}"), b"") for i in range(MAX_FILES + 500)]
    refused(plugin_admin, with_manifest(plugin_id, *empties), f"at most {MAX_FILES} entries")
    assert plugin_id not in str(expect(plugin_admin.api.get("/plugins"), 200))


def test_bloated_headers_and_names(plugin_admin: LoggedIn) -> None:
    plugin_id = f"test.headers{unique('')[:6]}"
    # pax records ride in each entry's header: a few large ones pass the header budget.
    padded = []
    for i in range(MAX_HEADER_BYTES // (256 * 1024) + 2):
        info = tarfile.TarInfo(f"pad{i}")
        info.pax_headers = {"comment": "x" * (256 * 1024)}
        padded.append((info, b""))
    refused(plugin_admin, with_manifest(plugin_id, *padded), "headers are at most")
    long_name = tarfile.TarInfo("d/" + "n" * (MAX_NAME_BYTES + 10))
    refused(plugin_admin, with_manifest(plugin_id, (long_name, b"")), "paths are at most")


def test_compression_ratio(plugin_admin: LoggedIn) -> None:
    plugin_id = f"test.ratio{unique('')[:6]}"
    zeros = (tarfile.TarInfo("server/blob.bin"), b"\0" * (24 * 1024 * 1024))
    refused(plugin_admin, with_manifest(plugin_id, zeros), f"at most {MAX_COMPRESSION_RATIO} times")


def test_an_ordinary_bundle_still_installs(plugin_admin: LoggedIn) -> None:
    plugin_id = f"test.fine{unique('')[:6]}"
    expect(upload(plugin_admin, bundle(plugin_id, NOOP)), 201)
    expect(plugin_admin.api.delete(f"/plugins/{plugin_id}"), 200)
