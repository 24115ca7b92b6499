"""The public routes outside /api/v4, and the other tenant's integrations, tried through
one tenant's host with another tenant's ids.

Generated from the route table: every public route with a path parameter needs a probe
here, and a guard test fails when one has none. A probe sends what a real caller would
(a hook's payload, a public link's signature), so the id is really looked up. The answer
to the victim's ids must be the answer to ids that exist nowhere, nothing of the victim
may appear in it, and nothing may happen in the victim's tenant. Where an id works like a
key (a hook, a response_url, a signed link) the same probe then goes to the victim's own
host and works there: the key was live all along."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from roost.api.routes import all_routes
from roost.app.integrations.commands.custom import RESPONSE_URL_USES
from tests.integrations.fake_app import PLUGIN, FakeApp, install
from tests.integrations.receiver import Receiver, running_receiver
from tests.support.chat import channel_with, team_with
from tests.support.client import API, Api, create_user, expect, unique
from tests.support.posting import page, post
from tests.support.server import admin_url
from tests.tenants.conftest import Deployment, host_of, new_tenant
from tests.tenants.victim import PARAM, Victim, fill, nowhere, plant

INTRUDER_TEXT = "intruder was here"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


@dataclass
class Integrations:
    """The victim's integrations, each calling its own path of the receiver."""

    outgoing_path: str
    command_path: str
    command_trigger: str
    response_hook_id: str  # the id in a response_url the victim's command was given
    action_path: str
    action_post_id: str
    action_id: str
    app: FakeApp
    link_signature: str  # the h= of the victim's file's public link


def wire(deployment: Deployment, victim: Victim, receiver: Receiver) -> Integrations:
    owner, member = victim.owner, victim.member
    paths = {name: f"/{unique(name)}" for name in ("out", "cmd", "action")}
    expect(
        owner.api.post(
            "/hooks/outgoing",
            {
                "team_id": victim.team_id,
                "display_name": "victim outgoing",
                "trigger_words": ["victimtrigger"],
                "callback_urls": [receiver.url(paths["out"])],
                "content_type": "application/json",
            },
        ),
        201,
    )
    trigger = unique("vcall").lower()
    expect(
        owner.api.post(
            "/commands",
            {
                "team_id": victim.team_id,
                "trigger": trigger,
                "url": receiver.url(paths["cmd"]),
                "method": "P",
            },
        ),
        201,
    )
    run = {"channel_id": victim.channel_id, "command": f"/{trigger} go"}
    expect(member.api.post("/commands/execute", run), 200)
    response_url = receiver.wait(paths["cmd"]).form()["response_url"]
    # An interactive post, through the victim's incoming hook.
    attachment = {
        "text": "victim secret buttons",
        "actions": [
            {"name": "Go", "type": "button", "integration": {"url": receiver.url(paths["action"])}}
        ],
    }
    hooked = httpx.post(
        f"{deployment.base}/hooks/{victim.values['hook_id']}",
        json={"text": "", "attachments": [attachment]},
        headers={"Host": victim.host},
    )
    assert hooked.status_code == 200, hooked.text
    listed = page(member, victim.channel_id, per_page=1)
    interactive = listed["posts"][listed["order"][0]]
    action_id = interactive["props"]["attachments"][0]["actions"][0]["id"]
    app = install(owner, receiver, [])
    link = expect(owner.api.get(f"/files/{victim.values['file_id']}/link"), 200)["link"]
    return Integrations(
        paths["out"],
        paths["cmd"],
        trigger,
        response_url.rsplit("/", 1)[1],
        paths["action"],
        interactive["id"],
        action_id,
        app,
        link.split("?h=", 1)[1],
    )


# Probes: how each public route is tried.


@dataclass(frozen=True)
class Probe:
    values: dict[str, str]  # the victim's value of each path parameter
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)
    works_at_home: bool = False  # sent to the victim's own host, it succeeds


