"""Two Roost nodes sharing one PostgreSQL database and one Redis, as in production."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.client import Api, LoggedIn, create_user
from tests.support.databases import postgres_database
from tests.support.server import running_server

REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Cluster:
    nodes: list[str]
    database_url: str
    redis_prefix: str

    def on(self, user: LoggedIn, node: int) -> LoggedIn:
        """The same logged-in user, talking to another node."""
        base = self.nodes[node]
        return LoggedIn(
            user.id, user.username, user.email, user.token, Api(base, user.token), user.raw
        )


def cluster_env(prefix: str) -> dict[str, str]:
    return {"ROOST_REDIS_URL": REDIS_URL, "ROOST_REDIS_PREFIX": prefix}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data_dir: Path = tmp_path_factory.mktemp("roost-cluster")
    # A prefix of its own: other test clusters share this Redis.
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}"
    with postgres_database() as url, ExitStack() as stack:
        nodes = [
            stack.enter_context(running_server(url, data_dir, cluster_env(prefix)))
            for _ in range(2)
        ]
        yield Cluster(nodes, url, prefix)


@pytest.fixture(scope="module")
def cluster_admin(cluster: Cluster) -> LoggedIn:
    return create_user(cluster.nodes[0], username="admin0")
