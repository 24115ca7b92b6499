"""What the runtime knows of each plugin on this node: its state (as Mattermost reports
it), and the running plugin as the dispatch calls it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from roost.model.plugin import InstalledPlugin
from roost.plugin.base import Plugin
from roost.plugin.manifest import Manifest
from roost.plugins.host_client import HostProcess
from roost.plugins.rpc import RemoteError


class State(IntEnum):
    """Mattermost's plugin states (what /plugins/statuses reports)."""

    NOT_RUNNING = 0
    STARTING = 1
    RUNNING = 2
    FAILED_TO_START = 3
    FAILED_TO_STAY_RUNNING = 4
    STOPPING = 5


class HookFailed(Exception):
    def __init__(self, plugin_id: str, hook: str) -> None:
        super().__init__(f"plugin {plugin_id} failed in {hook}")
        self.plugin_id = plugin_id
        self.hook = hook


@dataclass(slots=True)
class Running:
    record: InstalledPlugin
    manifest: Manifest
    in_process: bool
    folder: str
    key: str
    settings: dict[str, Any]
    hooks: frozenset[str] = frozenset()
    instance: Plugin | None = None
    host: HostProcess | None = None

    @property
    def id(self) -> str:
        return self.record.id


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


def describe_failure(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, RemoteError | LookupError) else f"{type(exc).__name__}: {text}"


def status_row(record: InstalledPlugin, status: Status, mode: str, node_id: str) -> dict[str, Any]:
    """One plugin on one node, as /plugins/statuses reports it (Mattermost's fields and
    Roost's ``mode``: in_process or isolated)."""
    manifest = record.manifest
    return {
        "plugin_id": record.id,
        "cluster_id": node_id,
        "plugin_path": status.path,
        "state": int(status.state),
        "error": status.error,
        "name": manifest.get("name", ""),
        "description": manifest.get("description", ""),
        "version": manifest.get("version", ""),
        "mode": mode,
    }
