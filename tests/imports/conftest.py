"""A server of its own for the import tests (they need its database and data
directory, to run ``roost import`` against them), and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.client import LoggedIn, create_user
from tests.support.databases import database, ensure_runtime_role, is_postgres, runtime_url
from tests.support.server import admin_url, running_server

OPERATOR_TOKEN = "operator-" + "i" * 40
CLI_TIMEOUT_SECONDS = 120


@dataclass
class Site:
    base: str
    database_url: str  # as its owner
    data_dir: Path
    admin: LoggedIn

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "ROOST_DATABASE_URL": self.database_url,
                "ROOST_DATA_DIR": str(self.data_dir),
                "ROOST_LOG_LEVEL": "warning",
                "ROOST_PASSWORD_HASH_COST": "4",
            }
        )
        if is_postgres(self.database_url):
            # As the server does: migrate as the owner, work as the role row security binds.
            ensure_runtime_role(self.database_url)
            env["ROOST_DATABASE_OWNER_URL"] = self.database_url
            env["ROOST_DATABASE_URL"] = runtime_url(self.database_url)
        env.update(extra)
        return env

    def roost(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "roost.cli", *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_SECONDS,
            check=False,
        )

    def operator(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{admin_url(self.base)}/operator/v1",
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
            timeout=30,
        )


def start_site(backend: str, data_dir: Path) -> Iterator[Site]:
    env = {"ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN}
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield Site(base, url, data_dir, create_user(base, username="importadmin"))


@pytest.fixture(scope="package")
def site(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A running server on a fresh database; its first user is a system admin."""
    yield from start_site(backend, tmp_path_factory.mktemp(f"roost-imports-{backend}"))
