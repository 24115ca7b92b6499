"""A tenant change is in force on the answering node when the operator API answers
(issue 20.5), also while the node's periodic directory reload (here every second) runs:
a reload that began before the change must not put the old state back after it."""

from __future__ import annotations

import httpx

from tests.support.client import PASSWORD, Api, create_user, unique
from tests.support.client import expect as expect_status
from tests.tenants.conftest import Deployment, host_of, new_tenant

TRIES = 12


def test_suspend_and_resume_are_in_force_when_answered(deployment: Deployment) -> None:
    t = new_tenant(deployment)
    user = create_user(deployment.base, host=host_of(t))
    seen = []
    with deployment.operator() as op:
        for _ in range(TRIES):
            expect_status(op.post(f"/tenants/{t['id']}/suspend"), 200)
            suspended = [user.api.get("/users/me").status_code for _ in range(3)]
            expect_status(op.post(f"/tenants/{t['id']}/resume"), 200)
            resumed = [user.api.get("/users/me").status_code for _ in range(3)]
            seen.append((suspended, resumed))
    assert seen == [([403] * 3, [200] * 3)] * TRIES


def test_a_user_limit_is_in_force_when_answered(deployment: Deployment) -> None:
    t = new_tenant(deployment)
    host = host_of(t)
    create_user(deployment.base, host=host)

    def sign_up() -> httpx.Response:
        name = unique("q")
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        return Api(deployment.base, host=host).post("/users", body)

    with deployment.operator() as op:
        for users in range(1, 5):
            expect_status(op.put(f"/tenants/{t['id']}/limits", json={"max_users": users}), 200)
            assert sign_up().status_code == 403, users
            expect_status(op.put(f"/tenants/{t['id']}/limits", json={"max_users": users + 1}), 200)
            assert sign_up().status_code == 201, users
