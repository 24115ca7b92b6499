"""The shared plugin host: ONE process per node runs every untrusted plugin instance,
of every tenant.

Started by the server as ``python -m roost.plugin_runtime.host`` with frames on stdin/stdout
(see ``wire``). It imports only the plugin API and the plugins themselves, so it stays
small. Anything a plugin prints goes to stderr, never into the frames. Instances are
named by the server (``tenant/plugin``); instances of one plugin version share its
module (see ``loader``).
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
from roost.plugin_runtime.loader import forget, plugin_class
from roost.plugin_runtime.remote_api import RemoteAPI, RemoteFileContent
from roost.plugin_runtime.rpc import Peer, progress

STREAM_LIMIT = 1024 * 1024


@dataclass(slots=True)
class Loaded:
    plugin: Plugin
    key: str
    uploaded: bool  # its module came from a bundle (and is dropped with its last user)


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
            return await self._unload(str(body["instance"]))
        if op == "chain":
            return await self._chain(body)
        plugin = self._plugins[str(body["instance"])].plugin
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
                args[1] = RemoteFileContent(self.peer, str(body["instance"]), token, info.size)
            return await getattr(plugin, hook)(*args)
        raise ValueError(f"unknown operation {op!r}")

    async def _load(self, body: dict[str, Any]) -> list[str]:
        assert self.peer is not None
        instance = str(body["instance"])
        # Loaded already (a load the server gave up waiting for): the new one replaces it.
        await self._unload(instance)
        cls = plugin_class(body["module"], body["class"], body["folder"], body["key"])
        try:
            plugin = cls()
            plugin.api = RemoteAPI(self.peer, instance)
            plugin.manifest = parse_manifest(body["manifest"], body["server_version"])
            plugin.settings = dict(body["settings"])
            await plugin.on_activate()
        except BaseException:
            if body["folder"]:
                forget(body["key"])
            raise
        self._plugins[instance] = Loaded(plugin, body["key"], bool(body["folder"]))
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
        for instance in body["instances"]:
            note: dict[str, Any] = {"at": instance}
            if value is not noted:
                note["value"] = noted = value
            progress(note)
            loaded = self._plugins.get(instance)
            try:
                if loaded is None:
                    raise LookupError(f"{instance} is not loaded")
                async with asyncio.timeout(each):
                    result = await getattr(loaded.plugin, hook)(value, *extra)
            except Rejected as exc:
                return {"rejected": exc.reason, "instance": instance, "failed": failed}
            except Exception as exc:
                failed.append([instance, describe_error(exc)[1]])
                if instance in closed:
                    return {"stopped": instance, "failed": failed}
                continue
            if isinstance(result, Post):
                value = result
        return {"value": value, "failed": failed}

    async def _unload(self, instance: str) -> None:
        loaded = self._plugins.pop(instance, None)
        if loaded is None:
            return
        try:
            await loaded.plugin.on_deactivate()
        finally:
            if loaded.uploaded:
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
