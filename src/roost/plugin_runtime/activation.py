"""Bringing one plugin instance to life on this node: its unpacked bundle, its class
imported and activated in this process, or the message that has the shared host load it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from roost.app.plugins.plugins import Plugins
from roost.model.plugin import InstalledPlugin
from roost.plugin.base import implemented_hooks
from roost.plugin_runtime import bundle, loader
from roost.plugin_runtime.server_api import ServerAPI
from roost.plugin_runtime.state import Running


async def unpack(plugins: Plugins, tenant_id: str, root: Path, record: InstalledPlugin) -> str:
    """The folder holding the plugin's bundle, unpacked once per node and version (the
    folder is named by the bundle's digest, so tenants with the same bundle share it)."""
    folder = root / record.id / record.bundle_sha256
    if not folder.is_dir():
        data = await plugins.bundle(tenant_id, record.id, record.bundle_sha256)
        if data is None:
            raise LookupError("its bundle is no longer stored")
        await asyncio.to_thread(bundle.unpack, data, folder)
    return str(folder)


async def activate_here(running: Running, api: ServerAPI) -> None:
    m = running.manifest
    # Imported in a thread: several plugins load at once and requests keep flowing.
    cls = await asyncio.to_thread(
        loader.plugin_class, m.server_module, m.server_class, running.folder, running.module_key
    )
    try:
        instance = cls()
        instance.api = api
        instance.manifest = m
        instance.settings = dict(running.settings)
        await instance.on_activate()
    except BaseException:  # the module is not kept for an instance that never ran
        if running.folder:
            loader.forget(running.module_key)
        raise
    running.instance = instance
    running.hooks = implemented_hooks(cls)


def load_body(running: Running, server_version: str) -> dict[str, Any]:
    """The shared host's ``load`` request for the instance."""
    m = running.manifest
    return {
        "instance": running.key,
        "module": m.server_module,
        "class": m.server_class,
        "folder": running.folder,
        "key": running.module_key,
        "manifest": m.raw,
        "settings": running.settings,
        "server_version": server_version,
    }
