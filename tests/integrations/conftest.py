"""A server per backend set up for integrations: loopback receivers allowed, overrides
on, short retries and small limits (so each limit can be tested quickly)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integrations.receiver import Receiver, running_receiver
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import Room, make_room
from tests.support.server import running_server

HOOK_ENV = {
    "ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost",
    "ROOST_ENABLE_POST_USERNAME_OVERRIDE": "true",
    "ROOST_ENABLE_POST_ICON_OVERRIDE": "true",
    "ROOST_DELIVERY_MAX_ATTEMPTS": "3",
    "ROOST_DELIVERY_RETRY_BASE_SECONDS": "0.2",
    "ROOST_OUTBOUND_TIMEOUT_SECONDS": "2",
    "ROOST_OUTBOUND_MAX_RESPONSE_BYTES": "4096",
    "ROOST_INCOMING_WEBHOOK_MAX_BYTES": "65536",
    "ROOST_INCOMING_WEBHOOK_RATE_PER_SECOND": "1",
    "ROOST_INCOMING_WEBHOOK_BURST": "10",
}


@dataclass
class HookServer:
    base: str
    data_dir: Path
    admin: LoggedIn

    def log_text(self) -> str:
        return "\n".join(p.read_text() for p in self.data_dir.glob("server-*.log"))


@pytest.fixture(scope="session")
def hooks(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HookServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-hooks-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, HOOK_ENV) as base:
        yield HookServer(
            base, data_dir, create_user(base, username=f"hookadmin{uuid.uuid4().hex[:6]}")
        )


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


@pytest.fixture
def user_on(hooks: HookServer) -> Callable[..., LoggedIn]:
    def make(**fields: Any) -> LoggedIn:
        return create_user(hooks.base, **fields)

    return make


@pytest.fixture
def room(user_on: Callable[..., LoggedIn]) -> Room:
    """Owner (team and channel admin), alice and bob in a public channel, an outsider."""
    return make_room(user_on)


def path() -> str:
    """A fresh receiver path, so tests never see each other's requests."""
    return f"/{uuid.uuid4().hex}"


def incoming_hook(owner: LoggedIn, channel_id: str, **fields: Any) -> dict[str, Any]:
    body = {"channel_id": channel_id, "display_name": "ci", **fields}
    hook: dict[str, Any] = expect(owner.api.post("/hooks/incoming", body), 201)
    return hook
