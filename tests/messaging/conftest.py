"""A server per backend for the messaging tests: link previews may reach 127.0.0.1 (the
pages server) and nothing else private, with small limits so each is quick to test;
the "private" address is 127.0.0.2, where a second pages server counts any request."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.messaging.pages import Pages, running_pages
from tests.support.client import LoggedIn, create_user
from tests.support.databases import database
from tests.support.server import running_server

MESSAGING_ENV = {
    "ROOST_OUTBOUND_ALLOWED_HOSTS": "127.0.0.1/32",
    "ROOST_LINK_PREVIEW_TIMEOUT_SECONDS": "1.5",
    "ROOST_LINK_PREVIEW_MAX_BYTES": "65536",
    "ROOST_LINK_PREVIEW_MAX_REDIRECTS": "2",
    "ROOST_SCHEDULED_POST_POLL_SECONDS": "0.2",
    "ROOST_GUEST_ACCOUNTS_ENABLE": "true",
}


@pytest.fixture(scope="session")
def pages() -> Iterator[Pages]:
    with running_pages("127.0.0.1") as p:
        yield p


@pytest.fixture(scope="session")
def private_pages() -> Iterator[Pages]:
    """Stands for an internal service: nothing may ever reach it."""
    with running_pages("127.0.0.2") as p:
        yield p


# Each messaging server's first user, a system admin (the first to sign up).
_ADMINS: dict[str, LoggedIn] = {}


@pytest.fixture(scope="session")
def msg_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-messaging-{backend}")
    with (
        database(backend, data_dir) as url,
        running_server(url, data_dir, MESSAGING_ENV) as base,
    ):
        _ADMINS[base] = create_user(base, username=f"msgadmin{uuid.uuid4().hex[:6]}")
        yield base


@pytest.fixture
def msg_admin(msg_server: str) -> LoggedIn:
    return _ADMINS[msg_server]


@pytest.fixture
def user_on(msg_server: str) -> Callable[..., LoggedIn]:
    def make(**fields: Any) -> LoggedIn:
        return create_user(msg_server, **fields)

    return make
