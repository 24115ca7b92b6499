"""The seeded users' credentials, in a small JSON file the runner reads.

Usernames follow ``<prefix>-<index>``; all share one password, stored here in plain
text on purpose: these are throwaway load-test accounts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from roost.loadtest.seed_plan import admin_username, username

MANIFEST_NAME = "loadtest-manifest.json"


@dataclass(slots=True)
class Manifest:
    prefix: str
    users: int
    password: str
    teams: list[str] = field(default_factory=list)
    bcrypt_cost: int = 10
    created_at: int = 0
    database: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def admin_username(self) -> str:
        return admin_username(self.prefix)

    def usernames(self) -> list[str]:
        return [username(self.prefix, i) for i in range(self.users)]

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = asdict(self)
        body["admin_username"] = self.admin_username
        body["username_pattern"] = f"{self.prefix}-<0..{self.users - 1}>"
        path.write_text(json.dumps(body, indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: Path) -> Manifest:
        raw: dict[str, Any] = json.loads(path.read_text())
        return cls(
            prefix=str(raw["prefix"]),
            users=int(raw["users"]),
            password=str(raw["password"]),
            teams=[str(t) for t in raw.get("teams", [])],
            bcrypt_cost=int(raw.get("bcrypt_cost", 10)),
            created_at=int(raw.get("created_at", 0)),
            database=str(raw.get("database", "")),
            counts={str(k): int(v) for k, v in raw.get("counts", {}).items()},
        )
