"""A change is in force on the node that answered it at once, and on the other node
within a short bounded time (issue 20.5): plugins enabled and disabled (in process and
in the shared host), a role's permissions patched, a channel member removed and added
back, a tenant suspended and resumed. Each is looped: the old answers raced the node's
own apply of the change."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import cluster_env
from tests.plugins.bundles import bundle, eventually, status, upload
from tests.plugins.conftest import PLUGIN_ENV
from tests.plugins.test_change_in_force import REFUSER
from tests.support.chat import channel_with, team_with
from tests.support.client import Api, LoggedIn, create_user, expect, unique
from tests.support.databases import postgres_database
from tests.support.server import admin_url, running_server
from tests.tenants.conftest import BASE_DOMAIN, OPERATOR_TOKEN

TRIES = 3
# How long the other node may take to hear of a change through Redis.
OTHER_NODE_SECONDS = 5.0


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    data_dir: Path = tmp_path_factory.mktemp("roost-in-force")
    env = {
        **PLUGIN_ENV,
        **cluster_env(f"roost-test-{uuid.uuid4().hex[:8]}"),
        # Neither node's timers may heal a missed change: only the bus and the node's own
        # apply count.
        "ROOST_PLUGIN_HEALTH_CHECK_SECONDS": "600",
        "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ROOST_TENANT_REFRESH_SECONDS": "3600",
    }
    for i in range(2):
        (data_dir / f"node{i}").mkdir()
    with postgres_database() as url, ExitStack() as stack:
        yield [
            stack.enter_context(running_server(url, data_dir / f"node{i}", env)) for i in range(2)
        ]


def on(user: LoggedIn, base: str, host: str = BASE_DOMAIN) -> LoggedIn:
    return LoggedIn(
        user.id, user.username, user.email, user.token, Api(base, user.token, host), user.raw
    )


@pytest.fixture(scope="module")
def admin(nodes: list[str]) -> LoggedIn:
    return create_user(nodes[0], host=BASE_DOMAIN, username="admin0")


def post_status(user: LoggedIn, channel_id: str, message: str) -> int:
    r = user.api.post("/posts", {"channel_id": channel_id, "message": message})
    return r.status_code


def soon(check: Callable[[], bool]) -> bool:
    """Within OTHER_NODE_SECONDS."""
    deadline = time.monotonic() + OTHER_NODE_SECONDS
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def room(nodes: list[str], admin: LoggedIn) -> tuple[LoggedIn, LoggedIn, str]:
    """A plain user on node 0 and the same user on node 1, in a channel of admin's."""
    user = create_user(nodes[0], host=BASE_DOMAIN)
    team = team_with(admin, user)
    channel = channel_with(admin, team["id"], user)
    return user, on(user, nodes[1]), channel["id"]


@pytest.mark.parametrize("trusted", [True, False], ids=["in_process", "isolated"])
def test_plugin_enable_and_disable(nodes: list[str], admin: LoggedIn, trusted: bool) -> None:
    here, there, channel_id = room(nodes, admin)
    plugin_id = f"test.cluster-inforce-{'in' if trusted else 'iso'}"
    expect(upload(admin, bundle(plugin_id, REFUSER.replace("{tag}", "x")), trusted), 201)
    try:
        for n in range(TRIES):
            expect(admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
            assert post_status(here, channel_id, f"probe {n}") == 400, n
            assert soon(lambda: post_status(there, channel_id, "probe") == 400), n
            expect(admin.api.post(f"/plugins/{plugin_id}/disable"), 200)
            assert post_status(here, channel_id, f"probe {n}") == 201, n
            assert soon(lambda: post_status(there, channel_id, "probe") == 201), n
    finally:
        admin.api.delete(f"/plugins/{plugin_id}")
        assert eventually(lambda: status(admin, plugin_id) == {})


def test_role_permissions(nodes: list[str], admin: LoggedIn) -> None:
    here, there, channel_id = room(nodes, admin)
    role: dict[str, Any] = expect(admin.api.get("/roles/name/channel_user"), 200)
    url = f"/roles/{role['id']}/patch"
    without = [p for p in role["permissions"] if p != "create_post"]
    try:
        for n in range(TRIES):
            expect(admin.api.put(url, {"permissions": without}), 200)
            assert post_status(here, channel_id, f"m{n}") == 403, n
            assert soon(lambda: post_status(there, channel_id, "m") == 403), n
            expect(admin.api.put(url, {"permissions": role["permissions"]}), 200)
            assert post_status(here, channel_id, f"m{n}") == 201, n
            assert soon(lambda: post_status(there, channel_id, "m") == 201), n
    finally:
        expect(admin.api.put(url, {"permissions": role["permissions"]}), 200)


def test_channel_membership(nodes: list[str], admin: LoggedIn) -> None:
    here, there, channel_id = room(nodes, admin)
    member = f"/channels/{channel_id}/members"
    for n in range(TRIES):
        expect(admin.api.delete(f"{member}/{here.id}"), 200)
        assert post_status(here, channel_id, f"m{n}") == 403, n
        assert soon(lambda: post_status(there, channel_id, "m") == 403), n
        expect(admin.api.post(member, {"user_id": here.id}), 201)
        assert post_status(here, channel_id, f"m{n}") == 201, n
        assert soon(lambda: post_status(there, channel_id, "m") == 201), n


def test_tenant_suspend_and_resume(nodes: list[str]) -> None:
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
    operator = Api(nodes[0]).http
    name = unique("t").replace("_", "-").lower()[:40]
    r = operator.post(
        f"{admin_url(nodes[0])}/operator/v1/tenants",
        json={"name": name, "open_signup": True},
        headers=headers,
    )
    tenant = expect(r, 201)
    host = f"{name}.{BASE_DOMAIN}"
    here = create_user(nodes[0], host=host)
    there = on(here, nodes[1], host)
    assert soon(lambda: there.api.get("/users/me").status_code == 200)

    def status_there() -> int:
        return there.api.get("/users/me").status_code

    for n in range(TRIES):
        for action, code in (("suspend", 403), ("resume", 200)):
            url = f"{admin_url(nodes[0])}/operator/v1/tenants/{tenant['id']}/{action}"
            expect(operator.post(url, headers=headers), 200)
            assert here.api.get("/users/me").status_code == code, (n, action)
            assert soon(lambda: status_there() == code), (n, action)  # noqa: B023
