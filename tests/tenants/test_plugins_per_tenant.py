"""Plugins per tenant: every tenant enables, configures and runs its own.

One server serving several tenants, uploads allowed. A tenant's instance of a plugin has
the tenant's settings, hears of the tenant's posts only, answers the tenant's commands
and ``/plugins/<id>/`` routes, keeps the tenant's key-value data and shows in the
tenant's statuses; a tenant that did not enable the plugin has none of it. The default
tenant is one tenant among the others here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import pytest

from tests.plugins.bundles import bundle, eventually, upload
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import post
from tests.support.server import admin_url, running_server
from tests.support.ws import WsClient
from tests.tenants.conftest import BASE_DOMAIN, OPERATOR_TOKEN, Deployment, host_of, new_tenant

NOT_RUNNING, RUNNING, FAILED_TO_STAY_RUNNING = 0, 2, 4
POLLS = "/plugins/roost.polls/api/v1/polls"
ENV = {
    "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
    "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
    "ROOST_PLUGIN_ENABLE_UPLOADS": "true",
    "ROOST_PLUGIN_HOOK_TIMEOUT_SECONDS": "0.5",
    "ROOST_PLUGIN_HEALTH_CHECK_SECONDS": "1",
}

# Records the tenant's posts in its key-value store and shows what it recorded, and who
# it was called by.
RECORDER = """
import json
from roost.plugin import HttpRequest, HttpResponse, Plugin

