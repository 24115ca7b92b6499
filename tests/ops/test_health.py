"""The health check reports what cannot be written: a data directory turned read-only,
a database that answers but refuses writes. Otherwise every login fails while the
balancer, told "OK", keeps sending users to the node."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.ops.cli import immutable
from tests.ops.pg import read_only
from tests.support.databases import database
from tests.support.server import running_server

DEADLINE_SECONDS = 20.0


def _ping(base: str, deep: bool = False) -> httpx.Response:
    params = {"get_server_status": "true"} if deep else {}
    return httpx.get(f"{base}/api/v4/system/ping", params=params, timeout=10)


def _until(base: str, status: str) -> httpx.Response:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        response = _ping(base)
        if response.json()["status"] == status or time.monotonic() > deadline:
            return response
        time.sleep(0.3)


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("health-sqlite")
    with database("sqlite", data_dir) as url, running_server(url, data_dir) as base:
        yield base, data_dir


def test_a_data_dir_turned_read_only_is_unhealthy(sqlite_server: tuple[str, Path]) -> None:
    base, data_dir = sqlite_server
    assert _ping(base).status_code == 200
    with immutable(data_dir):
        response = _until(base, "UNHEALTHY")
        assert response.status_code == 500 and response.headers["status"] == "UNHEALTHY"
        rest = httpx.get(
            f"{base}/api/v4/system/ping", params={"use_rest_semantics": "true"}, timeout=10
        )
        assert rest.status_code == 200 and rest.json()["status"] == "UNHEALTHY"
    assert _until(base, "OK").status_code == 200


def test_the_detailed_check_writes_to_the_file_store(sqlite_server: tuple[str, Path]) -> None:
    base, data_dir = sqlite_server
    body = _ping(base, deep=True).json()
    assert body["status"] == body["filestore_status"] == body["database_status"] == "OK"
    files = data_dir / "files"
    # Its probe object is gone again: the store holds no file of it.
    assert not [p for p in files.rglob("*") if p.is_file()]
    with immutable(files):
        body = _ping(base, deep=True).json()
    assert body["filestore_status"] == "UNHEALTHY" and body["status"] == "UNHEALTHY"


def test_a_read_only_postgresql_database_is_unhealthy(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("health-pg")
    with database("postgres", data_dir) as url, running_server(url, data_dir) as base:
        name = str(make_url(url).database)
        assert _ping(base).status_code == 200
        read_only(name, True)
        try:
            response = _until(base, "UNHEALTHY")
            assert response.status_code == 500
            assert _ping(base, deep=True).json()["database_status"] == "UNHEALTHY"
        finally:
            read_only(name, False)
        assert _until(base, "OK").status_code == 200
