"""Several nodes behave as one server: what happens on one is seen live on the others,
and no node serves what another has changed or revoked."""

from __future__ import annotations

import json
import time

from tests.cluster.conftest import Cluster
from tests.support.chat import channel_with, make_dm, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.posting import post
from tests.support.ws import WsClient


def test_events_cross_nodes(cluster: Cluster, cluster_admin: LoggedIn) -> None:
    alice = create_user(cluster.nodes[0])
    bob = create_user(cluster.nodes[0])
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    bob_on_2 = cluster.on(bob, 1)
    with WsClient(cluster.nodes[0], alice.token) as ws:
        ws.wait_for("hello")
        created = post(bob_on_2, channel["id"], "hello from node 2")
        got = ws.wait_for("posted")
        assert got["broadcast"]["channel_id"] == channel["id"]
        assert '"hello from node 2"' in got["data"]["post"]
        expect(
            bob_on_2.api.post(
                "/reactions", {"user_id": bob.id, "post_id": created["id"], "emoji_name": "tada"}
            ),
            200,
        )
        assert ws.wait_for("reaction_added")["data"]["reaction"]
        bob_ws_seq = 0
        with WsClient(cluster.nodes[1], bob.token) as bob_ws:
            bob_ws.wait_for("hello")
            bob_ws_seq = bob_ws.send("user_typing", {"channel_id": channel["id"]})
            bob_ws.wait_reply(bob_ws_seq)
            typing = ws.wait_for("typing")
            assert typing["data"]["user_id"] == bob.id


