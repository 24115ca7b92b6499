"""A tenant's outbound allow-list set through one node applies on the other at once
(the operator's change reaches every node's tenant directory over the bus, long before
the directory's periodic refresh)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cluster.conftest import Cluster, cluster_env
from tests.integrations.receiver import running_receiver
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.support.databases import postgres_database
from tests.support.server import admin_url, running_server

BASE_DOMAIN = "chat.test"
OPERATOR_TOKEN = "operator-" + "y" * 40
ENV = {
    "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
    "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
    "ROOST_TENANT_REFRESH_SECONDS": "3600",  # only the bus can carry the change in time
    "ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost",  # the default tenant's, no one else's
}


@pytest.fixture(scope="module")
def tenant_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data_dir: Path = tmp_path_factory.mktemp("roost-outbound-cluster")
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}"
    with postgres_database() as url, ExitStack() as stack:
        nodes = [
            stack.enter_context(running_server(url, data_dir, {**cluster_env(prefix), **ENV}))
            for _ in range(2)
        ]
        yield Cluster(nodes, url, prefix)


def operator(base: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    return httpx.Client(base_url=f"{admin_url(base)}/operator/v1", headers=headers, timeout=15)


def seen_on(base: str, tenant_id: str, hosts: str | None) -> dict[str, Any]:
    """The tenant as node ``base`` knows it, once its allow-list reads ``hosts`` (the
    bus brings the change within moments; the periodic refresh would take an hour)."""
    deadline = time.monotonic() + 10
    with operator(base) as op:
        while True:
            r = op.get(f"/tenants/{tenant_id}")
            if r.status_code == 200 and r.json()["outbound_allowed_hosts"] == hosts:
                found: dict[str, Any] = r.json()
                return found
            assert time.monotonic() < deadline, r.text
            time.sleep(0.1)


def run_command(user: LoggedIn, team_id: str, channel_id: str, url: str) -> httpx.Response:
    trigger = unique("c").lower()
    body = {"team_id": team_id, "trigger": trigger, "url": url, "method": "P"}
    expect(user.api.post("/commands", body), 201)
    return user.api.post("/commands/execute", {"channel_id": channel_id, "command": f"/{trigger}"})


def test_a_tenants_list_set_on_one_node_applies_on_the_other(tenant_cluster: Cluster) -> None:
    a, b = tenant_cluster.nodes
    name = unique("t").lower()[:30]
    with operator(a) as op:
        tenant = expect(op.post("/tenants", json={"name": name, "open_signup": True}), 201)
    host = f"{name}.{BASE_DOMAIN}"
    seen_on(b, tenant["id"], None)
    user = create_user(b, host=host)  # served by node B
    team = team_with(user)
    channel = channel_with(user, team["id"])
    with running_receiver() as receiver:
        where = f"/{unique('p')}"
        r = run_command(user, team["id"], channel["id"], receiver.url(where))
        assert r.status_code == 500 and "blocked" in r.json()["detailed_error"]
        receiver.nothing(where)
        with operator(a) as op:
            outbound = {"allowed_hosts": "localhost"}
            expect(op.put(f"/tenants/{tenant['id']}/outbound", json=outbound), 200)
        seen_on(b, tenant["id"], "localhost")
        where = f"/{unique('p')}"
        r = run_command(user, team["id"], channel["id"], receiver.url(where))
        assert r.status_code == 200, r.text
        receiver.wait(where)
        with operator(a) as op:
            expect(op.put(f"/tenants/{tenant['id']}/outbound", json={"allowed_hosts": None}), 200)
        seen_on(b, tenant["id"], None)
        where = f"/{unique('p')}"
        r = run_command(user, team["id"], channel["id"], receiver.url(where))
        assert r.status_code == 500 and "blocked" in r.json()["detailed_error"]
        receiver.nothing(where)