# Every public route with a path parameter; a new one fails the guard test below until
# it is given a probe here.
PROBES: dict[str, Callable[[Victim, Integrations], Probe]] = {
    "/hooks/{hook_id}": lambda v, i: Probe(
        {"hook_id": v.values["hook_id"]}, body={"text": INTRUDER_TEXT}, works_at_home=True
    ),
    "/hooks/commands/{hook_id}": lambda v, i: Probe(
        {"hook_id": i.response_hook_id},
        body={"response_type": "in_channel", "text": INTRUDER_TEXT},
        works_at_home=True,
    ),
    "/files/{file_id}/public": lambda v, i: Probe(
        {"file_id": v.values["file_id"]}, query={"h": i.link_signature}, works_at_home=True
    ),
    # The operator's routes name tenants, but answer the operator's token only: a
    # tenant's admin gets the same refusal whichever tenant is named.
    **{
        f"/operator/v1/tenants/{{tenant}}{tail}": lambda v, i: Probe(
            {"tenant": v.tenant["name"]}, body={}
        )
        for tail in (
            "",
            "/suspend",
            "/resume",
            "/domains",
            "/limits",
            "/outbound",
            "/usage",
            "/export",
            "/move",
            "/signup",
            "/admin_invite",
        )
    },
    "/operator/v1/tenants/{tenant}/sso/{service}": lambda v, i: Probe(
        {"tenant": v.tenant["name"], "service": "openid"}, body={}
    ),
    # Single sign-on's pages name a service (gitlab, openid, ...), which is no tenant's
    # id: a name no tenant has, answered as any other unknown one.
    **{
        path: lambda v, i: Probe({"service": "nosuchservice"})
        for path in (
            "/oauth/{service}/login",
            "/oauth/{service}/signup",
            "/oauth/{service}/mobile_login",
            "/oauth/{service}/complete",
            "/signup/{service}/complete",
            "/login/{service}/complete",
        )
    },
    # Plugins run for the default tenant only (tests/tenants/test_plugins_per_tenant.py
    # checks one running there): a bundled plugin's id, with the victim's ids after it.
    "/plugins/{plugin_id}": lambda v, i: Probe({"plugin_id": "roost.polls"}, body={}),
    "/plugins/{plugin_id}/{rest:path}": lambda v, i: Probe(
        {"plugin_id": "roost.polls", "rest": f"{v.channel_id}/{v.post_id}"}, body={}
    ),
    # The web client: the same page whatever the path names.
    "/static/{name:path}": lambda v, i: Probe({"name": f"{v.values['file_id']}.js"}),
    "/{path:path}": lambda v, i: Probe({"path": f"{v.values['team_name']}/pl/{v.post_id}"}),
}


def public_routes() -> list[tuple[str, str]]:
    """(method, path) of every route outside /api/v4 with a path parameter. Sockets,
    mounted apps whose routes cannot be listed, and anything else that is no plain
    route count under the method "?": this test knows no way to try them yet."""
    found: list[tuple[str, str]] = []

    def walk(routes: list[BaseRoute], prefix: str) -> None:
        for route in routes:
            path = prefix + str(getattr(route, "path", ""))
            if path == API:
                continue  # tests/tenants/test_isolation.py tries those
            if isinstance(route, Mount):
                if route.routes:
                    walk(route.routes, path)
                else:
                    found.append(("?", path))
            elif not PARAM.search(path):
                continue
            elif isinstance(route, Route) and route.methods:
                found.extend((m, path) for m in sorted(route.methods - {"HEAD"}))
            else:
                found.append(("?", path))

    walk(all_routes(), "")
    return found


def test_every_public_route_with_an_id_has_a_probe() -> None:
    routes = public_routes()
    assert {"/hooks/{hook_id}", "/files/{file_id}/public"} <= {p for _, p in routes}
    unknown = sorted({f"{m} {p}" for m, p in routes if m == "?" or p not in PROBES})
    assert not unknown, f"public routes this test cannot try yet (add a probe): {unknown}"
    stale = set(PROBES) - {p for _, p in routes}
    assert not stale, f"probes for routes that are gone: {stale}"