def test_profile_change_on_one_node_shows_on_the_other(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    viewer = create_user(cluster.nodes[0])
    target = create_user(cluster.nodes[0])
    # Node 1 reads the profile and status, and so caches them.
    assert expect(viewer.api.post("/users/ids", [target.id]), 200)[0]["nickname"] == ""
    expect(viewer.api.post("/users/status/ids", [target.id]), 200)
    target_on_2 = cluster.on(target, 1)
    expect(target_on_2.api.put("/users/me/patch", {"nickname": "Changed"}), 200)
    body = {"user_id": target.id, "status": "dnd"}
    expect(target_on_2.api.put(f"/users/{target.id}/status", body), 200)
    # Delivery through Redis takes a moment; poll briefly rather than sleep.
    assert _eventually(
        lambda: expect(viewer.api.post("/users/ids", [target.id]), 200)[0]["nickname"] == "Changed"
    )
    assert _eventually(
        lambda: expect(viewer.api.post("/users/status/ids", [target.id]), 200)[0]["status"] == "dnd"
    )


def test_logout_on_one_node_ends_the_session_on_every_node(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    user = create_user(cluster.nodes[0])
    # Both nodes have the session cached.
    expect(user.api.get("/users/me"), 200)
    on_2 = cluster.on(user, 1)
    expect(on_2.api.get("/users/me"), 200)
    expect(on_2.api.post("/users/logout"), 200)
    assert _eventually(lambda: user.api.get("/users/me").status_code == 401)


def test_deactivation_on_one_node_locks_out_on_every_node(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    user = create_user(cluster.nodes[0])
    expect(user.api.get("/users/me"), 200)
    admin_on_2 = cluster.on(cluster_admin, 1)
    expect(admin_on_2.api.put(f"/users/{user.id}/active", {"active": False}), 200)
    assert _eventually(lambda: user.api.get("/users/me").status_code == 401)


def _eventually(check: object, timeout: float = 5.0) -> bool:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


def test_a_user_stays_online_while_a_socket_is_open_on_any_node(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    viewer = create_user(cluster.nodes[0])
    user = create_user(cluster.nodes[0])

    def status() -> str:
        return str(expect(viewer.api.post("/users/status/ids", [user.id]), 200)[0]["status"])

    on_1 = WsClient(cluster.nodes[0], user.token)
    on_2 = WsClient(cluster.nodes[1], user.token)
    on_1.wait_for("hello")
    on_2.wait_for("hello")
    assert _eventually(lambda: status() == "online")
    on_2.close()
    # Give node 2 time to notice the close; the socket on node 1 keeps the user online.
    time.sleep(1.0)
    assert status() == "online"
    on_1.close()
    assert _eventually(lambda: status() == "offline")


def test_channel_and_member_changes_on_one_node_reach_the_others_caches(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    alice = create_user(cluster.nodes[0])
    bob = create_user(cluster.nodes[0])
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"])
    cid = channel["id"]
    # Node 1 caches the channel and its members (alice alone) by serving a post.
    post(alice, cid, "before bob")
    with WsClient(cluster.nodes[0], bob.token) as ws_bob:
        ws_bob.wait_for("hello")
        # Bob is added through node 2; node 1 must fan the next post out to him too.
        alice_on_2 = cluster.on(alice, 1)
        expect(alice_on_2.api.post(f"/channels/{cid}/members", {"user_id": bob.id}), 201)
        assert _eventually(lambda: _delivered(alice, cid, ws_bob))
        # A rename through node 2 shows in node 1's posted events (channel_display_name).
        expect(alice_on_2.api.put(f"/channels/{cid}/patch", {"display_name": "Renamed"}), 200)
        assert _eventually(lambda: _delivered(alice, cid, ws_bob, "Renamed"))


def _delivered(author: LoggedIn, channel_id: str, ws: WsClient, display_name: str = "") -> bool:
    created = post(author, channel_id, "probe")
    try:
        frame = ws.wait_for("posted", lambda f: created["id"] in f["data"]["post"], timeout=1)
    except AssertionError:
        return False
    return not display_name or frame["data"].get("channel_display_name") == display_name


def test_each_follower_on_another_node_gets_its_own_thread_counts(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    """A reply's thread_updated crosses Redis as one message for many followers; each
    follower still sees only its own counts, addressed to itself."""
    alice, bob, carol = (create_user(cluster.nodes[0]) for _ in range(3))
    team = team_with(alice, bob, carol)
    channel = channel_with(alice, team["id"], bob, carol)
    root = post(alice, channel["id"], "a thread")
    post(bob, channel["id"], f"joining, @{carol.username}", root_id=root["id"])
    with (
        WsClient(cluster.nodes[1], alice.token) as alice_ws,
        WsClient(cluster.nodes[1], carol.token) as carol_ws,
    ):
        alice_ws.wait_for("hello")
        carol_ws.wait_for("hello")
        post(bob, channel["id"], f"@{alice.username} look", root_id=root["id"])
        seen = {}
        for user, ws in ((alice, alice_ws), (carol, carol_ws)):
            frame = ws.wait_for(
                "thread_updated", lambda f: json.loads(f["data"]["thread"])["reply_count"] == 2
            )
            assert frame["broadcast"]["user_id"] == user.id
            thread = json.loads(frame["data"]["thread"])
            assert thread["id"] == root["id"] and thread["post"]["id"] == root["id"]
            seen[user.id] = (
                thread["unread_replies"],
                thread["unread_mentions"],
                frame["data"]["previous_unread_replies"],
                frame["data"]["previous_unread_mentions"],
            )
    # Alice (root author) had one unread reply and is now mentioned; Carol was
    # mentioned by the first reply and not by the second.
    assert seen[alice.id] == (2, 1, 1, 0)
    assert seen[carol.id] == (2, 1, 1, 1)


def test_ending_a_session_on_one_node_closes_its_socket_on_the_other(
    cluster: Cluster, cluster_admin: LoggedIn
) -> None:
    user, other = create_user(cluster.nodes[0]), create_user(cluster.nodes[0])
    dm = make_dm(other, user)
    with WsClient(cluster.nodes[1], user.token) as ws:
        ws.wait_for("hello")
        ws.wait_reply(1)
        expect(user.api.post("/users/logout"), 200)  # through node 0
        post(other, dm["id"], "after the logout")
        frames = ws.frames_until_closed()
        assert ws.close_code == 1008
        assert not [f for f in frames if "after the logout" in str(f)]
    # Deactivation through node 1 closes a socket on node 0.
    target = create_user(cluster.nodes[0])
    dm = make_dm(other, target)
    with WsClient(cluster.nodes[0], target.token) as ws:
        ws.wait_for("hello")
        ws.wait_reply(1)
        admin_on_1 = cluster.on(cluster_admin, 1)
        expect(admin_on_1.api.put(f"/users/{target.id}/active", {"active": False}), 200)
        post(other, dm["id"], "after the deactivation")
        frames = ws.frames_until_closed()
        assert ws.close_code == 1008
        assert not [f for f in frames if "after the deactivation" in str(f)]
