"""Audit records past their retention are purged by every node, newer ones kept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKENDS
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server

RETENTION_SECONDS = 4.0
ENV = {
    "ROOST_AUDIT_RETENTION_DAYS": str(RETENTION_SECONDS / 86_400),
    "ROOST_AUDIT_PURGE_INTERVAL_SECONDS": "0.3",
}


@pytest.fixture(scope="module", params=BACKENDS)
def short(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    backend = str(request.param)
    data_dir: Path = tmp_path_factory.mktemp(f"audit-retention-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, ENV) as base:
        yield base


def _logins(admin: LoggedIn) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = expect(admin.api.get("/audits", params={"per_page": 200}), 200)
    return [r for r in found if r["action"] == "login"]


def test_records_past_retention_are_purged(short: str) -> None:
    admin = create_user(short)  # the first user: an admin, and a login recorded
    [old] = _logins(admin)
    time.sleep(RETENTION_SECONDS / 2)
    expect(Api(short).post("/users/login", {"login_id": admin.username, "password": PASSWORD}), 200)
    deadline = time.monotonic() + RETENTION_SECONDS * 4
    while time.monotonic() < deadline:
        ids = [r["id"] for r in _logins(admin)]
        if old["id"] not in ids:
            break
        time.sleep(0.1)
    # The old record went; the one made half a retention later is still there.
    assert old["id"] not in ids
    assert len(ids) == 1
