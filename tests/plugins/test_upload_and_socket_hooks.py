"""``file_will_be_uploaded`` (refuse, rename, change the content; chained in id order
across both modes; fail-open and fail-closed; the isolated size limit) and the WebSocket
connect/disconnect hooks, which run off the socket's path."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import ExitStack

import httpx

from tests.plugins.bundles import eventually, running
from tests.support.client import LoggedIn, expect
from tests.support.files import upload_one, upload_response
from tests.support.posting import make_room
from tests.support.ws import WsClient

# Upper-cases the content and marks the name; refuses .exe files.
SHOUT = """
from roost.plugin import FileContent, FileInfo, Plugin, Rejected

class Plugin(Plugin):
    async def file_will_be_uploaded(self, info: FileInfo, content: FileContent) -> FileInfo:
        if info.name.endswith(".exe"):
            raise Rejected("no programs, please")
        data = await content.read()
        await content.replace(data.upper())
        stem, _, ext = info.name.rpartition(".")
        info.name = f"{stem}-a.{ext}"
        return info
"""

# Reads in small pieces (seeing the previous plugin's content), appends its tag.
APPEND = """
from roost.plugin import FileContent, FileInfo, Plugin

class Plugin(Plugin):
    async def file_will_be_uploaded(self, info: FileInfo, content: FileContent) -> FileInfo:
        parts = []
        while chunk := await content.read(2):
            parts.append(chunk)
        await content.replace(b"".join(parts) + f" B({info.size})".encode())
        stem, _, ext = info.name.rpartition(".")
        info.name = f"{stem}-b.{ext}"
        return info
"""

# Names the file after the content's digest (read whole: many chunked calls when
# isolated), or after what replacing it with too much gave.
DIGEST = """
import hashlib
from roost.plugin import APIError, FileContent, FileInfo, Plugin
from roost.plugin.files import ISOLATED_REPLACE_MAX_BYTES

class Plugin(Plugin):
    async def file_will_be_uploaded(self, info: FileInfo, content: FileContent) -> FileInfo:
        if info.name == "too-much.txt":
            try:
                await content.replace(b"x" * (ISOLATED_REPLACE_MAX_BYTES + 1))
            except APIError as exc:
                info.name = f"refused-{exc.status}.txt"
            return info
        digest = hashlib.sha256(await content.read()).hexdigest()
        info.name = f"{digest}.bin"
        return info
"""

BROKEN = """
from roost.plugin import FileContent, FileInfo, Plugin

class Plugin(Plugin):
    async def file_will_be_uploaded(self, info: FileInfo, content: FileContent) -> FileInfo:
        raise RuntimeError("broken")
"""


def test_upload_hooks_chain_across_modes(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    with ExitStack() as stack:
        # a in the shared host, b in process: b sees a's content and name.
        stack.enter_context(running(plugin_admin, "test.file-a", SHOUT))
        stack.enter_context(running(plugin_admin, "test.file-b", APPEND, trusted=True))
        info = upload_one(room.alice, room.channel_id, "notes.txt", b"hello files")
        assert info["name"] == "notes-a-b.txt" and info["extension"] == "txt"
        stored = b"HELLO FILES B(11)"
        assert info["size"] == len(stored)
        assert expect(room.alice.api.get(f"/files/{info['id']}"), 200) == stored

        refused = upload_response(room.alice, room.channel_id, ("setup.exe", b"MZ..."))
        error = expect(refused, 400)
        assert error["message"] == "File rejected by plugin. no programs, please"
    # Gone with the plugins.
    assert upload_one(room.alice, room.channel_id, "x.txt", b"plain")["name"] == "x.txt"


def test_isolated_plugin_reads_a_large_file_in_chunks_and_has_a_replace_limit(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    data = bytes(range(256)) * (3 * 4096 + 7)  # 3 MB and a bit: four chunked reads
    with running(plugin_admin, "test.file-digest", DIGEST):
        info = upload_one(room.alice, room.channel_id, "big.bin", data)
        assert info["name"] == f"{hashlib.sha256(data).hexdigest()}.bin"
        assert info["size"] == len(data)
        limited = upload_one(room.alice, room.channel_id, "too-much.txt", b"small")
        assert limited["name"] == "refused-413.txt" and limited["size"] == 5
        assert expect(room.alice.api.get(f"/files/{limited['id']}"), 200) == b"small"


def test_upload_hook_fail_open_and_fail_closed(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    with running(plugin_admin, "test.file-broken", BROKEN):
        # Fail-open (the default): the file goes in as it came.
        info = upload_one(room.alice, room.channel_id, "kept.txt", b"as sent")
        assert info["name"] == "kept.txt"
        assert expect(room.alice.api.get(f"/files/{info['id']}"), 200) == b"as sent"
    with running(plugin_admin, "test.file-closed", BROKEN, trusted=True):
        refused = upload_response(room.alice, room.channel_id, ("x.txt", b"data"))
        assert expect(refused, 503)["id"] == "app.plugin.hook_failed.app_error"


# Records each socket opening and closing in its KV store. The connect hook first waits
# (up to 0.4 s, within the hook timeout) for the test to say "released": the test can only do that after the
# socket said hello and answered a ping, so a hook on the socket's path would never see it.
SOCKETS = """
import asyncio, json
from roost.plugin import HttpRequest, HttpResponse, Plugin

class Plugin(Plugin):
    async def on_websocket_connect(self, user_id: str, connection_id: str) -> None:
        for _ in range(20):
            if await self.api.kv_get("released:" + user_id):
                break
            await asyncio.sleep(0.02)
        released = bool(await self.api.kv_get("released:" + user_id))
        note = {"user": user_id, "released_first": released}
        await self.api.kv_set("open:" + connection_id, json.dumps(note).encode())

    async def on_websocket_disconnect(self, user_id: str, connection_id: str) -> None:
        await self.api.kv_set("closed:" + connection_id, json.dumps(user_id).encode())

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        args = json.loads(request.body or b"{}")
        if request.path == "/release":
            await self.api.kv_set("released:" + args["user"], b"1")
            return HttpResponse(body=b"{}")
        value = await self.api.kv_get(args["key"])
        return HttpResponse(body=value or b"null")
"""


def test_websocket_hooks_run_off_the_socket_path(
    plugin_server: str, plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    user = make_plugin_user()

    def call(path: str, body: dict[str, str]) -> object:
        r = httpx.post(f"{plugin_server}/plugins/test.sockets{path}", json=body, timeout=10)
        return expect(r, 200)

    # Trusted: in process, where a slow hook could most easily hold a socket up.
    with running(plugin_admin, "test.sockets", SOCKETS, trusted=True):
        ws = WsClient(plugin_server, user.token)
        try:
            hello = ws.wait_for("hello", timeout=1.5)
            connection_id = hello["data"]["connection_id"]
            ws.wait_reply(ws.send("ping"), timeout=1.5)
            call("/release", {"user": user.id})
            assert eventually(lambda: call("/get", {"key": f"open:{connection_id}"}) is not None)
            opened = call("/get", {"key": f"open:{connection_id}"})
            assert opened == {"user": user.id, "released_first": True}
        finally:
            ws.ws.close()
        assert eventually(lambda: call("/get", {"key": f"closed:{connection_id}"}) is not None)
        assert call("/get", {"key": f"closed:{connection_id}"}) == user.id
