"""HTTP apps: installing from a manifest URL, the app's bot and token, signed calls,
bindings cached by the server, forms (submit and lookup), slash commands, uninstalling."""

from __future__ import annotations

from typing import Any

from tests.integrations.conftest import HookServer, path
from tests.integrations.fake_app import (
    PLUGIN,
    SECRET,
    claims,
    command_binding,
    install,
    new_app_id,
    serve,
)
from tests.integrations.receiver import Receiver
from tests.support.client import Api, LoggedIn, create_user, expect
from tests.support.posting import Room


def call(user: LoggedIn, body: dict[str, Any]) -> Any:
    return plugin_post(user, "/call", body)


def plugin_post(user: LoggedIn, sub: str, body: dict[str, Any]) -> Any:
    return user.api.http.post(f"{user.api.base}{PLUGIN}{sub}", json=body)


def bindings(user: LoggedIn, **params: str) -> Any:
    r = user.api.http.get(f"{user.api.base}{PLUGIN}/bindings", params=params)
    return expect(r, 200)


def test_install_gives_a_bot_and_signs_calls(
    hooks: HookServer, room: Room, receiver: Receiver
) -> None:
    admin = hooks.admin
    root, url, app_id = serve(receiver, [], display_name="Weather")
    body = {"manifest_url": url, "secret": SECRET}
    assert room.owner.api.post("/apps", body).status_code == 403
    short = admin.api.post("/apps", {"manifest_url": url, "secret": "x" * 31})
    assert short.status_code == 400
    missing = admin.api.post("/apps", {"manifest_url": receiver.url(path())})
    assert missing.status_code == 400 and missing.json()["id"] == "apps.install.manifest"
    _, bad_url, _ = serve(receiver, [], app_id="9 Bad Id")
    bad = admin.api.post("/apps", {"manifest_url": bad_url})
    assert bad.status_code == 400 and "app_id" in bad.json()["message"]

    installed = expect(admin.api.post("/apps", body), 201)
    assert installed["app_id"] == app_id and installed["secret"] == SECRET
    assert installed["manifest"]["display_name"] == "Weather"
    bot = expect(admin.api.get(f"/users/{installed['bot_user_id']}"), 200)
    assert bot["is_bot"] is True and bot["username"] == app_id
    dup = admin.api.post("/apps", body)
    assert dup.status_code == 400 and dup.json()["id"] == "apps.install.exists"

    # on_install: a signed CallRequest carrying the bot's token, which works.
    got = receiver.wait(root + "/installed")
    assert claims(got)["acting_user_id"] == admin.id
    context = got.json()["context"]
    assert context["app_id"] == app_id and context["bot_user_id"] == bot["id"]
    assert context["mattermost_site_url"] == hooks.base
    as_bot = Api(hooks.base, context["bot_access_token"])
    assert expect(as_bot.get("/users/me"), 200)["id"] == bot["id"]

    listed = expect(admin.api.get("/apps"), 200)
    assert app_id in [a["app_id"] for a in listed]
    assert all("secret" not in a for a in listed)
    assert expect(admin.api.get(f"/apps/{app_id}"), 200)["bot_user_id"] == bot["id"]
    assert room.owner.api.get("/apps").status_code == 403

    expect(admin.api.delete(f"/apps/{app_id}"), 200)
    assert as_bot.get("/users/me").status_code == 401
    assert admin.api.get(f"/apps/{app_id}").status_code == 404
    # Installing it again brings the same bot back.
    again = expect(admin.api.post("/apps", body), 201)
    assert again["bot_user_id"] == bot["id"]
    receiver.wait(root + "/installed")
    expect(admin.api.delete(f"/apps/{app_id}"), 200)


def test_bindings_are_cached_until_the_app_says_so(
    hooks: HookServer, room: Room, receiver: Receiver
) -> None:
    header = {"location": "/channel_header", "bindings": [{"location": "go", "label": "Go"}]}
    menu = {"location": "/post_menu", "bindings": [{"location": "x", "label": "X"}]}
    app = install(hooks.admin, receiver, [header, menu], requested_locations=["/channel_header"])
    for _ in range(3):
        found = bindings(room.alice, channel_id=room.channel_id, team_id=room.team_id)
        mine = [b for top in found for b in top["bindings"] if b["app_id"] == app.app_id]
        # Only the locations the manifest asked for are served, stamped with the app.
        assert mine == [{"location": "go", "label": "Go", "app_id": app.app_id}]
    got = app.wait("/bindings")
    assert claims(got)["acting_user_id"] == app.bot_id
    app.nothing("/bindings")  # asked once, not per request or per channel

    # The app says its bindings changed (as its bot): the next request asks it again.
    token = got.json()["context"]["bot_access_token"]
    header["bindings"] = [{"location": "go", "label": "Go again"}]
    app.answer("/bindings", {"type": "ok", "data": [header]})
    assert room.alice.api.post(f"/apps/{app.app_id}/bindings/refresh").status_code == 403
    expect(Api(hooks.base, token).post(f"/apps/{app.app_id}/bindings/refresh"), 200)
    found = bindings(room.alice)
    assert [b["label"] for top in found for b in top["bindings"] if b["app_id"] == app.app_id] == [
        "Go again"
    ]
    app.wait("/bindings")

    # Nested too deep (a 4th level): refused whole (and logged), the app shows nothing.
    deep: dict[str, Any] = {"location": "d4", "label": "D4"}
    for level in (3, 2, 1):
        deep = {"location": f"d{level}", "label": f"D{level}", "bindings": [deep]}
    app.answer(
        "/bindings", {"type": "ok", "data": [{"location": "/channel_header", "bindings": [deep]}]}
    )
    expect(hooks.admin.api.post(f"/apps/{app.app_id}/bindings/refresh"), 200)
    found = bindings(room.alice)
    assert not [b for top in found for b in top["bindings"] if b["app_id"] == app.app_id]
    assert "nested deeper than 3" in hooks.log_text()
    expect(hooks.admin.api.delete(f"/apps/{app.app_id}"), 200)


