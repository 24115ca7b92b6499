"""The bundled plugins, as an admin would turn them on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from tests.plugins.bundles import eventually, status, wait_state
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post
from tests.support.ws import WsClient

POLLS = "/plugins/roost.polls/api/v1/polls"


@contextmanager
def enabled(admin: LoggedIn, plugin_id: str, settings: dict[str, Any]) -> Iterator[None]:
    expect(admin.api.put(f"/plugins/{plugin_id}/settings", settings), 200)
    expect(admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
    try:
        wait_state(admin, plugin_id)
        yield
    finally:
        expect(admin.api.post(f"/plugins/{plugin_id}/disable"), 200)
        expect(admin.api.put(f"/plugins/{plugin_id}/settings", {}), 200)
        assert eventually(lambda: status(admin, plugin_id).get("state") == 0)


def test_autolink_rewrites_ticket_ids(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    settings = {"prefixes": "OPS, WEB", "url_template": "https://t.example.com/browse/{id}"}
    with enabled(plugin_admin, "roost.autolink", settings):
        created = post(room.alice, room.channel_id, "OPS-12 broke, see WEB-3 and `OPS-4`")
        assert created["message"] == (
            "[OPS-12](https://t.example.com/browse/OPS-12) broke, see "
            "[WEB-3](https://t.example.com/browse/WEB-3) and `OPS-4`"
        )
        # Edits are linked too; existing links and other prefixes are left alone.
        body = {"id": created["id"], "message": "[OPS-1](http://x) DEV-9 OPS-2"}
        edited = expect(room.alice.api.put(f"/posts/{created['id']}", body), 200)
        assert (
            edited["message"]
            == "[OPS-1](http://x) DEV-9 [OPS-2](https://t.example.com/browse/OPS-2)"
        )
        # A settings change reaches the running plugin.
        new = {"prefixes": "DEV", "url_template": "https://d.example.com/{id}"}
        expect(plugin_admin.api.put("/plugins/roost.autolink/settings", new), 200)
        assert eventually(
            lambda: (
                post(room.alice, room.channel_id, "DEV-9")["message"]
                == "[DEV-9](https://d.example.com/DEV-9)"
            )
        )
    assert post(room.alice, room.channel_id, "OPS-12")["message"] == "OPS-12"


def test_polls_over_http_with_concurrent_votes(
    plugin_server: str, plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    voters = [room.alice, room.bob, room.owner] + [make_plugin_user() for _ in range(5)]
    for voter in voters[3:]:
        expect(
            room.owner.api.post(
                f"/teams/{room.team_id}/members", {"team_id": room.team_id, "user_id": voter.id}
            ),
            201,
        )
        expect(
            room.owner.api.post(f"/channels/{room.channel_id}/members", {"user_id": voter.id}), 201
        )

    def call(user: LoggedIn, method: str, path: str, body: Any = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {user.token}"}
        return httpx.request(method, plugin_server + path, json=body, headers=headers)

    with enabled(plugin_admin, "roost.polls", {"max_options": 3}):
        too_many = call(
            room.alice,
            "POST",
            POLLS,
            {"channel_id": room.channel_id, "question": "Q?", "options": ["a", "b", "c", "d"]},
        )
        assert too_many.status_code == 400
        outsider = call(
            room.outsider,
            "POST",
            POLLS,
            {"channel_id": room.channel_id, "question": "Q?", "options": ["a", "b"]},
        )
        assert outsider.status_code == 403
        assert httpx.post(plugin_server + POLLS, json={}).status_code == 401

        poll = call(
            room.alice,
            "POST",
            POLLS,
            {"channel_id": room.channel_id, "question": "Lunch?", "options": ["Pizza", "Sushi"]},
        )
        assert poll.status_code == 201, poll.text
        poll_id, post_id = poll.json()["id"], poll.json()["post_id"]
        with ThreadPoolExecutor(8) as pool:
            votes = list(
                pool.map(
                    lambda v: call(v[1], "POST", f"{POLLS}/{poll_id}/vote", {"option": v[0] % 2}),
                    enumerate(voters),
                )
            )
        assert [v.status_code for v in votes] == [200] * len(voters)
        with WsClient(plugin_server, room.bob.token) as ws:
            ws.wait_for("hello")
            # Bob changes his mind: still one vote each, and the channel hears of it.
            expect(call(room.bob, "POST", f"{POLLS}/{poll_id}/vote", {"option": 0}), 200)
            event = ws.wait_for("custom_roost.polls_poll_updated")
            assert event["data"] == {"poll_id": poll_id, "votes": len(voters)}
        assert call(room.bob, "POST", f"{POLLS}/{poll_id}/vote", {"option": 7}).status_code == 400
        tally = call(room.alice, "GET", f"{POLLS}/{poll_id}").json()
        assert len(tally["votes"]) == len(voters)
        assert sorted(tally["votes"].values()) == [0] * 5 + [1] * 3
        assert call(room.outsider, "GET", f"{POLLS}/{poll_id}").status_code == 403
        shown = expect(room.alice.api.get(f"/posts/{post_id}"), 200)
        assert shown["props"]["poll_id"] == poll_id
        assert "- Pizza: **5**" in shown["message"] and "- Sushi: **3**" in shown["message"]


def test_poll_slash_command_through_the_command_service(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    """A plugin's registered command is answered by /commands/execute after the
    built-ins and custom commands, and is listed for autocomplete while enabled."""
    room = make_room(make_plugin_user)

    def run(text: str) -> Any:
        body = {"channel_id": room.channel_id, "team_id": room.team_id, "command": text}
        return room.alice.api.post("/commands/execute", body)

    with enabled(plugin_admin, "roost.polls", {"max_options": 4}):
        listed = expect(room.alice.api.get(f"/teams/{room.team_id}/commands/autocomplete"), 200)
        assert "poll" in {c["trigger"] for c in listed}
        usage = expect(run("/poll lonely"), 200)
        assert usage["text"].startswith("Usage: /poll")
        expect(run('/poll "Lunch?" "Pizza" "Sushi"'), 200)
        posts = expect(room.alice.api.get(f"/channels/{room.channel_id}/posts"), 200)
        newest = posts["posts"][posts["order"][0]]
        assert "Lunch?" in newest["message"] and newest["props"].get("poll_id")
    # Disabled: the trigger is nobody's.
    after = run('/poll "Again?" "a" "b"')
    assert after.status_code == 404
