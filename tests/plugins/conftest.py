"""A server per backend with plugin uploads on, short timeouts and a fast health check,
shared by the plugin tests (each test removes the plugins it installed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.client import LoggedIn, create_user
from tests.support.databases import database
from tests.support.server import running_server

HOOK_TIMEOUT_SECONDS = 0.5
# A secret the plugin host must not find anywhere it can read (test_host_environment.py).
OPERATOR_TOKEN = "plugin-tests-operator-" + "s" * 30
PLUGIN_ENV = {
    "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
    "ROOST_PLUGIN_ENABLE_UPLOADS": "true",
    "ROOST_PLUGIN_HOOK_TIMEOUT_SECONDS": str(HOOK_TIMEOUT_SECONDS),
    "ROOST_PLUGIN_HEALTH_CHECK_SECONDS": "1",
    # As many calls in flight per plugin as the tests' thread pools make (8): only
    # test_admission.py goes past it.
    "ROOST_PLUGIN_CALL_CONCURRENCY": "8",
    "ROOST_PLUGIN_MAX_BUNDLE_BYTES": str(256 * 1024),
    "ROOST_PLUGIN_FAIL_CLOSED_HOOKS": (
        "test.closed/message_will_be_posted,test.file-closed/file_will_be_uploaded"
    ),
}


@pytest.fixture(scope="package")
def plugin_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-plugins-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, PLUGIN_ENV) as base:
        yield base


@pytest.fixture(scope="package")
def plugin_admin(plugin_server: str) -> LoggedIn:
    return create_user(plugin_server, username="admin0")


@pytest.fixture
def make_plugin_user(plugin_server: str, plugin_admin: LoggedIn) -> Callable[..., LoggedIn]:
    def make(**fields: Any) -> LoggedIn:
        return create_user(plugin_server, **fields)

    return make
