"""Sessions and MFA across two nodes: a revocation on one node ends the session (token
and socket) on the other at once, as does a password change; a TOTP code accepted by
one node is refused by the other."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pyotp
import pytest

from tests.cluster.conftest import cluster_env
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect
from tests.support.databases import postgres_database
from tests.support.server import running_server
from tests.support.ws import WsClient

SESSION_ENDED = 1008
MFA_ENV = {"ROOST_ENABLE_MULTIFACTOR_AUTHENTICATION": "true"}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    data_dir: Path = tmp_path_factory.mktemp("roost-sessions-cluster")
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}"
    env = {**cluster_env(prefix), **MFA_ENV}
    with postgres_database() as url, ExitStack() as stack:
        bases = [stack.enter_context(running_server(url, data_dir, env)) for _ in range(2)]
        create_user(bases[0])  # the admin
        yield bases


def _login(base: str, user: LoggedIn, code: str | None = None) -> str:
    body = {"login_id": user.username, "password": PASSWORD}
    if code is not None:
        body["token"] = code
    r = Api(base).post("/users/login", body)
    expect(r, 200)
    return str(r.headers["Token"])


def _session_id(api: Api, user_id: str) -> str:
    found = expect(api.get(f"/users/{user_id}/sessions"), 200)
    return str(max(found, key=lambda s: s["last_activity_at"])["id"])


def test_revoking_on_one_node_ends_the_session_on_the_other(nodes: list[str]) -> None:
    user = create_user(nodes[0])
    other_token = _login(nodes[1], user)
    on_node1 = Api(nodes[1], other_token)
    # Node 1 has the token cached and a socket open for it.
    expect(on_node1.get("/users/me"), 200)
    other_id = _session_id(on_node1, user.id)
    with WsClient(nodes[1], other_token) as ws:
        ws.wait_for("hello")
        r = user.api.post(f"/users/{user.id}/sessions/revoke", {"session_id": other_id})
        expect(r, 200)
        ws.frames_until_closed(5.0)
        assert ws.close_code == SESSION_ENDED
    assert on_node1.get("/users/me").status_code == 401
    expect(user.api.get("/users/me"), 200)


def test_a_password_change_on_one_node_ends_the_others_sessions_there(nodes: list[str]) -> None:
    user = create_user(nodes[0])
    other_token = _login(nodes[1], user)
    on_node1 = Api(nodes[1], other_token)
    expect(on_node1.get("/users/me"), 200)
    with WsClient(nodes[1], other_token) as ws:
        ws.wait_for("hello")
        body = {"current_password": PASSWORD, "new_password": "Cluster-pass-2!"}
        expect(user.api.put(f"/users/{user.id}/password", body), 200)
        ws.frames_until_closed(5.0)
        assert ws.close_code == SESSION_ENDED
    assert on_node1.get("/users/me").status_code == 401
    expect(Api(nodes[1], user.token).get("/users/me"), 200)  # the changing session stays


def test_a_code_accepted_on_one_node_is_refused_on_the_other(nodes: list[str]) -> None:
    user = create_user(nodes[0])
    secret = expect(user.api.post(f"/users/{user.id}/mfa/generate"), 200)["secret"]
    totp = pyotp.TOTP(secret)
    expect(user.api.put(f"/users/{user.id}/mfa", {"activate": True, "code": totp.now()}), 200)
    code = totp.at(time.time() + 30)
    _login(nodes[0], user, code)
    r = Api(nodes[1]).post(
        "/users/login", {"login_id": user.username, "password": PASSWORD, "token": code}
    )
    assert expect(r, 401)["id"] == "api.user.check_user_mfa.bad_code.app_error"
    # Node 1 knows the user has MFA (its cache dropped on user_updated).
    check = Api(nodes[1]).post("/users/mfa", {"login_id": user.username})
    assert expect(check, 200) == {"mfa_required": True}
