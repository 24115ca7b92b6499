"""Installed server plugins as the admin service and the runtime pass them around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BUNDLED = "bundled"
UPLOADED = "uploaded"


@dataclass(slots=True)
class InstalledPlugin:
    id: str
    source: str  # BUNDLED (shipped with Roost) or UPLOADED (a bundle in the database)
    manifest: dict[str, Any]
    enabled: bool = False
    trusted: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    bundle_sha256: str = ""
    update_at: int = 0
