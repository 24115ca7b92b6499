"""Tenants: resolved from the Host header, invisible to each other, managed by the
operator (API and CLI), suspended and resumed without losing anything."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.cluster.conftest import cluster_env
from tests.support.chat import channel_with, team_with
from tests.support.client import Api, LoggedIn, create_user, expect, unique
from tests.support.databases import postgres_database
from tests.support.files import upload_one
from tests.support.posting import post
from tests.support.server import admin_url, running_server
from tests.support.ws import WsClient
from tests.tenants.conftest import BASE_DOMAIN, OPERATOR_TOKEN, Deployment, host_of, new_tenant


def error_id(response: httpx.Response) -> str:
    return str(response.json()["id"])


def test_the_operator_api_needs_the_operator_token(deployment: Deployment) -> None:
    with deployment.operator(token="") as op:
        assert op.get("/tenants").status_code == 401
    with deployment.operator(token="y" * 48) as op:
        assert op.get("/tenants").status_code == 401
    # A tenant's own system admin is not the operator.
    admin = create_user(deployment.base, host=BASE_DOMAIN)
    r = httpx.get(
        f"{admin_url(deployment.base)}/operator/v1/tenants",
        headers={"Authorization": f"Bearer {admin.token}", "Host": BASE_DOMAIN},
    )
    assert r.status_code == 401


def test_creating_a_tenant_checks_its_name_and_domains(deployment: Deployment) -> None:
    with deployment.operator() as op:
        for bad in ("", "Has Caps", "-dash", "a" * 64, "www", "a.b"):
            r = op.post("/tenants", json={"name": bad})
            assert r.status_code == 400, bad
        r = op.post("/tenants", json={"name": unique("n").lower(), "domains": ["not a domain"]})
        assert r.status_code == 400
        r = op.post("/tenants", json={"name": unique("n").lower(), "domains": ["x." + BASE_DOMAIN]})
        assert r.status_code == 400  # the base domain's names are the tenants' own
        r = op.post("/tenants", json={"name": unique("n").lower(), "domains": "a.example"})
        assert r.status_code == 400
    taken = new_tenant(deployment)
    with deployment.operator() as op:
        r = op.post("/tenants", json={"name": taken["name"]})
        assert r.status_code == 400 and error_id(r) == "api.tenant.create.name_taken.app_error"
        listed = expect(op.get("/tenants", params={"per_page": 1000}), 200)
    assert taken["id"] in {t["id"] for t in listed["tenants"]}
    assert listed["total_count"] >= 2  # the default tenant and this one


def test_hosts_name_tenants_and_unknown_ones_are_refused(deployment: Deployment) -> None:
    acme = new_tenant(deployment, display_name="Acme")
    config = "/config/client?format=old"
    assert expect(Api(deployment.base, host=host_of(acme)).get(config), 200)
    assert expect(Api(deployment.base, host=f"{host_of(acme)}:8065").get(config), 200)
    for host in (f"nobody.{BASE_DOMAIN}", "elsewhere.example", f"a.{host_of(acme)}"):
        r = Api(deployment.base, host=host).get(config)
        assert r.status_code == 404 and error_id(r) == "api.tenant.not_found.app_error", host
    # The base domain itself is the default tenant.
    assert expect(Api(deployment.base, host=BASE_DOMAIN).get(config), 200)
    # A load balancer's health probe by address still reaches the node.
    assert expect(Api(deployment.base, host="10.0.0.7:8065").get("/system/ping"), 200)


def test_tenants_see_nothing_of_each_other(deployment: Deployment) -> None:
    acme, globex = new_tenant(deployment), new_tenant(deployment)
    # The same username in both, each the first user (so the admin) of their own.
    a = create_user(deployment.base, host=host_of(acme), username="alice")
    g = create_user(deployment.base, host=host_of(globex), username="alice")
    assert a.id != g.id
    assert "system_admin" in a.raw["roles"] and "system_admin" in g.raw["roles"]
    a2 = create_user(deployment.base, host=host_of(acme))
    team = team_with(a, a2)
    channel = channel_with(a, team["id"], a2)
    secret = post(a, channel["id"], "acme's plans")

    # Acme's session means nothing on Globex's host, and the reverse.
    stolen = Api(deployment.base, a.token, host=host_of(globex))
    assert stolen.get("/users/me").status_code == 401
    # Globex's admin asks for Acme's things by id: none of them exist there.
    for path in (
        f"/users/{a.id}",
        f"/teams/{team['id']}",
        f"/channels/{channel['id']}",
        f"/posts/{secret['id']}",
        f"/channels/{channel['id']}/posts",
    ):
        r = g.api.get(path)
        assert r.status_code in (403, 404), path
        assert "acme's plans" not in r.text
    users = expect(g.api.get("/users", params={"per_page": 200}), 200)
    assert {u["id"] for u in users} == {g.id}
    found = expect(g.api.post("/users/search", {"term": "alice"}), 200)
    assert [u["id"] for u in found] == [g.id]
    assert expect(a.api.get("/users/username/alice"), 200)["id"] == a.id


def test_events_stay_in_their_tenant(deployment: Deployment) -> None:
    acme, globex = new_tenant(deployment), new_tenant(deployment)
    a = create_user(deployment.base, host=host_of(acme))
    g = create_user(deployment.base, host=host_of(globex))
    a_team, g_team = team_with(a), team_with(g)
    a_channel = channel_with(a, a_team["id"])
    g_channel = channel_with(g, g_team["id"])
    with (
        WsClient(deployment.base, a.token, host=host_of(acme)) as a_ws,
        WsClient(deployment.base, g.token, host=host_of(globex)) as g_ws,
    ):
        a_ws.wait_for("hello")
        g_ws.wait_for("hello")
        post(g, g_channel["id"], "globex only")
        post(a, a_channel["id"], "acme only")
        got = a_ws.wait_for("posted")
        assert "acme only" in got["data"]["post"]
        assert "globex only" in g_ws.wait_for("posted")["data"]["post"]
        assert not [f for f in a_ws.frames if "globex only" in str(f)]
    # A socket naming one tenant cannot authenticate with another's token.
    with (
        WsClient(deployment.base, a.token, host=host_of(globex)) as wrong,
        pytest.raises(ConnectionClosed),
    ):
        wrong.wait_for("hello", timeout=5)


def test_suspend_refuses_everything_and_resume_loses_nothing(deployment: Deployment) -> None:
    t = new_tenant(deployment)
    user = create_user(deployment.base, host=host_of(t))
    team = team_with(user)
    channel = channel_with(user, team["id"])
    kept = post(user, channel["id"], "still here afterwards")
    with deployment.operator() as op:
        assert expect(op.post(f"/tenants/{t['id']}/suspend"), 200)["state"] == "suspended"
    r = user.api.get(f"/posts/{kept['id']}")
    assert r.status_code == 403 and error_id(r) == "api.tenant.suspended.app_error"
    anon = Api(deployment.base, host=host_of(t))
    assert (
        anon.post("/users/login", {"login_id": user.username, "password": "x"}).status_code == 403
    )
    with deployment.operator() as op:
        # By name as well as by id.
        assert expect(op.post(f"/tenants/{t['name']}/resume"), 200)["state"] == "active"
    assert expect(user.api.get(f"/posts/{kept['id']}"), 200)["message"] == "still here afterwards"


def test_suspending_a_tenant_closes_its_sockets(deployment: Deployment) -> None:
    t, other = new_tenant(deployment), new_tenant(deployment)
    user = create_user(deployment.base, host=host_of(t))
    bystander = create_user(deployment.base, host=host_of(other))
    with (
        WsClient(deployment.base, user.token, host=host_of(t)) as ws,
        WsClient(deployment.base, bystander.token, host=host_of(other)) as other_ws,
    ):
        ws.wait_for("hello")
        other_ws.wait_for("hello")
        with deployment.operator() as op:
            expect(op.post(f"/tenants/{t['id']}/suspend"), 200)
        ws.frames_until_closed()
        assert ws.close_code == 1008
        # Another tenant's sockets stay open.
        assert other_ws.wait_reply(other_ws.send("ping"))["status"] == "OK"
    with deployment.operator() as op:
        expect(op.post(f"/tenants/{t['id']}/resume"), 200)
    # The sessions themselves live on: the user connects again once resumed.
    with WsClient(deployment.base, user.token, host=host_of(t)) as again:
        again.wait_for("hello")


def test_custom_domains_name_their_tenant(deployment: Deployment) -> None:
    t, other = new_tenant(deployment), new_tenant(deployment)
    domain = f"{t['name']}.example.org"
    with deployment.operator() as op:
        updated = expect(op.put(f"/tenants/{t['id']}/domains", json={"domains": [domain]}), 200)
        assert updated["domains"] == [domain]
        r = op.put(f"/tenants/{other['id']}/domains", json={"domains": [domain.upper()]})
        assert r.status_code == 400 and error_id(r) == "api.tenant.domains.taken.app_error"
    user = create_user(deployment.base, host=domain)
    # The same tenant under its subdomain.
    same = Api(deployment.base, user.token, host=host_of(t))
    assert expect(same.get("/users/me"), 200)["id"] == user.id


def test_the_cli_manages_tenants_and_nodes_pick_them_up(deployment: Deployment) -> None:
    name = unique("cli").replace("_", "-").lower()[:40]
    env = dict(os.environ)
    env.update(
        {
            "ROOST_DATABASE_URL": deployment.database_url,
            "ROOST_DATA_DIR": str(deployment.data_dir),
            "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
        }
    )

    def roost(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "roost.cli", "tenant", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    created = roost("create", name, "--display-name", "From the CLI")
    assert name in created and "active" in created
    assert name in roost("list")
    # The server reloads its directory every second here (ROOST_TENANT_REFRESH_SECONDS).
    deadline = time.monotonic() + 10
    probe = Api(deployment.base, host=f"{name}.{BASE_DOMAIN}")
    while probe.get("/config/client?format=old").status_code != 200:
        assert time.monotonic() < deadline, "the server never served the new tenant"
        time.sleep(0.2)
    assert "suspended" in roost("suspend", name)
    bad = subprocess.run(
        [sys.executable, "-m", "roost.cli", "tenant", "suspend", "no-such-tenant"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "Unable to find the tenant" in bad.stderr


def test_without_configuration_every_host_is_the_one_tenant(admin: LoggedIn) -> None:
    """The session's server has no base domain and no operator token."""
    base = admin.api.base
    for host in ("localhost", "chat.example.com", "10.1.2.3:8065"):
        me = expect(Api(base, admin.token, host=host).get("/users/me"), 200)
        assert me["id"] == admin.id
    for listener in (base, admin_url(base)):
        r = httpx.get(f"{listener}/operator/v1/tenants", headers={"Authorization": "Bearer x"})
        assert r.status_code == 404


