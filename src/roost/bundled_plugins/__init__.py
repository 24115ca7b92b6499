"""Plugins that ship with Roost: always installed and trusted (they run in the server
process), off until an admin enables them. Each is a package holding a plugin.json."""

from __future__ import annotations

import functools
from importlib import resources

import orjson

from roost import MATTERMOST_COMPAT_VERSION
from roost.plugin.manifest import Manifest, parse_manifest

PACKAGES = ("autolink", "polls")


@functools.cache
def catalog() -> dict[str, Manifest]:
    found = {}
    for package in PACKAGES:
        raw = resources.files(f"{__name__}.{package}").joinpath("plugin.json").read_bytes()
        manifest = parse_manifest(orjson.loads(raw), MATTERMOST_COMPAT_VERSION)
        found[manifest.id] = manifest
    return found
