"""One server per backend for the administration tests that can share it (logs and
statistics, data retention, the command line): each server start costs seconds, and
these modules restore what they change. test_config.py and the cluster tests keep
servers of their own (they change configuration others would see)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.client import LoggedIn, create_user
from tests.support.databases import database
from tests.support.server import running_server

OPERATOR_TOKEN = "q" * 40


@dataclass
class AdminSite:
    base: str
    database_url: str
    admin: LoggedIn
    member: LoggedIn


@pytest.fixture(scope="session")
def admin_site(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminSite]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-admin-{backend}")
    env = {
        "ROOST_LOG_LEVEL": "debug",
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        # Statistics computed on every call, so the tests see each change at once.
        "ROOST_ANALYTICS_CACHE_SECONDS": "0",
        # Small batches without pauses: the retention test runs several batches quickly.
        "ROOST_DATA_RETENTION_TIME_BETWEEN_BATCHES_MS": "0",
        "ROOST_DATA_RETENTION_BATCH_SIZE": "7",
    }
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username="admin0")
        yield AdminSite(base, url, admin, create_user(base))