def test_a_tenant_made_on_one_node_is_served_by_the_other_at_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Nodes learn of changes through the bus, not their (here hour-long) reload timer."""
    data_dir: Path = tmp_path_factory.mktemp("roost-tenant-nodes")
    env = {
        "ROOST_TENANT_BASE_DOMAIN": BASE_DOMAIN,
        "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "ROOST_TENANT_REFRESH_SECONDS": "3600",
        **cluster_env(f"roost-test-{unique('tn')}"),
    }
    with (
        postgres_database() as url,
        running_server(url, data_dir, env) as one,
        running_server(url, data_dir, env) as two,
    ):
        first, second = Deployment(one, url, data_dir), Deployment(two, url, data_dir)
        t = new_tenant(first)
        config = "/config/client?format=old"
        assert_soon(lambda: Api(two, host=host_of(t)).get(config).status_code == 200)
        # Sign-up closed on one node is closed on the other (issue 19.3).
        with first.operator() as op:
            expect(op.put(f"/tenants/{t['id']}/signup", json={"open_signup": False}), 200)
        assert_soon(
            lambda: Api(two, host=host_of(t)).get(config).json()["EnableOpenServer"] == "false"
        )
        stranger = {"username": unique("s"), "email": "s@example.com", "password": "Sup3r-secret!"}
        refused = Api(two, host=host_of(t)).post("/users", stranger)
        assert expect(refused, 501)["id"] == "api.user.create_user.no_open_server"
        with first.operator() as op:
            expect(op.post(f"/tenants/{t['id']}/suspend"), 200)
        assert_soon(lambda: Api(two, host=host_of(t)).get(config).status_code == 403)
        with second.operator() as op:
            assert expect(op.get(f"/tenants/{t['id']}"), 200)["state"] == "suspended"


def assert_soon(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the other node did not follow"
        time.sleep(0.05)


def test_links_roost_hands_out_name_the_tenants_own_address(deployment: Deployment) -> None:
    """SiteURL, public file links, command response URLs and apps' callbacks are built
    from the tenant's address, so they work there (not on the default tenant's host)."""
    port = deployment.base.rsplit(":", 1)[1]
    t = new_tenant(deployment)
    user = create_user(deployment.base, host=host_of(t))
    config = expect(user.api.get("/config/client?format=old"), 200)
    assert config["SiteURL"] == f"http://{host_of(t)}:{port}"
    domain = f"{t['name']}.example.net"
    with deployment.operator() as op:
        expect(op.put(f"/tenants/{t['id']}/domains", json={"domains": [domain]}), 200)
    config = expect(user.api.get("/config/client?format=old"), 200)
    assert config["SiteURL"] == f"http://{domain}:{port}"
    # The default tenant (the base domain itself) keeps the deployment's own.
    home = expect(Api(deployment.base, host=BASE_DOMAIN).get("/config/client?format=old"), 200)
    assert home["SiteURL"] == deployment.base
    # A public link of the tenant's file names its address.
    channel = channel_with(user, team_with(user)["id"])
    info = upload_one(user, channel["id"], "a.txt", b"linked")
    post(user, channel["id"], "with a file", file_ids=[info["id"]])
    link = expect(user.api.get(f"/files/{info['id']}/link"), 200)["link"]
    assert link.startswith(f"http://{domain}:{port}/files/{info['id']}/public?h=")
    public = httpx.get(deployment.base + link.split(f":{port}", 1)[1], headers={"Host": domain})
    assert public.status_code == 200 and public.content == b"linked"
