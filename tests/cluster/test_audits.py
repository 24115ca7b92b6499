"""The audit log across nodes: what one node records, the other reads within a round
of the first node's writer (no node needs another's queue)."""

from __future__ import annotations

import time
from typing import Any

from tests.cluster.conftest import Cluster
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique

# The writer's round is 50 ms after the first record; this is the test's patience.
PATIENCE_SECONDS = 5.0


def test_a_login_on_one_node_is_read_on_the_other(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    user = create_user(cluster.nodes[0])
    wrong = {"login_id": user.username, "password": "wrong-" + PASSWORD}
    assert Api(cluster.nodes[0]).post("/users/login", wrong).status_code == 401
    ghost = unique("ghost")
    ghostly = {"login_id": ghost, "password": "wrong-" + PASSWORD}
    assert Api(cluster.nodes[0]).post("/users/login", ghostly).status_code == 401
    admin_on_b = cluster.on(cluster_admin, 1)
    deadline = time.monotonic() + PATIENCE_SECONDS
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = expect(admin_on_b.api.get("/audits", params={"per_page": 200}), 200)
        if any(ghost in r["extra_info"] for r in found):
            break
        time.sleep(0.05)
    assert any(ghost in r["extra_info"] for r in found)
    own = expect(cluster.on(user, 1).api.get("/users/me/audits"), 200)
    assert [r["extra_info"] for r in own] == [
        f"failure - login_id={user.username}",
        "success",
    ]
