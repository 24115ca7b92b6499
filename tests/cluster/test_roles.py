"""A role patched on one node is enforced on every node: the bus drops each node's copy
of the tenant's roles with the same message that tells their clients (role_updated)."""

from __future__ import annotations

import json

from tests.cluster.conftest import Cluster
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.posting import post
from tests.support.ws import WsClient


def test_a_patch_on_one_node_is_enforced_on_the_other(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    alice = create_user(cluster.nodes[0])
    bob = create_user(cluster.nodes[0])
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    bob_on_b = cluster.on(bob, 1)
    # Node B has the tenant's roles in memory (and the member set): a cached decision.
    post(bob_on_b, channel["id"], "before")
    role = expect(cluster_admin.api.get("/roles/name/channel_user"), 200)
    url = f"/roles/{role['id']}/patch"
    kept = [p for p in role["permissions"] if p != "create_post"]
    with WsClient(cluster.nodes[1], bob.token) as ws:
        ws.wait_for("hello")
        try:
            patched = expect(cluster_admin.api.put(url, {"permissions": kept}), 200)
            event = ws.wait_for("role_updated")
            assert json.loads(event["data"]["role"]) == patched
            r = bob_on_b.api.post("/posts", {"channel_id": channel["id"], "message": "no"})
            assert expect(r, 403)["id"] == "api.context.permissions.app_error"
            assert "permission=create_post" in r.json()["detailed_error"]
        finally:
            expect(cluster_admin.api.put(url, {"permissions": role["permissions"]}), 200)
        ws.wait_for("role_updated")
    post(bob_on_b, channel["id"], "after")
    # Node B serves the roles as patched on A.
    assert (
        expect(bob_on_b.api.get("/roles/name/channel_user"), 200)["permissions"]
        == (role["permissions"])
    )
