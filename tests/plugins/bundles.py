"""Plugin bundles built in the tests, and installing them through the admin API."""

from __future__ import annotations

import io
import json
import tarfile
import textwrap
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from tests.support.client import LoggedIn, expect

RUNNING = 2


def manifest(plugin_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": plugin_id, "name": plugin_id, "version": "0.1.0", **fields}


def tar_gz(files: Mapping[str, bytes | str], top: str = "") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"{top}{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zip_file(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def bundle(plugin_id: str, source: str, **manifest_fields: Any) -> bytes:
    """A .tar.gz with plugin.json and a one-module package ``server`` (class Plugin)."""
    files = {
        "plugin.json": json.dumps(manifest(plugin_id, **manifest_fields)),
        "server/__init__.py": textwrap.dedent(source),
    }
    return tar_gz(files, top=f"{plugin_id}/")


def upload(admin: LoggedIn, data: bytes, trusted: bool = False, force: bool = True) -> Any:
    fields = {"force": "true" if force else "false", "trusted": "true" if trusted else "false"}
    files = {"plugin": ("plugin.tar.gz", data, "application/gzip")}
    return admin.api.post("/plugins", files=files, data=fields)


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def status(admin: LoggedIn, plugin_id: str) -> dict[str, Any]:
    for entry in expect(admin.api.get("/plugins/statuses"), 200):
        if entry["plugin_id"] == plugin_id:
            found: dict[str, Any] = entry
            return found
    return {}


def wait_state(admin: LoggedIn, plugin_id: str, state: int = RUNNING) -> dict[str, Any]:
    assert eventually(lambda: status(admin, plugin_id).get("state") == state), status(
        admin, plugin_id
    )
    return status(admin, plugin_id)


@contextmanager
def running(
    admin: LoggedIn, plugin_id: str, source: str, trusted: bool = False, **manifest_fields: Any
) -> Iterator[None]:
    """Install and enable a plugin for the length of a test; remove it after."""
    expect(upload(admin, bundle(plugin_id, source, **manifest_fields), trusted=trusted), 201)
    expect(admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
    try:
        wait_state(admin, plugin_id)
        yield
    finally:
        expect(admin.api.delete(f"/plugins/{plugin_id}"), 200)
        assert eventually(lambda: status(admin, plugin_id) == {})
