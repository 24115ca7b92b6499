"""The plugin API through real plugins: the key-value store (atomic under concurrent
writers, expiry, limits), serve_http, WebSocket events, and the after-the-fact hooks."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.plugins.bundles import eventually, running
from tests.support.chat import add_to_channel, make_channel, make_team
from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique
from tests.support.posting import make_room, post
from tests.support.ws import WsClient

KV = """
import json
from roost.plugin import APIError, HttpRequest, HttpResponse, Plugin

def reply(value, status=200):
    return HttpResponse(status=status, body=json.dumps(value).encode())

class Plugin(Plugin):
    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        api = self.api
        args = json.loads(request.body or b"{}")
        if request.path == "/incr":
            for attempt in range(200):
                old = await api.kv_get("counter")
                new = str(int(old or b"0") + 1).encode()
                ok = await api.kv_set_with_options(
                    "counter", new, atomic=True, old_value=old
                )
                if ok:
                    return reply({"value": int(new), "attempts": attempt + 1})
            return reply({"error": "gave up"}, 409)
        if request.path == "/get":
            value = await api.kv_get(args["key"])
            return reply(None if value is None else value.decode("latin-1"))
        if request.path == "/set":
            try:
                await api.kv_set_with_expiry(
                    args["key"], args["value"].encode("latin-1"), args.get("seconds", 0)
                )
            except APIError as exc:
                return reply({"error": exc.error_id}, exc.status)
            return reply("ok")
        if request.path == "/cas":
            old = args.get("old")
            value = args.get("value")
            ok = await api.kv_set_with_options(
                args["key"],
                None if value is None else value.encode(),
                atomic=True,
                old_value=None if old is None else old.encode(),
            )
            return reply(ok)
        if request.path == "/list":
            return reply(await api.kv_list(args.get("page", 0), args.get("per_page", 100)))
        if request.path == "/clear":
            await api.kv_delete_all()
            return reply("ok")
        if request.path == "/whoami":
            return reply({"user_id": request.user_id, "auth": request.headers.get("authorization")})
        if request.path == "/notify":
            await api.publish_websocket_event("ping", {"n": 1}, user_id=request.user_id)
            return reply("ok")
        return reply({"error": "no such path"}, 404)
"""


def _call(
    base: str, plugin_id: str, path: str, body: object = None, token: str = ""
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{base}/plugins/{plugin_id}{path}", json=body or {}, headers=headers)


@pytest.mark.parametrize("trusted", [False, True], ids=["isolated", "in_process"])
def test_kv_compare_and_set_under_concurrent_writers(
    plugin_server: str, plugin_admin: LoggedIn, trusted: bool
) -> None:
    with running(plugin_admin, "test.kv", KV, trusted=trusted):
        _call(plugin_server, "test.kv", "/clear")
        writers = 24
        with ThreadPoolExecutor(8) as pool:
            results = list(
                pool.map(lambda _: _call(plugin_server, "test.kv", "/incr"), range(writers))
            )
        assert all(r.status_code == 200 for r in results), [r.text for r in results]
        # Every increment landed exactly once: the values handed out are 1..N.
        assert sorted(r.json()["value"] for r in results) == list(range(1, writers + 1))
        assert _call(plugin_server, "test.kv", "/get", {"key": "counter"}).json() == str(writers)


def test_kv_expiry_delete_if_absent_and_limits(plugin_server: str, plugin_admin: LoggedIn) -> None:
    def call(path: str, body: object = None) -> httpx.Response:
        return _call(plugin_server, "test.kv", path, body)

    with running(plugin_admin, "test.kv", KV):
        call("/clear")
        assert call("/set", {"key": "short", "value": "v", "seconds": 1}).json() == "ok"
        assert call("/set", {"key": "long", "value": "w"}).json() == "ok"
        assert call("/get", {"key": "short"}).json() == "v"
        assert call("/list").json() == ["long", "short"]
        time.sleep(1.2)
        assert call("/get", {"key": "short"}).json() is None
        assert call("/list").json() == ["long"]
        # Set-if-absent works on an expired key, fails on a live one.
        assert call("/cas", {"key": "short", "value": "x"}).json() is True
        assert call("/cas", {"key": "short", "value": "y"}).json() is False
        # Compare-and-set and compare-and-delete.
        assert call("/cas", {"key": "short", "value": "z", "old": "nope"}).json() is False
        assert call("/cas", {"key": "short", "value": "z", "old": "x"}).json() is True
        assert call("/cas", {"key": "short", "old": "z"}).json() is True
        assert call("/get", {"key": "short"}).json() is None
        # Limits: key length 150, value 1 MiB, expiry not negative.
        assert call("/set", {"key": "k" * 151, "value": "v"}).status_code == 400
        assert call("/set", {"key": "k" * 150, "value": "v"}).status_code == 200
        assert call("/set", {"key": "neg", "value": "v", "seconds": -1}).status_code == 400
        big = call("/set", {"key": "big", "value": "v" * (1024 * 1024 + 1)})
        assert (big.status_code, big.json()) == (413, {"error": "app.plugin.kv.value.app_error"})


def test_serve_http_user_id_only_when_authenticated(
    plugin_server: str, plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    user = make_plugin_user()
    with running(plugin_admin, "test.kv", KV):
        anonymous = _call(plugin_server, "test.kv", "/whoami").json()
        assert anonymous == {"user_id": "", "auth": None}
        signed_in = _call(plugin_server, "test.kv", "/whoami", token=user.token).json()
        # The plugin gets the user id, never the caller's credentials.
        assert signed_in == {"user_id": user.id, "auth": None}
        bad_token = _call(plugin_server, "test.kv", "/whoami", token="not-a-token").json()
        assert bad_token["user_id"] == ""
    gone = _call(plugin_server, "test.kv", "/whoami")
    assert gone.status_code == 404
    assert gone.json()["id"] == "api.plugin.serve_http.not_found.app_error"


def test_websocket_event_is_namespaced(
    plugin_server: str, plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    user = make_plugin_user()
    with running(plugin_admin, "test.kv", KV), WsClient(plugin_server, user.token) as ws:
        ws.wait_for("hello")
        assert _call(plugin_server, "test.kv", "/notify", token=user.token).status_code == 200
        event = ws.wait_for("custom_test.kv_ping")
        assert event["data"] == {"n": 1}


RECORDER = """
import json
from roost.plugin import HttpRequest, HttpResponse, Plugin, Rejected

