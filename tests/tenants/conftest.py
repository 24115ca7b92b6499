"""A deployment serving many tenants, shared by the tenant tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import expect, unique
from tests.support.databases import database
from tests.support.server import running_server

BASE_DOMAIN = "chat.test"
OPERATOR_TOKEN = "operator-" + "x" * 40


@dataclass
class Deployment:
    base: str  # the server's URL (127.0.0.1)
    database_url: str
    data_dir: Path

    def operator(self, token: str = OPERATOR_TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"{self.base}/operator/v1", headers=headers, timeout=15)


@pytest.fixture(scope="package")
def deployment(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-tenants-{backend}")
    env = {
        "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ROOST_TENANT_REFRESH_SECONDS": "1",
        "ROOST_TENANT_REAP_SECONDS": "1",
        "ROOST_TENANT_DELETE_BATCH": "7",  # small: every table takes several batches
    }
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield Deployment(base, url, data_dir)


def new_tenant(d: Deployment, **body: Any) -> dict[str, Any]:
    body.setdefault("name", unique("t").replace("_", "-").lower()[:40])
    with d.operator() as op:
        created: dict[str, Any] = expect(op.post("/tenants", json=body), 201)
    return created


def host_of(tenant: dict[str, Any]) -> str:
    return f"{tenant['name']}.{BASE_DOMAIN}"
