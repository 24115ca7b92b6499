"""Post reminders: at the time, the system bot sends the user a direct message about
the post; bad times, other users' reminders and unreadable posts are refused."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import LoggedIn, expect
from tests.support.posting import post
from tests.support.ws import WsClient

User = Callable[..., LoggedIn]


def test_reminder_arrives_from_the_system_bot(msg_server: str, user_on: User) -> None:
    alice, bob = user_on(), user_on()
    team = make_team(alice)
    join_team(alice, team["id"], bob)
    channel = make_channel(alice, team["id"])
    add_to_channel(alice, channel["id"], bob)
    said = post(alice, channel["id"], "remember me")
    with WsClient(msg_server, bob.token) as ws:
        ws.wait_for("hello")
        target = int(time.time()) + 1
        r = bob.api.post(f"/users/{bob.id}/posts/{said['id']}/reminder", {"target_time": target})
        assert expect(r, 200) == {"status": "OK"}
        frame = ws.wait_for(
            "posted", lambda f: json.loads(f["data"]["post"])["type"] == "reminder", timeout=10
        )
    dm = json.loads(frame["data"]["post"])
    assert dm["props"] == {
        "team_name": team["name"],
        "post_id": said["id"],
        "username": alice.username,
        "from_bot": "true",
    }
    assert f"/{team['name']}/pl/{said['id']}" in dm["message"]
    sender = expect(bob.api.get(f"/users/{dm['user_id']}"), 200)
    assert sender["username"] == "system-bot" and sender["is_bot"] is True
    channel_of_dm = expect(bob.api.get(f"/channels/{dm['channel_id']}"), 200)
    assert channel_of_dm["type"] == "D"
    # Sent once.
    listed = expect(bob.api.get(f"/channels/{dm['channel_id']}/posts"), 200)
    assert [p["props"].get("post_id") for p in listed["posts"].values()].count(said["id"]) == 1


def test_bad_reminders_are_refused(msg_server: str, user_on: User) -> None:
    alice, bob, outsider = user_on(), user_on(), user_on()
    team = make_team(alice)
    join_team(alice, team["id"], bob)
    join_team(alice, team["id"], outsider)
    private = make_channel(alice, team["id"], type="P")
    add_to_channel(alice, private["id"], bob)
    said = post(alice, private["id"], "members only")
    path = f"/users/{bob.id}/posts/{said['id']}/reminder"
    now = int(time.time())
    for target in [now - 10, now + 4 * 365 * 86400, "soon", None, True]:
        r = bob.api.post(path, {"target_time": target})
        assert r.status_code == 400, target
        assert r.json()["id"] == "api.context.invalid_param.app_error"
    # For someone else.
    assert alice.api.post(path, {"target_time": now + 60}).status_code == 403
    # A post the user may not read, and one that does not exist.
    r = outsider.api.post(
        f"/users/{outsider.id}/posts/{said['id']}/reminder", {"target_time": now + 60}
    )
    assert r.status_code in (403, 404)
    r = bob.api.post(f"/users/{bob.id}/posts/{'b' * 26}/reminder", {"target_time": now + 60})
    assert r.status_code == 404
    # "me" names the caller.
    r = bob.api.post(f"/users/me/posts/{said['id']}/reminder", {"target_time": now + 3600})
    assert expect(r, 200) == {"status": "OK"}
