"""Shared fixtures: a real Roost server per database backend, and users on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.client import Api, LoggedIn, close_all, create_user
from tests.support.databases import database
from tests.support.server import running_server

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session", autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    close_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# Each session server's first user, made as it starts: whichever test file a worker
# runs first, the admin is the first to sign up, and so a system admin.
_ADMINS: dict[str, LoggedIn] = {}


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running server on a fresh database of the given backend."""
    data_dir: Path = tmp_path_factory.mktemp(f"roost-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir) as base:
        _ADMINS[base] = create_user(base, username="admin0")
        yield base


@pytest.fixture(scope="session")
def admin(server: str) -> LoggedIn:
    """The first user of the server, who is therefore a system admin."""
    return _ADMINS[server]


@pytest.fixture
def make_user(server: str, admin: LoggedIn) -> Callable[..., LoggedIn]:
    def make(**fields: Any) -> LoggedIn:
        return create_user(server, **fields)

    return make


@pytest.fixture
def anon(server: str) -> Iterator[Api]:
    api = Api(server)
    yield api
    api.close()
