"""``GET /logs`` over every node (issue 24): a line logged on one node is in the answer of
another, with the node's id; a node gone silent is named, not waited for."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.cluster.conftest import Cluster, cluster_env
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.server import server_process

MISSING = "X-Roost-Missing-Nodes"
ANSWER_TIMEOUT_SECONDS = 2.0


def _until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if got := check():
            return got
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def _node_id(admin: LoggedIn) -> str:
    """The answering node's id: the first of ``GET /cluster/status``."""
    return str(expect(admin.api.get("/cluster/status"), 200)[0]["id"])


def _lines(admin: LoggedIn, **params: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in expect(admin.api.get("/logs", params=params), 200)]


def test_a_line_logged_on_b_is_in_the_logs_of_a(cluster: Cluster, cluster_admin: LoggedIn) -> None:
    on_a, on_b = cluster_admin, cluster.on(cluster_admin, 1)
    a_id, b_id = _node_id(on_a), _node_id(on_b)
    assert a_id != b_id
    # The servers log at warning and above: each node gets lines of its own here.
    for i in range(3):
        expect(on_a.api.post("/logs", {"level": "ERROR", "message": f"on A {i}"}), 200)
        expect(on_b.api.post("/logs", {"level": "WARN", "message": f"on B {i}"}), 200)
    marker = f"logged on B {uuid.uuid4().hex}"
    expect(on_b.api.post("/logs", {"level": "ERROR", "message": marker}), 200)

    def found() -> list[dict[str, Any]]:
        return [e for e in _lines(on_a, level="error") if marker in e["msg"]]

    (entry,) = _until(found)
    assert entry["node"] == b_id and entry["level"] == "error"
    everything = _lines(on_a)
    # Both nodes' lines, each saying whose, merged oldest first.
    assert {e.get("node") for e in everything} >= {a_id, b_id}
    stamps = [e["timestamp"] for e in everything]
    assert stamps == sorted(stamps)
    # The level filter and paging, as on one node.
    assert all(e["level"] in ("error", "critical") for e in _lines(on_a, level="error"))
    newest = _lines(on_a, logs_per_page=3)
    before = _lines(on_a, logs_per_page=3, page=1)
    assert len(newest) == 3 and len(before) == 3
    assert before[-1]["timestamp"] <= newest[0]["timestamp"]
    # Only system admins, on any node.
    member = create_user(cluster.nodes[0])
    assert expect(cluster.on(member, 1).api.get("/logs"), 403)


def test_a_killed_node_is_named_and_not_waited_for(
    cluster: Cluster, cluster_admin: LoggedIn, tmp_path: Path
) -> None:
    env = cluster_env(cluster.redis_prefix)
    with server_process(cluster.database_url, tmp_path, env) as doomed:
        on_c = LoggedIn(
            cluster_admin.id,
            cluster_admin.username,
            cluster_admin.email,
            cluster_admin.token,
            Api(doomed.base, cluster_admin.token),
            cluster_admin.raw,
        )
        c_id = _node_id(on_c)
        expect(on_c.api.post("/logs", {"level": "ERROR", "message": "on C"}), 200)
        # A knows of C once C has announced itself.
        _until(lambda: len(expect(cluster_admin.api.get("/cluster/status"), 200)) == 3)
        _until(lambda: any(e.get("node") == c_id for e in _lines(cluster_admin)))
        doomed.proc.kill()
        doomed.proc.wait(10)
        started = time.monotonic()
        answer = cluster_admin.api.get("/logs")
        took = time.monotonic() - started
    assert answer.status_code == 200
    assert took < ANSWER_TIMEOUT_SECONDS + 2.0, took
    assert answer.headers[MISSING] == c_id
    entries = [json.loads(line) for line in answer.json()]
    (missing,) = [e for e in entries if e.get("missing")]
    assert missing["node"] == c_id and c_id in missing["msg"]
    # The other node still answered; C is forgotten until heard from again.
    b_id = _node_id(cluster.on(cluster_admin, 1))
    assert any(e.get("node") == b_id for e in entries)
    again = cluster_admin.api.get("/logs")
    assert MISSING not in again.headers
    assert not any(json.loads(line).get("missing") for line in again.json())