class Plugin(Plugin):
    async def message_has_been_posted(self, post):
        await self.api.kv_set("posted:" + post.message, b"1")

    async def serve_http(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/seen":
            body = await self.api.kv_list(0, 1000)
        elif request.path == "/whoami":
            user = await self.api.get_user(request.user_id) if request.user_id else None
            body = {"user_id": request.user_id, "username": user.username if user else ""}
        else:
            return HttpResponse(status=404)
        return HttpResponse(body=json.dumps(body).encode())
"""

# Marks posts; raises on "raise" (3 failures within an hour stop an instance).
FRAGILE = """
from roost.plugin import Plugin, Post

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        if "raise" in post.message:
            raise RuntimeError("broken")
        post.message += " seen"
        return post
"""


@dataclass
class Org:
    """A tenant with its admin (its first user), a team and a channel."""

    host: str
    admin: LoggedIn
    channel_id: str
    team_id: str
    tenant_id: str = ""


@pytest.fixture(scope="module")
def plugin_tenants(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    data_dir = tmp_path_factory.mktemp(f"roost-tenant-plugins-{backend}")
    with database(backend, data_dir) as url, running_server(url, data_dir, ENV) as base:
        yield Deployment(base, url, data_dir)


def _org(d: Deployment, host: str) -> Org:
    admin = create_user(d.base, host=host)
    team = team_with(admin)
    channel = channel_with(admin, team["id"])
    return Org(host, admin, channel["id"], team["id"])


@pytest.fixture(scope="module")
def home(plugin_tenants: Deployment) -> Org:
    """The default tenant (the base domain names it); its first user is its admin."""
    return _org(plugin_tenants, BASE_DOMAIN)


def new_org(d: Deployment) -> Org:
    tenant = new_tenant(d)
    org = _org(d, host_of(tenant))
    org.tenant_id = tenant["id"]
    return org


def instances(d: Deployment) -> int:
    """The plugin instances the node runs, all tenants together (/metrics)."""
    for line in httpx.get(f"{admin_url(d.base)}/metrics", timeout=15).text.splitlines():
        if line.startswith("roost_plugins_running "):
            return int(float(line.split()[1]))
    raise AssertionError("no roost_plugins_running")


def statuses(org: Org) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = expect(org.admin.api.get("/plugins/statuses"), 200)
    return rows


def state(org: Org, plugin_id: str) -> int:
    return next((r["state"] for r in statuses(org) if r["plugin_id"] == plugin_id), -1)


def wait_state(org: Org, plugin_id: str, wanted: int) -> None:
    assert eventually(lambda: state(org, plugin_id) == wanted), statuses(org)


def enable(org: Org, plugin_id: str, settings: dict[str, Any] | None = None) -> None:
    if settings is not None:
        expect(org.admin.api.put(f"/plugins/{plugin_id}/settings", settings), 200)
    expect(org.admin.api.post(f"/plugins/{plugin_id}/enable"), 200)
    wait_state(org, plugin_id, RUNNING)


def disable(org: Org, plugin_id: str) -> None:
    expect(org.admin.api.post(f"/plugins/{plugin_id}/disable"), 200)
    wait_state(org, plugin_id, NOT_RUNNING)


def plugin_call(
    d: Deployment, org: Org, method: str, path: str, body: Any = None, token: str | None = None
) -> httpx.Response:
    """A request to a plugin's route on the tenant's host, as its admin by default."""
    headers = {"Host": org.host, "Authorization": f"Bearer {token or org.admin.token}"}
    return httpx.request(method, d.base + path, json=body, headers=headers, timeout=15)


def run_command(org: Org, text: str) -> httpx.Response:
    body = {"channel_id": org.channel_id, "team_id": org.team_id, "command": text}
    return org.admin.api.post("/commands/execute", body)


def triggers(org: Org) -> set[str]:
    listed = expect(org.admin.api.get(f"/teams/{org.team_id}/commands/autocomplete"), 200)
    return {c["trigger"] for c in listed}


def test_same_plugin_with_each_tenants_settings(plugin_tenants: Deployment, home: Org) -> None:
    a, b = new_org(plugin_tenants), new_org(plugin_tenants)
    template = "https://{name}.example.com/{{id}}"
    enable(a, "roost.autolink", {"prefixes": "OPS", "url_template": template.format(name="a")})
    enable(b, "roost.autolink", {"prefixes": "WEB", "url_template": template.format(name="b")})
    text = "OPS-1 and WEB-2"
    assert post(a.admin, a.channel_id, text)["message"] == (
        "[OPS-1](https://a.example.com/OPS-1) and WEB-2"
    )
    assert post(b.admin, b.channel_id, text)["message"] == (
        "OPS-1 and [WEB-2](https://b.example.com/WEB-2)"
    )
    # The default tenant enabled nothing: its posts are its own, its plugins not running.
    assert post(home.admin, home.channel_id, text)["message"] == text
    assert {"roost.autolink", "roost.polls"} <= {r["plugin_id"] for r in statuses(home)}
    assert {r["state"] for r in statuses(home)} == {NOT_RUNNING}

    # Disabling in one tenant leaves the other's instance running.
    disable(b, "roost.autolink")
    assert state(a, "roost.autolink") == RUNNING
    assert post(b.admin, b.channel_id, text)["message"] == text
    assert post(a.admin, a.channel_id, "OPS-3")["message"] == "[OPS-3](https://a.example.com/OPS-3)"

    # New settings reach the tenant's instance; enabled again, the other has its own.
    new = {"prefixes": "OPS", "url_template": "https://new.example.com/{id}"}
    expect(a.admin.api.put("/plugins/roost.autolink/settings", new), 200)
    assert eventually(
        lambda: (
            post(a.admin, a.channel_id, "OPS-4")["message"]
            == "[OPS-4](https://new.example.com/OPS-4)"
        )
    )
    enable(b, "roost.autolink")
    assert post(b.admin, b.channel_id, "OPS-5 WEB-5")["message"] == (
        "OPS-5 [WEB-5](https://b.example.com/WEB-5)"
    )
    assert state(home, "roost.autolink") == NOT_RUNNING
    for org in (a, b):
        disable(org, "roost.autolink")


def test_commands_routes_data_and_events_stay_with_the_tenant(
    plugin_tenants: Deployment, home: Org
) -> None:
    d = plugin_tenants
    a, b = new_org(d), home
    enable(a, "roost.polls", {"max_options": 3})

    # Only the tenant that enabled it has the command and the routes.
    assert "poll" in triggers(a)
    assert "poll" not in triggers(b)
    expect(run_command(a, '/poll "Lunch?" "Pizza" "Sushi"'), 200)
    newest = expect(a.admin.api.get(f"/channels/{a.channel_id}/posts"), 200)
    assert "Lunch?" in newest["posts"][newest["order"][0]]["message"]
    assert run_command(b, '/poll "Lunch?" "Pizza" "Sushi"').status_code == 404
    three = ["x", "y", "z"]
    made = plugin_call(
        d, a, "POST", POLLS, {"channel_id": a.channel_id, "question": "Q?", "options": three}
    )
    poll_a = expect(made, 201)
    missing = plugin_call(
        d, b, "POST", POLLS, {"channel_id": b.channel_id, "question": "Q?", "options": three}
    )
    assert expect(missing, 404)["id"] == "api.plugin.serve_http.not_found.app_error"

    # The other tenant enables it too, with its own limit and its own polls.
    enable(b, "roost.polls", {"max_options": 2})
    refused = plugin_call(
        d, b, "POST", POLLS, {"channel_id": b.channel_id, "question": "Q?", "options": three}
    )
    assert expect(refused, 400)["error"] == "A poll has 2 to 2 options."
    assert plugin_call(d, b, "GET", f"{POLLS}/{poll_a['id']}").status_code == 404
    made = plugin_call(
        d, b, "POST", POLLS, {"channel_id": b.channel_id, "question": "B?", "options": ["p", "q"]}
    )
    poll_b = expect(made, 201)
    assert plugin_call(d, a, "GET", f"{POLLS}/{poll_b['id']}").status_code == 404

    # A vote is announced to the tenant's channel, as that plugin's event.
    with (
        WsClient(d.base, a.admin.token, host=a.host) as ws_a,
        WsClient(d.base, b.admin.token, host=b.host) as ws_b,
    ):
        ws_a.wait_for("hello")
        ws_b.wait_for("hello")
        expect(plugin_call(d, b, "POST", f"{POLLS}/{poll_b['id']}/vote", {"option": 1}), 200)
        event = ws_b.wait_for("custom_roost.polls_poll_updated")
        assert event["data"] == {"poll_id": poll_b["id"], "votes": 1}
        ws_a.assert_no_event("custom_roost.polls_poll_updated")

    # Disabled in one tenant: its trigger and routes are gone, the other's stay.
    disable(a, "roost.polls")
    assert run_command(a, '/poll "Again?" "a" "b"').status_code == 404
    assert plugin_call(d, a, "GET", f"{POLLS}/{poll_a['id']}").status_code == 404
    expect(run_command(b, '/poll "Again?" "a" "b"'), 200)
    expect(plugin_call(d, b, "GET", f"{POLLS}/{poll_b['id']}"), 200)
    disable(b, "roost.polls")


def test_isolated_instances_of_many_tenants_share_the_host_not_their_data(
    plugin_tenants: Deployment, home: Org
) -> None:
    d = plugin_tenants
    a, b, c = new_org(d), new_org(d), new_org(d)
    data = bundle("test.recorder", RECORDER)
    # Only the deployment's own tenant may run an upload inside the server process.
    trusted = upload(a.admin, data, trusted=True)
    assert expect(trusted, 403)["id"] == "app.plugin.trusted_tenant.app_error"
    for org in (a, b):
        expect(upload(org.admin, data), 201)
        enable(org, "test.recorder")
        row = next(r for r in statuses(org) if r["plugin_id"] == "test.recorder")
        assert row["mode"] == "isolated"

    # After-hooks hear of the tenant's own posts only; each keeps its own keys.
    for org in (a, b, c, home):
        post(org.admin, org.channel_id, f"from {org.host}")

    def seen(org: Org) -> Any:
        return plugin_call(d, org, "GET", "/plugins/test.recorder/seen").json()

    def heard_own_post(org: Org) -> bool:
        return bool(seen(org) == [f"posted:from {org.host}"])

    for org in (a, b):
        assert eventually(partial(heard_own_post, org)), seen(org)
    # Users are the tenant's: another tenant's token is nobody here.
    me = plugin_call(d, b, "GET", "/plugins/test.recorder/whoami").json()
    assert me == {"user_id": b.admin.id, "username": b.admin.username}
    stranger = plugin_call(d, b, "GET", "/plugins/test.recorder/whoami", token=a.admin.token)
    assert stranger.json() == {"user_id": "", "username": ""}
    # Tenants that did not install it have no such route.
    for org in (c, home):
        gone = plugin_call(d, org, "GET", "/plugins/test.recorder/seen")
        assert expect(gone, 404)["id"] == "api.plugin.serve_http.not_found.app_error"

    # Removed in one tenant, it runs on in the other.
    expect(a.admin.api.delete("/plugins/test.recorder"), 200)
    assert eventually(lambda: state(a, "test.recorder") == -1)
    assert plugin_call(d, a, "GET", "/plugins/test.recorder/seen").status_code == 404
    post(b.admin, b.channel_id, "again")
    assert eventually(lambda: "posted:again" in seen(b))
    expect(b.admin.api.delete("/plugins/test.recorder"), 200)


def test_an_instance_failing_is_stopped_in_its_tenant_only(
    plugin_tenants: Deployment, home: Org
) -> None:
    a, b = new_org(plugin_tenants), home
    data = bundle("test.fragile", FRAGILE)
    for org in (a, b):
        expect(upload(org.admin, data), 201)
        enable(org, "test.fragile")
    for i in range(3):
        assert post(a.admin, a.channel_id, f"raise {i}")["message"] == f"raise {i}"
    wait_state(a, "test.fragile", FAILED_TO_STAY_RUNNING)
    failed = next(r for r in statuses(a) if r["plugin_id"] == "test.fragile")
    assert "3 times" in failed["error"]
    assert post(a.admin, a.channel_id, "quiet")["message"] == "quiet"
    # The same plugin in the other tenant has its own count, and runs on.
    assert state(b, "test.fragile") == RUNNING
    assert post(b.admin, b.channel_id, "hello")["message"] == "hello seen"
    for org in (a, b):
        expect(org.admin.api.delete("/plugins/test.fragile"), 200)


def test_a_deleted_tenants_instances_stop(plugin_tenants: Deployment) -> None:
    d = plugin_tenants
    org = new_org(d)
    before = instances(d)
    enable(org, "roost.polls")
    assert instances(d) == before + 1
    with d.operator() as op:
        expect(op.delete(f"/tenants/{org.tenant_id}"), 202)
    assert eventually(lambda: instances(d) == before)
