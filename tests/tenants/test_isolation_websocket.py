"""WebSocket isolation between tenants.

Every action the server understands (its own table, ``roost.api.websocket.ACTIONS``; a
guard fails when one is added that this test does not send) is sent by one tenant's
system admin on its own tenant's socket with another tenant's ids, and answered exactly
as for ids that exist nowhere. The other tenant's sockets, connected meanwhile, hear
nothing of it; and with both tenants' sockets open, no event of one reaches the other."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from roost.api.websocket import ACTIONS
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.support.posting import post
from tests.support.ws import Frame, WsClient
from tests.tenants.conftest import Deployment, host_of, new_tenant
from tests.tenants.victim import Victim, nowhere, plant

# What a client sends with each action, with the ids taken from ``ids``: the values
# the actions name (Mattermost's clients send these fields).
IDS = ("owner_id", "user_id", "team_id", "channel_id", "post_id")


def action_data(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {
        "ping": {},
        "get_statuses": {},
        "get_statuses_by_ids": {"user_ids": [ids["owner_id"], ids["user_id"]]},
        "user_typing": {"channel_id": ids["channel_id"], "parent_id": ids["post_id"]},
        "presence": {"channel_id": ids["channel_id"], "team_id": ids["team_id"]},
        "user_update_active_status": {
            "user_is_active": True,
            "manual": False,
            "channel_id": ids["channel_id"],
        },
        "posted_notify_ack": {"post_id": ids["post_id"], "user_id": ids["user_id"]},
    }


def test_every_socket_action_is_sent() -> None:
    sent = set(action_data({k: "x" for k in IDS}))
    assert sent == set(ACTIONS), f"actions this test does not send: {set(ACTIONS) - sent}"


def victim_ids(victim: Victim) -> dict[str, str]:
    v = victim.values
    return {
        "owner_id": victim.owner.id,
        "user_id": v["user_id"],
        "team_id": victim.team_id,
        "channel_id": victim.channel_id,
        "post_id": victim.post_id,
    }


@dataclass
class Side:
    """One tenant's users, and what of it must never reach the other tenant."""

    host: str
    admin: LoggedIn
    member: LoggedIn
    team_id: str
    channel_id: str
    markers: set[str]  # ids and texts that show an event came from this tenant


def victim_side(victim: Victim) -> Side:
    markers = {*victim.secrets, *victim_ids(victim).values()}
    return Side(
        victim.host, victim.owner, victim.member, victim.team_id, victim.channel_id, markers
    )


def intruder_side(deployment: Deployment) -> Side:
    host = host_of(new_tenant(deployment))
    admin = create_user(deployment.base, host=host, username=unique("intruder"))
    member = create_user(deployment.base, host=host, nickname="Intruder Nickname")
    team = team_with(admin, member, display_name="Intruder Team")
    channel = channel_with(admin, team["id"], member, display_name="Intruder Channel")
    markers = {
        admin.id,
        member.id,
        admin.username,
        member.username,
        team["id"],
        channel["id"],
        "Intruder",
        "intruder says",
    }
    return Side(host, admin, member, team["id"], channel["id"], markers)


@contextmanager
def sockets(deployment: Deployment, *sides: Side) -> Iterator[list[WsClient]]:
    """An authenticated socket per user (admin, member) of each side, past its hello,
    and quiet: the status events their connecting caused are read already."""
    with ExitStack() as stack:
        clients = []
        for side in sides:
            for user in (side.admin, side.member):
                ws = stack.enter_context(WsClient(deployment.base, user.token, host=side.host))
                ws.wait_for("hello")
                ws.wait_reply(1)
                clients.append(ws)
        for ws in clients:
            ws.drain()
        yield clients


def reply_shape(reply: Frame, ids: dict[str, str]) -> Any:
    """A reply with the ids the request named written as their names, and without the
    clock: equal for two requests only if they were answered alike."""
    data = reply.get("data")
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "server_time"}
    text = repr((reply.get("status"), (reply.get("error") or {}).get("id"), data))
    for name, value in ids.items():
        text = text.replace(value, f"<{name}>")
    return text


def ask(ws: WsClient, action: str, data: dict[str, Any]) -> Frame:
    return ws.wait_reply(ws.send(action, data))


def crossed(frames: list[Frame], markers: set[str]) -> list[str]:
    texts = [str(f) for f in frames]
    return [t[:200] for t in texts if any(m in t for m in markers)]


