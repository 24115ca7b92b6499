"""The audit log is per tenant: one tenant's admin never sees another's records, and the
operator's actions on a tenant are in that tenant's log."""

from __future__ import annotations

import time
from typing import Any

from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.tenants.conftest import Deployment, host_of, new_tenant
from tests.tenants.test_move import settled


def login_body(user: LoggedIn) -> dict[str, str]:
    return {"login_id": user.username, "password": PASSWORD}


def _audits(reader: LoggedIn, path: str = "/audits") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = expect(reader.api.get(path, params={"per_page": 200}), 200)
    return found


def test_one_tenants_audits_are_never_anothers(deployment: Deployment) -> None:
    a, b = new_tenant(deployment), new_tenant(deployment)
    admin_a = create_user(deployment.base, host=host_of(a))
    admin_b = create_user(deployment.base, host=host_of(b))
    user_b = create_user(deployment.base, host=host_of(b))
    ghost = unique("ghost")
    wrong = {"login_id": ghost, "password": "wrong-" + PASSWORD}
    assert Api(deployment.base, host=host_of(b)).post("/users/login", wrong).status_code == 401
    theirs = _audits(admin_b)
    assert any(ghost in r["extra_info"] for r in theirs)
    assert {user_b.id, admin_b.id} <= {r["user_id"] for r in theirs}
    ours = _audits(admin_a)
    assert {r["user_id"] for r in ours} <= {admin_a.id, ""}
    assert not {r["id"] for r in ours} & {r["id"] for r in theirs}
    assert ghost not in str(ours)
    # Another tenant's user, by id: nothing (as for an id that exists nowhere).
    assert _audits(admin_a, f"/users/{user_b.id}/audits") == []
    assert _audits(admin_a, f"/users/{'x' * 26}/audits") == []


def test_the_operators_actions_are_in_the_tenants_log(deployment: Deployment) -> None:
    tenant = new_tenant(deployment)
    admin = create_user(deployment.base, host=host_of(tenant))
    other = new_tenant(deployment)
    other_admin = create_user(deployment.base, host=host_of(other))
    domain = f"{tenant['name']}.example.org"
    with deployment.operator() as op:
        expect(op.put(f"/tenants/{tenant['id']}/limits", json={"max_users": 50}), 200)
        expect(op.put(f"/tenants/{tenant['id']}/domains", json={"domains": [domain]}), 200)
        expect(op.post(f"/tenants/{tenant['id']}/suspend"), 200)
        expect(op.post(f"/tenants/{tenant['id']}/resume"), 200)
        expect(op.get(f"/tenants/{tenant['id']}/export"), 200)
    found = _audits(admin)
    by_operator = [(r["action"], r["extra_info"]) for r in found if r["user_id"] == ""]
    assert by_operator == [
        ("exportTenant", "operator"),
        ("resumeTenant", "operator"),
        ("suspendTenant", "operator"),
        ("setTenantDomains", f"operator domains={domain}"),
        ("setTenantLimits", "operator max_users=50"),
        ("createTenant", f"operator name={tenant['name']}"),
    ]
    assert all(r["ip_address"] == "127.0.0.1" for r in found if r["user_id"] == "")
    # None of it in the other tenant's log.
    assert [r["action"] for r in _audits(other_admin) if r["user_id"] == ""] == ["createTenant"]


def test_a_tenants_log_moves_with_it(deployment: Deployment) -> None:
    tenant = new_tenant(deployment)
    admin = create_user(deployment.base, host=host_of(tenant))
    before = _audits(admin)
    with deployment.operator() as op:
        expect(op.post(f"/tenants/{tenant['id']}/move", json={"database": "west"}), 202)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not settled(deployment, tenant["id"], "west"):
        time.sleep(0.2)
    assert settled(deployment, tenant["id"], "west")
    after = _audits(admin)
    # Everything recorded before, and the move itself (recorded as it was asked for).
    assert [r["id"] for r in after[1:]] == [r["id"] for r in before]
    assert (after[0]["action"], after[0]["extra_info"]) == (
        "moveTenant",
        "operator requested database=west",
    )
    # Recording goes on in the new database.
    expect(Api(deployment.base, host=host_of(tenant)).post("/users/login", login_body(admin)), 200)
    assert _audits(admin)[0]["extra_info"] == "success"