def test_form_lookup_and_submit(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    app = install(hooks.admin, receiver, [])
    app.answer("/lookup", {"type": "ok", "data": {"items": [{"label": "Oslo", "value": "osl"}]}})
    context = {
        "app_id": app.app_id,
        "channel_id": room.channel_id,
        "location": "/channel_header/go",
    }
    r = call(
        room.alice, {"path": "/lookup", "context": context, "selected_field": "city", "query": "os"}
    )
    assert expect(r, 200) == {"type": "ok", "data": {"items": [{"label": "Oslo", "value": "osl"}]}}
    got = app.wait("/lookup")
    sent = got.json()
    assert sent["selected_field"] == "city" and sent["query"] == "os"
    assert sent["context"]["channel_id"] == room.channel_id
    assert sent["context"]["team_id"] == room.team_id
    assert sent["context"]["acting_user_id"] == room.alice.id
    assert claims(got)["acting_user_id"] == room.alice.id

    app.answer("/submit", {"type": "ok", "text": "Done", "refresh_bindings": False})
    submit = {
        "path": "/submit",
        "context": context,
        "values": {"city": {"label": "Oslo", "value": "osl"}},
        "expand": {"acting_user": "summary", "channel": "all"},
    }
    assert expect(call(room.alice, submit), 200)["text"] == "Done"
    sent = app.wait("/submit").json()
    assert sent["values"] == {"city": {"label": "Oslo", "value": "osl"}}
    assert sent["context"]["acting_user"]["username"] == room.alice.username
    assert sent["context"]["channel"]["id"] == room.channel_id

    # Access: a channel the caller cannot read (not in its team) never reaches the app.
    denied = call(create_user(hooks.base), submit)
    assert denied.status_code in (403, 404)
    app.nothing("/submit")
    app.answer("/broken", {"oops": True}, status=500)
    failed = call(room.alice, {**submit, "path": "/broken"})
    assert failed.status_code == 500 and failed.json()["id"] == "apps.call.failed"
    unknown = call(room.alice, {**submit, "context": {"app_id": "nosuchapp"}})
    assert unknown.status_code == 404
    huge = call(room.alice, {**submit, "values": {"x": "y" * 70_000}})
    assert huge.status_code == 400
    expect(hooks.admin.api.delete(f"/apps/{app.app_id}"), 200)


def test_app_slash_commands(hooks: HookServer, room: Room, receiver: Receiver) -> None:
    trigger = f"t{new_app_id()}"
    fields: list[dict[str, Any]] = [
        {"name": "city", "type": "text", "is_required": True, "position": 1},
        {"name": "units", "type": "static_select"},
        {"name": "alerts", "type": "bool"},
    ]
    app = install(hooks.admin, receiver, [command_binding(trigger, "/weather", fields)])
    app.answer("/weather", {"type": "ok", "text": "Sunny in Oslo"})

    def run(text: str) -> Any:
        body = {"channel_id": room.channel_id, "command": text}
        return expect(room.alice.api.post("/commands/execute", body), 200)

    answer = run(f"/{trigger} do Oslo --units metric --alerts")
    assert answer == {"response_type": "ephemeral", "text": "Sunny in Oslo"}
    sent = app.wait("/weather").json()
    assert sent["values"] == {
        "city": "Oslo",
        "units": {"label": "metric", "value": "metric"},
        "alerts": True,
    }
    assert sent["raw_command"] == f"/{trigger} do Oslo --units metric --alerts"
    assert sent["context"]["location"] == f"/command/{trigger}/do"
    assert sent["context"]["acting_user_id"] == room.alice.id
    assert sent["context"]["channel_id"] == room.channel_id

    assert "missing --city" in run(f"/{trigger} do")["text"]
    assert "unknown flag --nope" in run(f"/{trigger} do Oslo --nope 1")["text"]
    assert run(f"/{trigger}")["text"] == f"Usage: /{trigger} do"
    app.nothing("/weather")
    app.answer("/weather", {"type": "error", "text": "No such city"})
    assert run(f"/{trigger} do Atlantis")["text"] == "Fake: No such city"

    listed = expect(room.alice.api.get("/commands", params={"team_id": room.team_id}), 200)
    mine = [c for c in listed if c["trigger"] == trigger]
    assert mine and mine[0]["auto_complete_hint"] == "[do]"
    expect(hooks.admin.api.delete(f"/apps/{app.app_id}"), 200)
    gone = room.alice.api.post(
        "/commands/execute", {"channel_id": room.channel_id, "command": f"/{trigger} do Oslo"}
    )
    assert gone.status_code == 404
