"""/api/v4/plugins: uploads and their validation, states, settings, permissions."""

from __future__ import annotations

import io
import json
import tarfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.plugins.bundles import (
    RUNNING,
    bundle,
    eventually,
    manifest,
    running,
    status,
    tar_gz,
    upload,
    wait_state,
    zip_file,
)
from tests.support.client import LoggedIn, expect

NOOP = """
from roost.plugin import Plugin

class Plugin(Plugin):
    pass
"""

SLOW_START = """
import asyncio
from roost.plugin import Plugin

class Plugin(Plugin):
    async def on_activate(self) -> None:
        await asyncio.sleep(2)
"""


def _files(plugin_id: str = "test.valid", **fields: object) -> dict[str, bytes | str]:
    return {"plugin.json": json.dumps(manifest(plugin_id, **fields)), "server.py": NOOP}


def _symlinked() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        data = json.dumps(manifest("test.link")).encode()
        info = tarfile.TarInfo("plugin.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("server.py")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    return out.getvalue()


BAD_BUNDLES = {
    "not an archive": (b"just some bytes", "a .tar.gz or .zip"),
    "no manifest": (tar_gz({"server.py": NOOP}), "no plugin.json"),
    "manifest not json": (tar_gz({"plugin.json": "{nope", "server.py": NOOP}), "not valid JSON"),
    "missing id": (tar_gz({"plugin.json": json.dumps({"name": "x", "version": "1.0.0"})}), "id"),
    "bad id": (tar_gz(_files("bad id!")), "id must be"),
    "bad version": (tar_gz(_files(version="one")), "not a version"),
    "newer server needed": (tar_gz(_files(min_server_version="99.0.0")), "needs server version"),
    "bad setting type": (
        tar_gz(_files(settings_schema={"settings": [{"key": "k", "type": "colour"}]})),
        "unknown type",
    ),
    "tar path traversal": (tar_gz({**_files(), "../escape.py": "x"}), "unsafe path"),
    "tar absolute path": (tar_gz({**_files(), "/tmp/abs.py": "x"}), "unsafe path"),
    "zip path traversal": (zip_file({**_files(), "../../escape.py": "x"}), "unsafe path"),
    "symlink": (_symlinked(), "links and special files"),
}


@pytest.mark.parametrize("case", sorted(BAD_BUNDLES))
def test_bad_bundles_are_rejected(plugin_admin: LoggedIn, case: str) -> None:
    data, reason = BAD_BUNDLES[case]
    error = expect(upload(plugin_admin, data), 400)
    assert error["id"] == "app.plugin.extract.app_error"
    assert reason in error["message"]


def test_bundle_size_limit(plugin_admin: LoggedIn) -> None:
    # The test server allows 256 KiB; random bytes do not compress.
    import os

    padding = os.urandom(300 * 1024)
    data = tar_gz({**_files("test.big"), "blob.bin": padding})
    assert len(data) > 256 * 1024
    error = expect(upload(plugin_admin, data), 413)
    assert error["id"] == "api.plugin.upload.file_too_large.app_error"


def test_upload_list_enable_disable_remove(plugin_admin: LoggedIn) -> None:
    plugin_id = "test.lifecycle"
    created = expect(upload(plugin_admin, bundle(plugin_id, NOOP, version="1.2.3")), 201)
    assert (created["id"], created["version"]) == (plugin_id, "1.2.3")
    again = upload(plugin_admin, bundle(plugin_id, NOOP), force=False)
    assert expect(again, 400)["id"] == "app.plugin.install_id.app_error"

    listed = expect(plugin_admin.api.get("/plugins"), 200)
    assert set(listed) == {"active", "inactive"}
    assert plugin_id in [m["id"] for m in listed["inactive"]]
    # Bundled plugins are always installed.
    everything = [m["id"] for m in listed["active"] + listed["inactive"]]
    assert {"roost.autolink", "roost.polls"} <= set(everything)

    expect(plugin_admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
    listed = expect(plugin_admin.api.get("/plugins"), 200)
    assert plugin_id in [m["id"] for m in listed["active"]]
    entry = wait_state(plugin_admin, plugin_id)
    assert (entry["version"], entry["mode"]) == ("1.2.3", "isolated")

    expect(plugin_admin.api.post(f"/plugins/{plugin_id}/disable"), 200)
    assert eventually(lambda: status(plugin_admin, plugin_id).get("state") == 0)
    expect(plugin_admin.api.delete(f"/plugins/{plugin_id}"), 200)
    assert eventually(lambda: status(plugin_admin, plugin_id) == {})
    missing = plugin_admin.api.post(f"/plugins/{plugin_id}/enable")
    assert expect(missing, 404)["id"] == "app.plugin.not_installed.app_error"
    bundled = plugin_admin.api.delete("/plugins/roost.polls")
    assert expect(bundled, 400)["id"] == "app.plugin.remove_bundled.app_error"
    clash = upload(plugin_admin, bundle("roost.polls", NOOP))
    assert expect(clash, 400)["id"] == "app.plugin.install_id_bundled.app_error"


def test_only_system_admins(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    user = make_plugin_user()
    for response in (
        user.api.get("/plugins"),
        user.api.get("/plugins/statuses"),
        upload(user, bundle("test.sneaky", NOOP)),
        user.api.post("/plugins/roost.polls/enable"),
        user.api.put("/plugins/roost.polls/settings", {"max_options": 3}),
    ):
        assert expect(response, 403)["id"] == "api.context.permissions.app_error"


def test_settings_are_checked_against_the_schema(plugin_admin: LoggedIn) -> None:
    api = plugin_admin.api
    assert expect(api.get("/plugins/roost.polls/settings"), 200) == {"max_options": 10}
    for bad in ({"max_options": "ten"}, {"colour": "red"}, ["not", "an", "object"]):
        error = expect(api.put("/plugins/roost.polls/settings", bad), 400)
        assert error["id"] in (
            "app.plugin.settings.app_error",
            "api.context.invalid_body_param.app_error",
        )
    assert expect(api.put("/plugins/roost.polls/settings", {"max_options": 4}), 200) == {
        "max_options": 4
    }
    assert expect(api.get("/plugins/roost.polls/settings"), 200) == {"max_options": 4}
    expect(api.put("/plugins/roost.polls/settings", {}), 200)
    assert expect(api.get("/plugins/roost.polls/settings"), 200) == {"max_options": 10}


def test_loading_never_blocks_requests(plugin_admin: LoggedIn) -> None:
    with running(plugin_admin, "test.noop", NOOP):
        pass
    expect(upload(plugin_admin, bundle("test.slow", SLOW_START, version="1.0.0")), 201)
    try:
        # The enable answers once the plugin runs (as Mattermost's does: issue 20.5);
        # while its on_activate takes 2 s, every other request answers at once.
        with ThreadPoolExecutor(1) as pool:
            enabling = pool.submit(plugin_admin.api.post, "/plugins/test.slow/enable")
            assert eventually(lambda: status(plugin_admin, "test.slow").get("state") == 1, 1.5)
            start = time.monotonic()
            expect(plugin_admin.api.get("/system/ping"), 200)
            expect(plugin_admin.api.get("/users/me"), 200)
            assert time.monotonic() - start < 0.5
            assert status(plugin_admin, "test.slow")["state"] == 1
            expect(enabling.result(timeout=15), 200)
        assert status(plugin_admin, "test.slow")["state"] == RUNNING
    finally:
        expect(plugin_admin.api.delete("/plugins/test.slow"), 200)


def test_uploads_are_off_by_default(server: str, admin: LoggedIn) -> None:
    error = expect(upload(admin, bundle("test.off", NOOP)), 501)
    assert error["id"] == "app.plugin.upload_disabled.app_error"
