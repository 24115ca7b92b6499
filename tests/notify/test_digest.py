"""Email batching: with EnableEmailBatching a user's ``email_interval`` preference
gathers their mentions into one digest, leaving out what they read meanwhile."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notify.conftest import NotifyServer, notify_env, set_status
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import make_room, post
from tests.support.server import running_server


@pytest.fixture(scope="module")
def batching(
    backend: str, tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> Iterator[NotifyServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-digest-{backend}")
    env = notify_env(
        proxy, smtp, ROOST_ENABLE_EMAIL_BATCHING="true", ROOST_EMAIL_BATCHING_INTERVAL="1"
    )
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username=f"dadmin{uuid.uuid4().hex[:6]}")
        yield NotifyServer(base, data_dir, admin, proxy, smtp)


def interval(user: LoggedIn, seconds: str) -> None:
    pref = {"user_id": user.id, "category": "notifications", "name": "email_interval"}
    expect(user.api.put(f"/users/{user.id}/preferences", [{**pref, "value": seconds}]), 200)


def test_mentions_are_gathered_into_one_digest(batching: NotifyServer) -> None:
    room = make_room(batching.user)
    alice = room.alice
    set_status(alice, "offline")
    interval(alice, "2")
    post(room.owner, room.channel_id, f"@{alice.username} first thing")
    post(room.bob, room.channel_id, f"@{alice.username} second thing")
    [digest] = batching.smtp.mailbox.wait(alice.email, timeout=20)
    text = digest.part("plain")
    assert digest.message["Subject"].startswith("[Roost] New Notifications for ")
    assert "2 new notifications" in text
    assert text.index("first thing") < text.index("second thing")
    assert f"@{room.bob.username} in ~" in text
    batching.smtp.mailbox.quiet(alice.email, 1.0)


def test_read_messages_are_left_out_and_never_means_never(batching: NotifyServer) -> None:
    room = make_room(batching.user)
    alice, bob = room.alice, room.bob
    for u in (alice, bob):
        set_status(u, "offline")
    interval(alice, "2")
    interval(bob, "0")
    post(room.owner, room.channel_id, f"@{alice.username} @{bob.username} read already")
    # once the digest item waits, alice reads the channel
    deadline = time.monotonic() + 10
    while (
        expect(batching.admin.api.get("/notifications/outbox"), 200)["pending"].get("digest", 0) < 1
    ):
        assert time.monotonic() < deadline, "no digest item written"
        time.sleep(0.05)
    expect(
        alice.api.post(f"/channels/members/{alice.id}/view", {"channel_id": room.channel_id}),
        200,
    )
    batching.smtp.mailbox.quiet(alice.email, 3.0)
    assert batching.smtp.mailbox.to(bob.email) == []


def test_immediate_choice_sends_at_once(batching: NotifyServer) -> None:
    room = make_room(batching.user)
    alice = room.alice
    set_status(alice, "offline")
    interval(alice, "30")
    post(room.owner, room.channel_id, f"@{alice.username} right now")
    [mail] = batching.smtp.mailbox.wait(alice.email, timeout=10)
    assert mail.message["Subject"].startswith("[Roost] Notification in ")