class Plugin(Plugin):
    async def _log(self, *entry):
        # One key per event: concurrent hooks never overwrite each other.
        await self.api.kv_set("e:" + ":".join(entry), b"1")

    async def message_has_been_posted(self, post):
        await self._log("posted", post.message)

    async def message_has_been_updated(self, new, old):
        await self._log("updated", old.message, new.message)

    async def message_has_been_deleted(self, post):
        await self._log("deleted", post.id)

    async def reaction_has_been_added(self, reaction):
        await self._log("reacted", reaction.emoji_name)

    async def reaction_has_been_removed(self, reaction):
        await self._log("unreacted", reaction.emoji_name)

    async def channel_has_been_created(self, channel):
        await self._log("channel", channel.name)

    async def user_has_joined_channel(self, member, actor_id):
        await self._log("joined_channel", member.channel_id, member.user_id)

    async def user_has_left_channel(self, member, actor_id):
        await self._log("left_channel", member.channel_id, member.user_id)

    async def user_has_joined_team(self, member, actor_id):
        await self._log("joined_team", member.team_id, member.user_id)

    async def user_has_left_team(self, member, actor_id):
        await self._log("left_team", member.team_id, member.user_id)

    async def user_has_been_created(self, user):
        await self._log("user", user.username)

    async def user_will_log_in(self, user):
        if user.username.startswith("blocked"):
            raise Rejected("not today")

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        keys = await self.api.kv_list(0, 1000)
        return HttpResponse(body=json.dumps(keys).encode())
"""


def test_lifecycle_hooks(
    plugin_server: str, plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    def seen(*entry: str) -> bool:
        keys = httpx.get(f"{plugin_server}/plugins/test.recorder/").json()
        return "e:" + ":".join(entry) in keys

    with running(plugin_admin, "test.recorder", RECORDER):
        room = make_room(make_plugin_user)
        newcomer = make_plugin_user()
        assert eventually(lambda: seen("user", newcomer.username))
        assert eventually(lambda: seen("joined_team", room.team_id, room.alice.id))

        created = post(room.alice, room.channel_id, "first words")
        assert eventually(lambda: seen("posted", "first words"))
        body = {"id": created["id"], "message": "second words"}
        expect(room.alice.api.put(f"/posts/{created['id']}", body), 200)
        assert eventually(lambda: seen("updated", "first words", "second words"))
        reaction = {"user_id": room.bob.id, "post_id": created["id"], "emoji_name": "tada"}
        expect(room.bob.api.post("/reactions", reaction), 200)
        assert eventually(lambda: seen("reacted", "tada"))
        expect(
            room.bob.api.delete(f"/users/{room.bob.id}/posts/{created['id']}/reactions/tada"), 200
        )
        assert eventually(lambda: seen("unreacted", "tada"))
        expect(room.alice.api.delete(f"/posts/{created['id']}"), 200)
        assert eventually(lambda: seen("deleted", created["id"]))

        channel = make_channel(room.owner, room.team_id, name="recorded-channel")
        assert eventually(lambda: seen("channel", "recorded-channel"))
        add_to_channel(room.owner, channel["id"], room.bob)
        assert eventually(lambda: seen("joined_channel", channel["id"], room.bob.id))
        expect(room.bob.api.delete(f"/channels/{channel['id']}/members/{room.bob.id}"), 200)
        assert eventually(lambda: seen("left_channel", channel["id"], room.bob.id))
        expect(room.bob.api.delete(f"/teams/{room.team_id}/members/{room.bob.id}"), 200)
        assert eventually(lambda: seen("left_team", room.team_id, room.bob.id))

        anon = Api(plugin_server)
        name = unique("blocked")
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        expect(anon.post("/users", body), 201)
        credentials = {"login_id": name, "password": PASSWORD}
        refused = expect(anon.post("/users/login", credentials), 400)
        assert refused["message"] == "Login rejected by plugin. not today"
    make_team(room.owner)  # with the plugin gone nothing is recorded, and nothing fails
    expect(anon.post("/users/login", credentials), 200)


ENVIRONMENT = """
import json, os
from roost.plugin import HttpRequest, HttpResponse, Plugin

class Plugin(Plugin):
    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        names = sorted(k for k in os.environ if k.startswith(("ROOST_", "AWS_")))
        return HttpResponse(body=json.dumps(names).encode())
"""


def test_the_plugin_host_gets_none_of_the_servers_secrets(
    plugin_server: str, plugin_admin: LoggedIn
) -> None:
    with running(plugin_admin, "test.env", ENVIRONMENT):
        assert httpx.get(f"{plugin_server}/plugins/test.env/").json() == []
