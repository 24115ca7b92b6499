"""A configuration change made on node A is in force on node B within a second (two
nodes, one database, a private Redis), and a node started later reads it from the
database."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.client import Api, LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.files import upload_response
from tests.support.redis_server import PrivateRedis
from tests.support.server import admin_url, free_port, running_server
from tests.support.ws import WsClient

IN_FORCE_WITHIN_SECONDS = 1.0
OPERATOR_TOKEN = "p" * 40


@dataclass
class Pair:
    nodes: list[str]
    url: str
    data_dir: Path
    env: dict[str, str]
    admin: LoggedIn


@pytest.fixture(scope="module")
def pair(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    data_dir = tmp_path_factory.mktemp(f"roost-config-pair-{backend}")
    redis = PrivateRedis(free_port(), data_dir)
    redis.start()
    env = {
        "ROOST_REDIS_URL": redis.url,
        "ROOST_REDIS_PREFIX": f"cfg-{uuid.uuid4().hex[:6]}",
        # One site behind a balancer, as in production: the nodes' configurations match.
        "ROOST_SITE_URL": "https://chat.example.com",
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
    }
    with ExitStack() as stack:
        stack.callback(redis.kill)
        url = stack.enter_context(database(backend, data_dir))
        nodes = [stack.enter_context(running_server(url, data_dir, env)) for _ in range(2)]
        admin = create_user(nodes[0], username="admin0")
        yield Pair(nodes, url, data_dir, env, admin)


def _on(user: LoggedIn, base: str) -> LoggedIn:
    return LoggedIn(user.id, user.username, user.email, user.token, Api(base, user.token), user.raw)


def _seconds_until(check: Callable[[], bool], timeout: float = 10.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"not in force within {timeout} s")


def _client_config(base: str) -> dict[str, str]:
    return dict(expect(Api(base).get("/config/client?format=old"), 200))


def test_a_change_on_one_node_is_in_force_on_the_other_within_a_second(pair: Pair) -> None:
    a, b = pair.nodes
    member = create_user(a)
    name = unique("Pair")[:20]
    with WsClient(b, member.token) as ws:
        ws.wait_for("hello")
        changed = pair.admin.api.put("/config/patch", {"TeamSettings": {"SiteName": name}})
        assert expect(changed, 200)["TeamSettings"]["SiteName"] == name
        # In force on A before the answer.
        assert _client_config(a)["SiteName"] == name
        took = _seconds_until(lambda: _client_config(b)["SiteName"] == name)
        assert took < IN_FORCE_WITHIN_SECONDS, took
        assert ws.wait_for("config_changed")["data"]["config"]["SiteName"] == name
    admin_on_b = _on(pair.admin, b)
    assert expect(admin_on_b.api.get("/config"), 200)["TeamSettings"]["SiteName"] == name
    # Both nodes report the same configuration.
    etags = {_on(pair.admin, n).api.get("/config").headers["ETag"].strip('"') for n in (a, b)}
    assert len(etags) == 1
    # GET /cluster/status on either node: both nodes, the same configuration.
    for base in (a, b):
        nodes = expect(_on(pair.admin, base).api.get("/cluster/status"), 200)
        assert len(nodes) == 2, nodes
        assert {n["config_hash"] for n in nodes} == etags
        assert len({n["id"] for n in nodes}) == 2
        assert {n["address"].rpartition(":")[2] for n in nodes} == {
            a.rpartition(":")[2],
            b.rpartition(":")[2],
        }


def test_a_rule_changed_on_one_node_is_enforced_on_the_other(pair: Pair) -> None:
    b = pair.nodes[1]
    admin_on_b = _on(pair.admin, b)
    team = expect(
        pair.admin.api.post("/teams", {"name": unique("t"), "display_name": "T", "type": "O"}),
        201,
    )
    channel_id = expect(pair.admin.api.get(f"/teams/{team['id']}/channels"), 200)[0]["id"]

    def refused_on_b() -> bool:
        r = admin_on_b.api.post("/posts", {"channel_id": channel_id, "message": "y" * 31})
        return r.status_code == 400

    try:
        expect(pair.admin.api.put("/config/patch", {"ServiceSettings": {"MaxPostSize": 30}}), 200)
        assert _seconds_until(refused_on_b) < IN_FORCE_WITHIN_SECONDS
        expect(admin_on_b.api.post("/posts", {"channel_id": channel_id, "message": "y" * 30}), 201)
    finally:
        restore = {"ServiceSettings": {"MaxPostSize": 16383}}
        expect(pair.admin.api.put("/config/patch", restore), 200)


def test_a_node_started_later_reads_the_stored_configuration(pair: Pair) -> None:
    """Tenant settings, and a deployment setting read only at start-up
    (FileSettings.MaxFileSize: the operator's answer says it needs a restart): the node
    started after the change enforces it, the running ones keep theirs until restarted."""
    a = pair.nodes[0]
    name = unique("Later")[:20]
    expect(pair.admin.api.put("/config/patch", {"TeamSettings": {"SiteName": name}}), 200)
    team = expect(
        pair.admin.api.post("/teams", {"name": unique("t"), "display_name": "T", "type": "O"}),
        201,
    )
    channel_id = expect(pair.admin.api.get(f"/teams/{team['id']}/channels"), 200)[0]["id"]
    operator = httpx.Client(
        base_url=f"{admin_url(a)}/operator/v1",
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        timeout=30,
    )
    with operator:
        small = {"FileSettings": {"MaxFileSize": 1000}}
        answer = expect(operator.put("/config/patch", json=small), 200)
        assert answer["restart_required"] == ["FileSettings.MaxFileSize"]
        try:
            with running_server(pair.url, pair.data_dir, pair.env) as c:
                assert _client_config(c)["SiteName"] == name
                config = expect(_on(pair.admin, c).api.get("/config"), 200)
                assert config["TeamSettings"]["SiteName"] == name
                assert config["FileSettings"]["MaxFileSize"] == 1000
                big = ("big.txt", b"z" * 2000)
                assert upload_response(_on(pair.admin, c), channel_id, big).status_code == 413
                assert upload_response(pair.admin, channel_id, big).status_code == 201
        finally:
            restore = {"FileSettings": {"MaxFileSize": 100 * 1024 * 1024}}
            expect(operator.put("/config/patch", json=restore), 200)


def test_a_job_asked_on_one_node_runs_on_one_node(pair: Pair) -> None:
    """The data retention job, asked for on node B: one node takes it (a conditional
    update of its status) and says which."""
    admin_on_b = _on(pair.admin, pair.nodes[1])
    job = expect(admin_on_b.api.post("/jobs", {"type": "data_retention"}), 201)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = expect(pair.admin.api.get(f"/jobs/{job['id']}"), 200)
        if job["status"] == "success":
            break
        time.sleep(0.1)
    assert job["status"] == "success", job
    nodes = {n["id"] for n in expect(pair.admin.api.get("/cluster/status"), 200)}
    assert job["data"]["node"] in nodes
