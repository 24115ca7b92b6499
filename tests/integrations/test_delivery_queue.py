"""The delivery queue survives restarts, and nodes sharing a database never deliver one
call twice (claims skip rows another node holds)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from tests.integrations.conftest import path
from tests.integrations.receiver import Answer, Receiver
from tests.integrations.test_outgoing_webhooks import wait_for_post
from tests.support.chat import make_channel, make_team
from tests.support.client import Api, create_user, expect
from tests.support.databases import database
from tests.support.posting import post
from tests.support.server import running_server

ENV = {
    # A CIDR this time: any loopback address.
    "ROOST_OUTBOUND_ALLOWED_HOSTS": "127.0.0.0/8",
    "ROOST_DELIVERY_RETRY_BASE_SECONDS": "2",
    "ROOST_DELIVERY_MAX_ATTEMPTS": "5",
}


def test_a_queued_delivery_survives_a_restart(
    backend: str, tmp_path: Path, receiver: Receiver
) -> None:
    where = path()
    receiver.answer(where, Answer(503))
    with database(backend, tmp_path) as url:
        with running_server(url, tmp_path, ENV) as base:
            admin = create_user(base)
            team = make_team(admin)
            channel = make_channel(admin, team["id"])
            body = {
                "team_id": team["id"],
                "trigger_words": ["later"],
                "callback_urls": [receiver.url(where, "127.0.0.1")],
            }
            expect(admin.api.post("/hooks/outgoing", body), 201)
            trigger = post(admin, channel["id"], "later please")
            first = receiver.wait(where)
        # The server is gone with the retry still queued; the next one delivers it.
        receiver.answer_json(where, {"text": "delivered after the restart"})
        with running_server(url, tmp_path, ENV) as base:
            second = receiver.wait(where, timeout=15)
            assert second.body == first.body and trigger["id"] in second.body.decode()
            same_admin = replace(admin, api=Api(base, admin.token))
            wait_for_post(same_admin, channel["id"], "delivered after the restart")


def test_two_nodes_deliver_each_call_once(tmp_path: Path, receiver: Receiver) -> None:
    """PostgreSQL: every first attempt fails, so each retry is claimed by whichever node
    polls first; each call still arrives exactly twice (the failure, the retry)."""
    where = path()
    receiver.fail_first(where)
    env = {**ENV, "ROOST_DELIVERY_RETRY_BASE_SECONDS": "0.5"}
    with (
        database("postgres", tmp_path) as url,
        running_server(url, tmp_path, env) as a,
        running_server(url, tmp_path, env),
    ):
        admin = create_user(a)
        team = make_team(admin)
        channel = make_channel(admin, team["id"])
        body = {
            "team_id": team["id"],
            "trigger_words": ["go"],
            "callback_urls": [receiver.url(where, "127.0.0.1")],
        }
        expect(admin.api.post("/hooks/outgoing", body), 201)
        posted = [post(admin, channel["id"], f"go {i}")["id"] for i in range(10)]
        seen: Counter[str] = Counter()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(seen.values()) < 20:
            got = receiver.wait(where, timeout=10).form()
            seen[got["post_id"]] += 1
        receiver.nothing(where, within=1.0)
    assert sorted(seen) == sorted(posted)
    assert set(seen.values()) == {2}
