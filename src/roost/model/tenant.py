"""Tenants: the organisations one deployment serves, as the operator sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACTIVE = "active"
SUSPENDED = "suspended"
# Refused like a tenant that does not exist while a worker removes its data.
DELETING = "deleting"
# Read-only while its rows are copied to another database (app/tenants/mover.py).
MOVING = "moving"
STATES = (ACTIVE, SUSPENDED)


@dataclass(slots=True)
class Tenant:
    id: str
    name: str  # the subdomain label: acme in acme.chat.example.com
    display_name: str = ""
    state: str = ACTIVE
    create_at: int = 0
    update_at: int = 0
    domains: list[str] = field(default_factory=list)  # custom domains mapped to it
    # Limits; 0 means the deployment's default (requests) or none (users).
    requests_per_second: float = 0.0
    max_users: int = 0
    max_storage_bytes: int = 0
    max_posts_per_day: int = 0
    database: str = ""  # where its rows are: '' the directory's database, or a shard's name
    # Whether anyone may sign up (the operator or the tenant's admin opens it).
    open_signup: bool = False
    # Hosts and networks (comma-separated) its integrations may call besides public
    # addresses; None: none named (the default tenant then has the node-wide setting).
    outbound_allowed_hosts: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "state": self.state,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "domains": sorted(self.domains),
            "database": self.database,
            "open_signup": self.open_signup,
            "outbound_allowed_hosts": self.outbound_allowed_hosts,
            "limits": {
                "requests_per_second": self.requests_per_second,
                "max_users": self.max_users,
                "max_storage_bytes": self.max_storage_bytes,
                "max_posts_per_day": self.max_posts_per_day,
            },
        }
