"""HTTP apps' event subscriptions: each subject delivered once, signed, through the
persisted delivery queue (retried on failure), and only on the node that made the change."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from tests.cluster.conftest import cluster_env
from tests.integrations.conftest import HookServer
from tests.integrations.fake_app import PLUGIN, FakeApp, claims, install
from tests.integrations.receiver import Receiver
from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import Room, post
from tests.support.server import running_server


def subscribe(app: FakeApp, base: str, **body: Any) -> Any:
    bot = app.bot(base)
    return bot.api.http.post(f"{base}{PLUGIN}/subscribe", json=body)


def on(subject: str) -> dict[str, Any]:
    expand = {"post_created": {"post": "all"}, "user_joined_channel": {"user": "summary"}}
    return {"path": f"/on/{subject}", "expand": expand.get(subject, {})}


def wait_for(app: FakeApp, subject: str, key: str, value: str) -> dict[str, Any]:
    """The next delivery of this subject whose context[key] is value (others may come
    first: other tests' users sign up too)."""
    for _ in range(50):
        got = app.wait(f"/on/{subject}")
        sent: dict[str, Any] = got.json()
        if sent["context"].get(key) == value:
            sent["claims"] = claims(got)
            return sent
    raise AssertionError(f"no {subject} with {key}={value}")


def test_subscriptions_deliver_each_subject(
    hooks: HookServer, room: Room, receiver: Receiver
) -> None:
    app = install(hooks.admin, receiver, [])
    app.join(room.owner, room.team_id, room.channel_id)
    base = hooks.base

    # Who may subscribe to what.
    assert subscribe(app, base, subject="nope", call=on("x")).status_code == 400
    assert subscribe(app, base, subject="post_created", call=on("x")).status_code == 400
    private = make_channel(room.owner, room.team_id, type="P")
    hidden = subscribe(app, base, subject="post_created", channel_id=private["id"], call=on("x"))
    assert hidden.status_code in (403, 404)
    human = room.alice.api.http.post(
        f"{base}{PLUGIN}/subscribe",
        json={"subject": "user_created", "call": on("user_created")},
    )
    assert human.status_code == 403 and human.json()["id"] == "apps.bot_only"

    scoped = {
        "post_created": {"channel_id": room.channel_id},
        "user_joined_channel": {"channel_id": room.channel_id},
        "user_joined_team": {"team_id": room.team_id},
        "channel_created": {"team_id": room.team_id},
        "user_created": {},
    }
    for subject, scope in scoped.items():
        expect(subscribe(app, base, subject=subject, call=on(subject), **scope), 200)
    listed = expect(app.bot(base).api.http.get(f"{base}{PLUGIN}/subscriptions"), 200)
    assert sorted(s["subject"] for s in listed) == sorted(scoped)

    # post_created: the first attempt fails, the queue retries it.
    receiver.fail_first(app.path("/on/post_created"))
    said = post(room.alice, room.channel_id, "hello apps")
    first = app.wait("/on/post_created")
    again = app.wait("/on/post_created")
    assert first.body == again.body
    sent = again.json()
    assert sent["path"] == "/on/post_created"
    assert sent["context"]["subject"] == "post_created"
    assert sent["context"]["post"]["id"] == said["id"]
    assert sent["context"]["post"]["message"] == "hello apps"
    assert sent["context"]["channel_id"] == room.channel_id
    assert claims(again)["acting_user_id"] == room.alice.id
    # The app's own posts (with its token) do not come back to it.
    post(app.bot(base), room.channel_id, "the app speaking")
    app.nothing("/on/post_created")

    newcomer = create_user(base)
    joined = wait_for(app, "user_created", "user_id", newcomer.id)
    assert joined["context"]["subject"] == "user_created"
    join_team(room.owner, room.team_id, newcomer)
    team_join = wait_for(app, "user_joined_team", "user_id", newcomer.id)
    assert team_join["context"]["team_id"] == room.team_id
    add_to_channel(room.owner, room.channel_id, newcomer)
    channel_join = wait_for(app, "user_joined_channel", "user_id", newcomer.id)
    assert channel_join["context"]["user"]["username"] == newcomer.username
    assert channel_join["context"]["channel_id"] == room.channel_id
    created = make_channel(room.owner, room.team_id)
    made = wait_for(app, "channel_created", "channel_id", created["id"])
    assert made["claims"]["acting_user_id"] == room.owner.id

    # Unsubscribed: nothing more.
    gone = {"subject": "post_created", "channel_id": room.channel_id}
    expect(app.bot(base).api.http.post(f"{base}{PLUGIN}/unsubscribe", json=gone), 200)
    post(room.alice, room.channel_id, "nobody listens")
    app.nothing("/on/post_created")
    expect(hooks.admin.api.delete(f"/apps/{app.app_id}"), 200)


def test_two_nodes_deliver_each_event_once_and_share_bindings_refreshes(
    tmp_path: Path, receiver: Receiver
) -> None:
    """Two nodes on one PostgreSQL and Redis: a change made on one node reaches the app
    once (not once per node), and a refresh asked of one node drops both nodes' copy."""
    env = {
        "ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost",
        **cluster_env(f"apps-{uuid.uuid4().hex[:8]}"),
    }
    header = {"location": "/channel_header", "bindings": [{"location": "go", "label": "Go"}]}
    with (
        database("postgres", tmp_path) as url,
        running_server(url, tmp_path, env) as a,
        running_server(url, tmp_path, env) as b,
    ):
        admin = create_user(a)
        app = install(admin, receiver, [header])
        team = make_team(admin)
        app.join(admin, team["id"])
        expect(
            subscribe(
                app, a, subject="channel_created", team_id=team["id"], call=on("channel_created")
            ),
            200,
        )
        on_b = LoggedIn(admin.id, admin.username, admin.email, admin.token, _api(b, admin), {})
        created = make_channel(on_b, team["id"])
        got = app.wait("/on/channel_created").json()
        assert got["context"]["channel_id"] == created["id"]
        app.nothing("/on/channel_created", within=1.0)

        for node in (a, b):
            _bindings(node, admin)
        app.wait("/bindings")
        app.wait("/bindings")
        _bindings(b, admin)
        app.nothing("/bindings")
        expect(admin.api.post(f"/apps/{app.app_id}/bindings/refresh"), 200)
        _bindings(b, admin)
        app.wait("/bindings")


def _api(base: str, user: LoggedIn) -> Api:
    return Api(base, user.token)


def _bindings(base: str, user: LoggedIn) -> Any:
    return expect(_api(base, user).http.get(f"{base}{PLUGIN}/bindings"), 200)