def send(
    deployment: Deployment, method: str, template: str, probe: Probe, host: str, token: str = ""
) -> httpx.Response:
    headers = {"Host": host}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = None if method in ("GET", "DELETE") else probe.body
    # The operator's routes are served by the admin listener only.
    base = admin_url(deployment.base) if template.startswith("/operator/") else deployment.base
    return httpx.request(
        method,
        base + fill(template, probe.values),
        params=probe.query,
        json=body,
        headers=headers,
        timeout=15,
    )


def shape(r: httpx.Response) -> tuple[int, str]:
    """Status and Mattermost error id: what tells one answer from another."""
    if r.headers.get("content-type", "").startswith("application/json"):
        data = r.json()
        if isinstance(data, dict):
            return r.status_code, str(data.get("id", ""))
    return r.status_code, ""


def victim_messages(victim: Victim) -> list[str]:
    listed = page(victim.owner, victim.channel_id, per_page=200)
    return [p["message"] for p in listed["posts"].values()]


def test_no_public_route_takes_another_tenants_ids(
    deployment: Deployment, receiver: Receiver
) -> None:
    victim = plant(deployment)
    wired = wire(deployment, victim, receiver)
    intruder_tenant = new_tenant(deployment)
    intruder = create_user(deployment.base, host=host_of(intruder_tenant))
    routes = public_routes()
    differing, leaked = [], []
    for method, template in routes:
        probe = PROBES[template](victim, wired)
        absent = Probe({k: nowhere(k) for k in probe.values}, probe.body, probe.query)
        host = host_of(intruder_tenant)
        got = send(deployment, method, template, probe, host, intruder.token)
        expected = send(deployment, method, template, absent, host, intruder.token)
        if shape(got) != shape(expected):
            differing.append(f"{method} {template}: {shape(got)} vs {shape(expected)}")
        if any(secret in got.text for secret in victim.secrets):
            leaked.append(f"{method} {template}")
    assert not leaked, f"another tenant's data in answers: {leaked}"
    assert not differing, "answers that tell another tenant's ids apart:\n" + "\n".join(differing)
    # Nothing reached the victim's tenant, which is still there.
    assert INTRUDER_TEXT not in victim_messages(victim)
    assert expect(victim.owner.api.get("/users/me"), 200)["id"] == victim.owner.id
    with deployment.operator() as op:
        assert expect(op.get(f"/tenants/{victim.tenant['id']}"), 200)["state"] == "active"
    # At home, the same probes work: the ids the intruder sent were live.
    for method, template in routes:
        probe = PROBES[template](victim, wired)
        if probe.works_at_home:
            home = send(deployment, method, template, probe, victim.host)
            assert home.status_code == 200, f"{method} {template}: {home.text}"
    assert victim_messages(victim).count(INTRUDER_TEXT) == 2  # the hook and the response_url
    # The intruder's tries used up none of the response_url's uses.
    template = "/hooks/commands/{hook_id}"
    probe = PROBES[template](victim, wired)
    for _ in range(RESPONSE_URL_USES - 1):
        assert send(deployment, "POST", template, probe, victim.host).status_code == 200
    assert send(deployment, "POST", template, probe, victim.host).status_code == 404


