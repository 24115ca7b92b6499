"""Shared fixtures: a real Roost server per database backend, and users on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import secrets
from tests.support.client import Api, LoggedIn, close_all, create_user
from tests.support.databases import database
from tests.support.server import running_server

BACKENDS = ["sqlite", "postgres"]


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if not _is_worker(config):
        secrets.start_run()  # before the xdist workers start: they inherit its folder


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a server log holds a secret the tests created
    (tests/support/secrets.py); once, in the controller, after every worker is done."""
    if _is_worker(session.config):
        return
    found = secrets.finish_run(secrets.start_run())
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", f"secrets in server logs (kept in {secrets.start_run()})")
            for line in found:
                reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
