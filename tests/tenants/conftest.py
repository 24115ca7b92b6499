"""A deployment serving many tenants, shared by the tenant tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import expect, unique
from tests.support.databases import database, is_postgres, runtime_url
from tests.support.server import admin_url, running_server

BASE_DOMAIN = "chat.test"
OPERATOR_TOKEN = "operator-" + "x" * 40


@dataclass
class Deployment:
    base: str  # the server's URL (127.0.0.1)
    database_url: str  # the directory's database (as its owner)
    data_dir: Path
    west_url: str = ""  # a second database, named "west" (as its owner)

    def operator(self, token: str = OPERATOR_TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(
            base_url=f"{admin_url(self.base)}/operator/v1", headers=headers, timeout=15
        )


@pytest.fixture(scope="package")
def deployment(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-tenants-{backend}")
    env = {
        "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ROOST_TENANT_REFRESH_SECONDS": "1",
        "ROOST_TENANT_REAP_SECONDS": "1",
        "ROOST_TENANT_DELETE_BATCH": "7",  # small: every table takes several batches
        # The default tenant's integrations live on this machine (new_tenant gives each
        # tenant the same list); the isolation tests try public links.
        "ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost",
        "ROOST_ENABLE_PUBLIC_LINK": "true",
        "ROOST_PUBLIC_LINK_SALT": "tenants-public-link-salt-" + "s" * 16,
        # Long enough to see a moving tenant read-only, short enough for a test.
        "ROOST_TENANT_MOVE_GRACE_SECONDS": "2",
    }
    with database(backend, data_dir) as url, database(backend, data_dir) as west:
        # The server logs in to both as the non-owning role (tests/support/server.py).
        env["ROOST_DATABASE_SHARDS"] = f"west={runtime_url(west) if is_postgres(west) else west}"
        env["ROOST_DATABASE_SHARD_OWNER_URLS"] = f"west={west}"
        with running_server(url, data_dir, env) as base:
            yield Deployment(base, url, data_dir, west)


def new_tenant(d: Deployment, **body: Any) -> dict[str, Any]:
    """A tenant open for sign-up unless ``open_signup=False`` (tenants are closed by
    default: tests/tenants/test_signup.py): these tests' first user there is its admin."""
    body.setdefault("name", unique("t").replace("_", "-").lower()[:40])
    body.setdefault("open_signup", True)
    with d.operator() as op:
        created: dict[str, Any] = expect(op.post("/tenants", json=body), 201)
        # The tests' integrations live on this machine: each tenant's own allow-list
        # names it (the node-wide one is the default tenant's only).
        outbound = {"allowed_hosts": "localhost"}
        # (The create answer's extras, the admin's id or invite, stay.)
        created.update(expect(op.put(f"/tenants/{created['id']}/outbound", json=outbound), 200))
    return created


def host_of(tenant: dict[str, Any]) -> str:
    return f"{tenant['name']}.{BASE_DOMAIN}"