def test_another_tenants_integrations_are_never_set_off(
    deployment: Deployment, receiver: Receiver
) -> None:
    """Outgoing webhooks, slash commands, interactive buttons and apps of one tenant:
    the other tenant's admin (and its own app's bot) triggers none of them and is
    answered as if they did not exist; afterwards the victim's own users set each off."""
    victim = plant(deployment)
    wired = wire(deployment, victim, receiver)
    intruder_host = host_of(new_tenant(deployment))
    intruder = create_user(deployment.base, host=intruder_host)
    own_team = team_with(intruder)
    own_channel = channel_with(intruder, own_team["id"])
    post(intruder, own_channel["id"], "victimtrigger from the intruder")
    own_app = install(intruder, receiver, [])
    bot = Api(deployment.base, own_app.bot_token, intruder_host)
    admin = intruder.api

    def tries(
        trigger: str, post_id: str, action_id: str, app_id: str, ids: dict[str, str]
    ) -> list[tuple[Api, str, str, Any]]:
        """(caller, method, path, body): the intruder's admin, then its own app's bot."""
        about = {"channel_id": ids["channel_id"], "post_id": ids["post_id"]}
        subscription = {"call": {"path": "/"}}
        command = {"channel_id": own_channel["id"], "command": f"/{trigger} x"}
        return [
            (admin, "POST", f"{API}/commands/execute", command),
            (admin, "POST", f"{API}/posts/{post_id}/actions/{action_id}", {}),
            (admin, "POST", f"{PLUGIN}/call", {"path": "/send", "context": {"app_id": app_id}}),
            (
                admin,
                "POST",
                f"{PLUGIN}/call",
                {"path": "/send", "context": {"app_id": own_app.app_id, **about}},
            ),
            (admin, "GET", f"{PLUGIN}/bindings?channel_id={ids['channel_id']}", None),
            (admin, "GET", f"{PLUGIN}/bindings?team_id={ids['team_id']}", None),
            (
                bot,
                "POST",
                f"{PLUGIN}/subscribe",
                {"subject": "post_created", "channel_id": ids["channel_id"], **subscription},
            ),
            (
                bot,
                "POST",
                f"{PLUGIN}/subscribe",
                {"subject": "channel_created", "team_id": ids["team_id"], **subscription},
            ),
            (
                bot,
                "POST",
                f"{PLUGIN}/unsubscribe",
                {"subject": "user_joined_channel", "channel_id": ids["channel_id"]},
            ),
            (bot, "GET", f"{PLUGIN}/subscriptions", None),
        ]

    theirs = tries(
        wired.command_trigger,
        wired.action_post_id,
        wired.action_id,
        wired.app.app_id,
        victim.values,
    )
    absent_ids = {k: nowhere(k) for k in ("channel_id", "post_id", "team_id")}
    absent = tries(unique("nocmd").lower(), nowhere("post_id"), nowhere("id"), "noapp", absent_ids)
    differing, leaked = [], []
    for (caller, method, path, body), absent_try in zip(theirs, absent, strict=True):
        got = caller.http.request(method, deployment.base + path, json=body)
        expected = caller.http.request(
            absent_try[1], deployment.base + absent_try[2], json=absent_try[3]
        )
        if shape(got) != shape(expected):
            differing.append(f"{method} {path}: {shape(got)} vs {shape(expected)}")
        if any(secret in got.text for secret in victim.secrets):
            leaked.append(f"{method} {path}")
    assert not leaked, leaked
    assert not differing, "\n".join(differing)
    own_app.nothing("/send")

    # The victim's own users set each integration off; only they reached it.
    member = victim.member
    post(member, victim.channel_id, "victimtrigger from home")
    delivered = receiver.wait(wired.outgoing_path).json()
    assert delivered["user_id"] == member.id and delivered["text"] == "victimtrigger from home"
    run = {"channel_id": victim.channel_id, "command": f"/{wired.command_trigger} again"}
    expect(member.api.post("/commands/execute", run), 200)
    assert receiver.wait(wired.command_path).form()["user_id"] == member.id
    clicked = f"/posts/{wired.action_post_id}/actions/{wired.action_id}"
    expect(member.api.post(clicked, {}), 200)
    assert receiver.wait(wired.action_path).json()["user_id"] == member.id
    wired.app.answer("/send", {"type": "ok", "text": "sent"})
    call = {"path": "/send", "context": {"app_id": wired.app.app_id}}
    expect(member.api.http.post(deployment.base + PLUGIN + "/call", json=call), 200)
    assert wired.app.wait("/send").json()["context"]["acting_user_id"] == member.id
    for where in (wired.outgoing_path, wired.command_path, wired.action_path):
        receiver.nothing(where)
    wired.app.nothing("/send")
