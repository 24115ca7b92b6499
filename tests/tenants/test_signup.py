"""Tenant takeover (issue 19.3): a tenant the operator creates is closed for sign-up,
and its first system admin is named by the operator (in the create body) or invited
with a one-time link; the operator opens sign-up when it wants it. The default tenant
keeps its first-start rule (tests/conftest.py: the first to sign up is the admin)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.client import PASSWORD, Api, expect, unique
from tests.tenants.conftest import Deployment, host_of, new_tenant


def sign_up(d: Deployment, host: str, query: str = "", **fields: Any) -> httpx.Response:
    username = fields.pop("username", unique("user"))
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    return Api(d.base, host=host).post(f"/users{query}", {**body, **fields})


def log_in(d: Deployment, host: str, username: str) -> dict[str, Any]:
    r = Api(d.base, host=host).post("/users/login", {"login_id": username, "password": PASSWORD})
    body: dict[str, Any] = expect(r, 200)
    return body


def client_config(d: Deployment, host: str) -> dict[str, Any]:
    config: dict[str, Any] = expect(Api(d.base, host=host).get("/config/client?format=old"), 200)
    return config


def test_a_new_tenant_is_closed_and_its_named_admin_can_log_in(deployment: Deployment) -> None:
    d = deployment
    name = unique("boss")
    tenant = new_tenant(
        d,
        open_signup=False,
        admin={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
    )
    host = host_of(tenant)
    assert tenant["open_signup"] is False and len(tenant["admin_user_id"]) == 26
    assert client_config(d, host)["EnableOpenServer"] == "false"

    # The stranger who used to become the tenant's admin is refused, before and after.
    refused = expect(sign_up(d, host), 501)
    assert refused["id"] == "api.user.create_user.no_open_server"
    admin = log_in(d, host, name)
    assert admin["id"] == tenant["admin_user_id"]
    assert "system_admin" in admin["roles"].split()
    assert expect(sign_up(d, host), 501)["id"] == "api.user.create_user.no_open_server"

    # The admin adds people (an admin may, sign-up closed or not); they are not admins.
    token = Api(d.base, host=host).post("/users/login", {"login_id": name, "password": PASSWORD})
    as_admin = Api(d.base, token.headers["Token"], host=host)
    member = unique("m")
    made = expect(
        as_admin.post(
            "/users",
            {"username": member, "email": f"{member}@example.com", "password": PASSWORD},
        ),
        201,
    )
    assert "system_admin" not in made["roles"].split()


def test_a_bad_admin_is_refused_before_the_tenant_exists(deployment: Deployment) -> None:
    name = unique("t").replace("_", "-").lower()[:40]
    with deployment.operator() as op:
        r = op.post(
            "/tenants",
            json={"name": name, "admin": {"username": "ok", "email": "a@b.co", "password": "x"}},
        )
        assert r.status_code == 400, r.text
        assert expect(op.get(f"/tenants/{name}"), 404)
        assert expect(op.post("/tenants", json={"name": name, "admin": "me"}), 400)


def test_the_first_admin_invite_works_once(deployment: Deployment) -> None:
    d = deployment
    tenant = new_tenant(d, open_signup=False, admin_invite=True)
    host = host_of(tenant)
    invite = tenant["admin_invite"]
    assert invite["url"] == f"http://{host}:{d.base.rsplit(':', 1)[1]}" + (
        f"/signup_user_complete/?t={invite['token']}"
    )
    assert invite["expires_at"] > 0

    bad = expect(sign_up(d, host, "?t=not-the-token"), 400)
    assert bad["id"] == "api.user.create_user.signup_link_invalid.app_error"
    # A sign-up that fails for another reason leaves the link usable.
    assert expect(sign_up(d, host, f"?t={invite['token']}", password="x"), 400)
    first = expect(sign_up(d, host, f"?t={invite['token']}"), 201)
    assert "system_admin" in first["roles"].split()
    again = expect(sign_up(d, host, f"?t={invite['token']}"), 400)
    assert again["id"] == "api.user.create_user.signup_link_invalid.app_error"
    # The link is this tenant's only.
    other = new_tenant(d, open_signup=False)
    assert expect(sign_up(d, host_of(other), f"?t={invite['token']}"), 400)

    # A new invite replaces the last one.
    with d.operator() as op:
        one = expect(op.post(f"/tenants/{tenant['id']}/admin_invite"), 201)
        two = expect(
            op.post(f"/tenants/{tenant['id']}/admin_invite", json={"expires_in_seconds": 120}),
            201,
        )
        assert two["expires_at"] < one["expires_at"]
        assert expect(
            op.post(f"/tenants/{tenant['id']}/admin_invite", json={"expires_in_seconds": 1}), 400
        )
    assert expect(sign_up(d, host, f"?t={one['token']}"), 400)
    assert "system_admin" in expect(sign_up(d, host, f"?t={two['token']}"), 201)["roles"]


def test_the_operator_opens_and_closes_sign_up(deployment: Deployment) -> None:
    d = deployment
    tenant = new_tenant(d, open_signup=False)
    host = host_of(tenant)
    with d.operator() as op:
        opened = expect(op.put(f"/tenants/{tenant['id']}/signup", json={"open_signup": True}), 200)
        assert opened["open_signup"] is True
        assert client_config(d, host)["EnableOpenServer"] == "true"
        expect(sign_up(d, host), 201)
        expect(op.put(f"/tenants/{tenant['id']}/signup", json={"open_signup": False}), 200)
        assert expect(op.put(f"/tenants/{tenant['id']}/signup", json={}), 400)
        assert expect(op.put(f"/tenants/{tenant['id']}/signup", json={"open_signup": 1}), 400)
    assert expect(sign_up(d, host), 501)["id"] == "api.user.create_user.no_open_server"
    assert client_config(d, host)["EnableOpenServer"] == "false"


def test_the_tenants_admin_opens_sign_up(deployment: Deployment) -> None:
    """Mattermost's ``TeamSettings.EnableOpenServer`` through ``PUT /config/patch``."""
    d = deployment
    name = unique("boss")
    tenant = new_tenant(
        d,
        open_signup=False,
        admin={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
    )
    host = host_of(tenant)
    login = Api(d.base, host=host).post("/users/login", {"login_id": name, "password": PASSWORD})
    assert expect(login, 200)["id"] == tenant["admin_user_id"]
    admin = Api(d.base, login.headers["Token"], host=host)
    opened = admin.put("/config/patch", {"TeamSettings": {"EnableOpenServer": True}})
    # The answer is the whole configuration (Mattermost's), as the admin's tenant has it.
    assert expect(opened, 200)["TeamSettings"]["EnableOpenServer"] is True
    member = expect(sign_up(d, host), 201)
    assert "system_admin" not in member["roles"].split()
    assert client_config(d, host)["EnableOpenServer"] == "true"

    # Only valid values, only by an admin; an empty patch changes nothing.
    bad_patches: list[dict[str, Any]] = [
        {"TeamSettings": {"EnableOpenServer": "yes"}},
        {"TeamSettings": {"NoSuchSetting": True}},
    ]
    for bad in bad_patches:
        assert expect(admin.put("/config/patch", bad), 400)
    assert expect(admin.put("/config/patch", {}), 200)["TeamSettings"]["EnableOpenServer"]
    plain = Api(
        d.base,
        Api(d.base, host=host)
        .post("/users/login", {"login_id": member["username"], "password": PASSWORD})
        .headers["Token"],
        host=host,
    )
    closing = {"TeamSettings": {"EnableOpenServer": False}}
    assert expect(plain.put("/config/patch", closing), 403)
    assert (
        expect(admin.put("/config/patch", closing), 200)["TeamSettings"]["EnableOpenServer"]
        is False
    )
    assert expect(sign_up(d, host), 501)["id"] == "api.user.create_user.no_open_server"
