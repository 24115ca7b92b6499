"""user_updated is sanitised per recipient whichever node made the change and whichever
node the recipient is connected to; someone made admin on one node gets the admin's
copy from the other node's next change (the nodes' lists of admins are dropped by the
same user_updated)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import Cluster, cluster_env
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import postgres_database
from tests.support.server import running_server
from tests.support.ws import WsClient

PRIVATE = {"ROOST_SHOW_EMAIL_ADDRESS": "false", "ROOST_SHOW_FULL_NAME": "false"}


@pytest.fixture(scope="module")
def private_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data_dir: Path = tmp_path_factory.mktemp("roost-private-cluster")
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}"
    with postgres_database() as url, ExitStack() as stack:
        nodes = [
            stack.enter_context(running_server(url, data_dir, {**cluster_env(prefix), **PRIVATE}))
            for _ in range(2)
        ]
        yield Cluster(nodes, url, prefix)


def about(who: LoggedIn, nickname: str) -> Callable[[dict[str, Any]], bool]:
    def match(frame: dict[str, Any]) -> bool:
        user = frame["data"]["user"]
        return bool(user["id"] == who.id and user["nickname"] == nickname)

    return match


def test_user_updated_is_sanitised_across_nodes(private_cluster: Cluster) -> None:
    a, b = private_cluster.nodes
    admin = create_user(a, username="admin0")  # the first user: system admin
    alice = create_user(a, first_name="Ada", last_name="Quill")
    bob = create_user(a)
    with (
        WsClient(b, bob.token) as bob_ws,
        WsClient(b, alice.token) as alice_ws,
        WsClient(b, admin.token) as admin_ws,
    ):
        for ws in (bob_ws, alice_ws, admin_ws):
            ws.wait_for("hello")
        # A change on node A, heard on node B.
        props = {"mention_keys": "secretkey"}
        patch = {"nickname": "one", "notify_props": props}
        expect(alice.api.put(f"/users/{alice.id}/patch", patch), 200)
        theirs = bob_ws.wait_for("user_updated", about(alice, "one"))["data"]["user"]
        assert theirs["email"] == "" and theirs["first_name"] == "" and "notify_props" not in theirs
        mine = alice_ws.wait_for("user_updated", about(alice, "one"))["data"]["user"]
        assert mine["email"] == alice.email and mine["notify_props"]["mention_keys"] == "secretkey"
        bosses = admin_ws.wait_for("user_updated", about(alice, "one"))["data"]["user"]
        assert bosses["email"] == alice.email and bosses["first_name"] == "Ada"
        assert "notify_props" not in bosses

        # Node B now knows the admins; bob is made admin on node A, and node B's next
        # change already gives him the admin's copy.
        alice_on_b = private_cluster.on(alice, 1)
        expect(alice_on_b.api.put(f"/users/{alice.id}/patch", {"nickname": "two"}), 200)
        assert bob_ws.wait_for("user_updated", about(alice, "two"))["data"]["user"]["email"] == ""
        roles = {"roles": "system_user system_admin"}
        expect(admin.api.put(f"/users/{bob.id}/roles", roles), 200)
        bob_ws.wait_for("user_updated", lambda f: f["data"]["user"]["id"] == bob.id)
        expect(alice_on_b.api.put(f"/users/{alice.id}/patch", {"nickname": "three"}), 200)
        seen = bob_ws.wait_for("user_updated", about(alice, "three"))["data"]["user"]
        assert seen["email"] == alice.email and seen["first_name"] == "Ada"
