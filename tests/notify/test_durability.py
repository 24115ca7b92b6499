"""A post's notifications survive the node that wrote it: the post's job is written in
the post's own transaction, so a node killed the moment it acknowledged a post loses
none of its pushes; the next node to start sends them."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.notify.conftest import attach_device, notify_env, set_status
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer
from tests.support.client import create_user
from tests.support.databases import database
from tests.support.posting import make_room, post
from tests.support.server import running_server, server_process

POSTS = 5


def test_posts_acknowledged_by_a_killed_node_are_still_pushed(
    backend: str, tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> None:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-notify-durable-{backend}")
    env = notify_env(proxy, smtp, ROOST_PUSH_TIMEOUT_SECONDS="1", ROOST_SMTP_TIMEOUT_SECONDS="1")
    with database(backend, data_dir) as url:
        with server_process(url, data_dir, env) as node:
            create_user(node.base)  # the first account (the server's admin)
            room = make_room(lambda **kw: create_user(node.base, **kw))
            device = attach_device(room.alice)
            set_status(room.alice, "offline")
            posted = [
                post(room.owner, room.channel_id, f"@{room.alice.username} look {i}")["id"]
                for i in range(POSTS - 1)
            ]
            # The last one: killed the moment its 201 is read, before anything else runs.
            last = post(room.owner, room.channel_id, f"@{room.alice.username} last")
            node.proc.send_signal(signal.SIGKILL)
            posted.append(last["id"])
        with running_server(url, data_dir, env):
            # Rows the dead node had claimed come back when its lease ends: 4 rounds of
            # the push timeout (1 s here) plus a 30 s margin. A push the dead node sent
            # but had not yet recorded as sent may come twice (at least once, never lost).
            deadline, pushed = time.monotonic() + 60, set[str]()
            while time.monotonic() < deadline:
                pushed = {m["post_id"] for m in proxy.messages(device)}
                if pushed >= set(posted):
                    break
                time.sleep(0.2)
    assert pushed == set(posted)
