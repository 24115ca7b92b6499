"""The shared plugin host: ONE process per node runs every untrusted plugin.

Started by the server as ``python -m roost.plugins.host`` with frames on stdin/stdout
(see ``wire``). It imports only the plugin API and the plugins themselves, so it stays
small. Anything a plugin prints goes to stderr, never into the frames.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from typing import Any

from roost.plugin.base import APIError, Plugin, Rejected, implemented_hooks
from roost.plugin.manifest import parse_manifest
from roost.plugin.types import Post
from roost.plugins.loader import forget, plugin_class
from roost.plugins.remote_api import RemoteAPI, RemoteFileContent
from roost.plugins.rpc import Peer, progress

STREAM_LIMIT = 1024 * 1024


@dataclass(slots=True)
class Loaded:
    plugin: Plugin
    key: str


def describe_error(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    if isinstance(exc, Rejected):
        return "rejected", exc.reason, {}
    if isinstance(exc, APIError):
        return "api", exc.message, {"status": exc.status, "id": exc.error_id}
    return "error", f"{type(exc).__name__}: {exc}", {}


class Host:
    def __init__(self) -> None:
        self.peer: Peer | None = None
        self._plugins: dict[str, Loaded] = {}

    async def handle(self, op: str, body: dict[str, Any]) -> Any:
        if op == "ping":
            return "pong"
        if op == "load":
            return await self._load(body)
        if op == "unload":
            return await self._unload(str(body["plugin"]))
        if op == "chain":
            return await self._chain(body)
        plugin = self._plugins[str(body["plugin"])].plugin
        if op == "configure":
            plugin.settings = dict(body["settings"])
            await plugin.on_configuration_change()
            return None
        if op == "hook":
            hook = str(body["hook"])
            if hook not in implemented_hooks(type(plugin)):
                raise ValueError(f"the plugin does not implement {hook}")
            args = list(body["args"])
            if hook == "file_will_be_uploaded":
                # The content stays in the server: a handle that reads it in chunks.
                assert self.peer is not None
                info, token = args
                args[1] = RemoteFileContent(self.peer, str(body["plugin"]), token, info.size)
            return await getattr(plugin, hook)(*args)
        raise ValueError(f"unknown operation {op!r}")

    async def _load(self, body: dict[str, Any]) -> list[str]:
        assert self.peer is not None
        plugin_id = str(body["plugin"])
        cls = plugin_class(body["module"], body["class"], body["folder"], body["key"])
        plugin = cls()
        plugin.api = RemoteAPI(self.peer, plugin_id)
        plugin.manifest = parse_manifest(body["manifest"], body["server_version"])
        plugin.settings = dict(body["settings"])
        await plugin.on_activate()
        self._plugins[plugin_id] = Loaded(plugin, body["key"])
        return sorted(implemented_hooks(cls))

    async def _chain(self, body: dict[str, Any]) -> dict[str, Any]:
        """A before-hook through several plugins in one call, each seeing the previous
        one's post. A failing plugin is skipped (or, if fail-closed, stops the chain);
        a progress note before each plugin says how far the chain got."""
        hook = str(body["hook"])
        value, *extra = body["args"]
        closed = set(body.get("closed") or ())
        each = float(body["each_seconds"])
        failed: list[list[str]] = []
        noted = value
        for plugin_id in body["plugins"]:
            note: dict[str, Any] = {"at": plugin_id}
            if value is not noted:
                note["value"] = noted = value
            progress(note)
            loaded = self._plugins.get(plugin_id)
            try:
                if loaded is None:
                    raise LookupError(f"{plugin_id} is not loaded")
                async with asyncio.timeout(each):
                    result = await getattr(loaded.plugin, hook)(value, *extra)
            except Rejected as exc:
                return {"rejected": exc.reason, "plugin": plugin_id, "failed": failed}
            except Exception as exc:
                failed.append([plugin_id, describe_error(exc)[1]])
                if plugin_id in closed:
                    return {"stopped": plugin_id, "failed": failed}
                continue
            if isinstance(result, Post):
                value = result
        return {"value": value, "failed": failed}

    async def _unload(self, plugin_id: str) -> None:
        loaded = self._plugins.pop(plugin_id, None)
        if loaded is None:
            return
        try:
            await loaded.plugin.on_deactivate()
        finally:
            forget(loaded.key)


async def serve() -> None:
    frames_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # print() in a plugin now goes to stderr
    sys.stdout = sys.stderr
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=STREAM_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, frames_out
    )
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    host = Host()
    host.peer = Peer(reader, writer, host.handle, describe_error)
    await host.peer.run()


if __name__ == "__main__":
    asyncio.run(serve())