def test_socket_actions_with_another_tenants_ids(deployment: Deployment) -> None:
    victim = plant(deployment)
    theirs_ids = victim_ids(victim)
    absent_ids = {k: nowhere(k) for k in IDS}
    home, intruder = victim_side(victim), intruder_side(deployment)
    with sockets(deployment, home, intruder) as (v_owner, v_member, i_admin, i_member):
        differing, leaked = [], []
        theirs, absent = action_data(theirs_ids), action_data(absent_ids)
        for action in sorted(ACTIONS):
            got = ask(i_admin, action, theirs[action])
            expected = ask(i_admin, action, absent[action])
            if reply_shape(got, theirs_ids) != reply_shape(expected, absent_ids):
                differing.append(f"{action}: {got} vs {expected}")
            named = {m for m in home.markers if m not in theirs_ids.values()}
            if action == "get_statuses":
                named = home.markers  # asked for no ids: none of them may come back
            if crossed([got], named):
                leaked.append(f"{action}: {got}")
        assert not leaked, leaked
        assert not differing, "\n".join(differing)
        # The victim's sockets heard nothing of any of it: once the intruder's own
        # member has heard a post made after it all, nothing more is on its way.
        post(intruder.admin, intruder.channel_id, "intruder says: fence")
        i_member.wait_for("posted")
        # Nothing happened in the victim's tenant meanwhile: its sockets got no event.
        heard = v_owner.drain() + v_member.drain()
        assert not [f for f in heard if "event" in f], heard
        # The check tells ids apart: asked by the victim's own member, the same
        # actions answer its ids unlike ids that exist nowhere (everyone is online,
        # the typing is heard).
        told_apart = {
            action
            for action in ACTIONS
            if reply_shape(ask(v_member, action, theirs[action]), theirs_ids)
            != reply_shape(ask(v_member, action, absent[action]), absent_ids)
        }
        assert {"get_statuses_by_ids", "user_typing"} <= told_apart
        assert v_owner.wait_for("typing")["data"]["user_id"] == victim.member.id


def test_another_tenants_token_and_connection_are_unknown(deployment: Deployment) -> None:
    """The victim's session token, sent in an authentication challenge on the other
    tenant's host, closes the socket as a token of no one does; the victim's dropped
    connection, named to resume it, gives a fresh connection as an unknown one does,
    and stays the victim's to resume."""
    victim = plant(deployment)
    intruder = intruder_side(deployment)
    for token in (victim.owner.token, "x" * 26):
        ws = WsClient(deployment.base, token, host=intruder.host)
        with pytest.raises(ConnectionClosed):
            ws.wait_for("hello", timeout=5)
        assert not ws.frames
        ws.close()
    owner = victim.owner
    ws = WsClient(deployment.base, owner.token, host=victim.host)
    theirs = ws.wait_for("hello")["data"]["connection_id"]
    ws.wait_reply(1)
    ws.drain()
    resume_from = max(f["seq"] for f in ws.frames if "event" in f) + 1
    ws.close()
    deadline = time.monotonic() + 5
    while expect(owner.api.get("/users/me/status"), 200)["status"] != "offline":
        assert time.monotonic() < deadline, "the owner never went offline"
        time.sleep(0.05)
    # Missed while away: the dropped connection keeps it to replay.
    post(victim.member, victim.channel_id, "victim secret while away")
    for connection_id in (theirs, nowhere("connection_id")):
        with WsClient(
            deployment.base,
            intruder.admin.token,
            connection_id=connection_id,
            sequence_number=resume_from,
            host=intruder.host,
        ) as other:
            hello = other.wait_for("hello")
            assert hello["seq"] == 0 and hello["data"]["connection_id"] != connection_id
            other.wait_reply(1)
            assert not crossed(other.drain(), victim_side(victim).markers)
    with WsClient(
        deployment.base,
        owner.token,
        connection_id=theirs,
        sequence_number=resume_from,
        host=victim.host,
    ) as again:
        missed = again.wait_for("posted")
        assert "victim secret while away" in missed["data"]["post"]
        assert again.hello is None


def test_no_event_crosses_between_tenants(deployment: Deployment) -> None:
    """Both tenants' sockets open, each tenant does the things that make events (a
    post, typing, a profile change, a new user, a status); each hears its own, none
    hears the other's."""
    victim = plant(deployment)
    home, intruder = victim_side(victim), intruder_side(deployment)
    with sockets(deployment, home, intruder) as clients:
        v_admin_ws, v_member_ws, i_admin_ws, i_member_ws = clients
        heard: dict[str, list[Frame]] = {}
        for side, typer_ws, listener_ws in (
            (home, v_member_ws, v_admin_ws),
            (intruder, i_member_ws, i_admin_ws),
        ):
            label = "victim secret" if side is home else "intruder says"
            post(side.member, side.channel_id, f"{label}: a post")
            ask(typer_ws, "user_typing", {"channel_id": side.channel_id})
            expect(side.member.api.put("/users/me/patch", {"nickname": f"{label} nick"}), 200)
            newcomer = create_user(deployment.base, host=side.host)
            side.markers.add(newcomer.id)
            status = {"user_id": side.member.id, "status": "away"}
            expect(side.member.api.put(f"/users/{side.member.id}/status", status), 200)
            heard[side.host] = [
                listener_ws.wait_for("posted"),
                listener_ws.wait_for("typing"),
                listener_ws.wait_for("user_updated"),
                listener_ws.wait_for("new_user"),
                # To the user alone, as Mattermost sends it.
                typer_ws.wait_for("status_change", lambda f: f["data"]["status"] == "away"),
            ]
        for ws in clients:
            ws.drain()
    v_frames = v_admin_ws.frames + v_member_ws.frames
    i_frames = i_admin_ws.frames + i_member_ws.frames
    assert not crossed(i_frames, home.markers)
    assert not crossed(v_frames, intruder.markers)
    # Each event heard at home carries the markers: a crossing would have shown.
    for side in (home, intruder):
        assert len(crossed(heard[side.host], side.markers)) == len(heard[side.host])
