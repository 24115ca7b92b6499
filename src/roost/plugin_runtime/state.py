"""What the runtime knows of each plugin instance on this node: its state (as Mattermost
reports it), and the running instance as the dispatch calls it.

An instance is one plugin enabled in one tenant: tenants that enable the same plugin
get one instance each (their own settings, commands and failures), and a tenant that
enables none has none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from roost.app.kernel.errors import AppError
from roost.model.plugin import InstalledPlugin
from roost.plugin.base import Plugin
from roost.plugin.manifest import Manifest
from roost.plugin_runtime.host_client import HostProcess
from roost.plugin_runtime.rpc import RemoteError


class State(IntEnum):
    """Mattermost's plugin states (what /plugins/statuses reports)."""

    NOT_RUNNING = 0
    STARTING = 1
    RUNNING = 2
    FAILED_TO_START = 3
    FAILED_TO_STAY_RUNNING = 4
    STOPPING = 5


def instance_key(tenant_id: str, plugin_id: str) -> str:
    """How the runtime, the dispatch and the plugin host name one plugin in one tenant
    (a plugin id has no "/")."""
    return f"{tenant_id}/{plugin_id}"


class HookFailed(Exception):
    def __init__(self, plugin_id: str, hook: str) -> None:
        super().__init__(f"plugin {plugin_id} failed in {hook}")
        self.plugin_id = plugin_id
        self.hook = hook


class HookBusy(HookFailed):
    """Admission control refused the call: the plugin already has as much work as it can
    answer within the timeout. Not the plugin's failure (not counted against it); a
    fail-open hook is skipped, anything else is refused with ``busy`` (503, Retry-After)."""

    def __init__(self, plugin_id: str, hook: str, busy: AppError) -> None:
        super().__init__(plugin_id, hook)
        self.busy = busy


@dataclass(slots=True)
class Running:
    tenant_id: str
    record: InstalledPlugin
    manifest: Manifest
    in_process: bool
    folder: str
    module_key: str  # the plugin's code: its id and bundle digest (shared by tenants)
    settings: dict[str, Any]
    hooks: frozenset[str] = frozenset()
    instance: Plugin | None = None
    host: HostProcess | None = None

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def key(self) -> str:
        return instance_key(self.tenant_id, self.record.id)


@dataclass(slots=True)
class ChainOutcome:
    """What a run of plugins in one host made of a before-hook."""

    value: Any
    rejected: str | None = None  # the reason, when a plugin refused
    stopped: str = ""  # a fail-closed plugin that failed: the change is refused


@dataclass(slots=True)
class Status:
    state: State
    error: str = ""
    path: str = ""
    mode: str = ""  # in_process or isolated, once known

    def to_dict(self) -> dict[str, Any]:
        return {"state": int(self.state), "error": self.error, "path": self.path, "mode": self.mode}


def describe_failure(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, RemoteError | LookupError) else f"{type(exc).__name__}: {text}"


def expected_mode(record: InstalledPlugin) -> str:
    """Where the plugin runs (or would): in_process or isolated."""
    isolated = bool(record.manifest.get("needs_isolation")) or not record.trusted
    return "isolated" if isolated else "in_process"


def status_row(record: InstalledPlugin, status: dict[str, Any], node_id: str) -> dict[str, Any]:
    """One plugin on one node, as /plugins/statuses reports it (Mattermost's fields and
    Roost's ``mode``: in_process or isolated). ``status`` is the node's ``Status.to_dict``
    for the tenant's instance, or empty when the node runs none."""
    manifest = record.manifest
    return {
        "plugin_id": record.id,
        "cluster_id": node_id,
        "plugin_path": str(status.get("path", "")),
        "state": int(status.get("state", State.NOT_RUNNING)),
        "error": str(status.get("error", "")),
        "name": manifest.get("name", ""),
        "description": manifest.get("description", ""),
        "version": manifest.get("version", ""),
        "mode": str(status.get("mode") or expected_mode(record)),
    }
