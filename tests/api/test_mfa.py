"""MFA with TOTP as Mattermost's, driven by a real authenticator algorithm (pyotp):
generate, activate, log in with a code, replayed and wrong codes refused, the admin's
reset, and enforcement (403 until the user sets MFA up)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from tests.conftest import BACKENDS
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import running_server

MFA_ENV = {"ROOST_ENABLE_MULTIFACTOR_AUTHENTICATION": "true"}
ENFORCED_ENV = {**MFA_ENV, "ROOST_ENFORCE_MULTIFACTOR_AUTHENTICATION": "true"}
MALFORMED = "mfa.validate_token.authenticate.app_error"
BAD_CODE = "api.user.check_user_mfa.bad_code.app_error"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Server:
    def __init__(self, base: str, data_dir: Path) -> None:
        self.base = base
        self.data_dir = data_dir
        self.admin = create_user(base)  # the first user: a system admin

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.data_dir.glob("server-*.log"))


def _server(
    request: pytest.FixtureRequest, factory: pytest.TempPathFactory, env: dict[str, str]
) -> Iterator[Server]:
    backend = str(request.param)
    data_dir: Path = factory.mktemp(f"mfa-{backend}")
    # Debug logging: the secret must not show up in the most talkative log either.
    with (
        database(backend, data_dir) as url,
        running_server(url, data_dir, {**env, "ROOST_LOG_LEVEL": "debug"}) as base,
    ):
        yield Server(base, data_dir)


@pytest.fixture(scope="module", params=BACKENDS)
def mfa_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from _server(request, tmp_path_factory, MFA_ENV)


@pytest.fixture(scope="module", params=BACKENDS)
def enforced(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from _server(request, tmp_path_factory, ENFORCED_ENV)


def _login(base: str, user: LoggedIn, token: Any = None) -> Any:
    body: dict[str, Any] = {"login_id": user.username, "password": PASSWORD}
    if token is not None:
        body["token"] = token
    return Api(base).post("/users/login", body)


def _code(secret: str, steps_ahead: int = 0) -> str:
    """The authenticator's code, ``steps_ahead`` 30-second steps from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _set_up(user: LoggedIn) -> str:
    """Generate and activate MFA as the web app does; returns the secret."""
    answer = expect(user.api.post(f"/users/{user.id}/mfa/generate"), 200)
    secret = str(answer["secret"])
    expect(user.api.put(f"/users/{user.id}/mfa", {"activate": True, "code": _code(secret)}), 200)
    return secret


def test_generate_answers_the_secret_and_a_png_qr_code(mfa_server: Server) -> None:
    user = create_user(mfa_server.base)
    r = user.api.post(f"/users/{user.id}/mfa/generate")
    body = expect(r, 200)
    assert set(body) == {"secret", "qr_code"}
    assert len(body["secret"]) == 32
    pyotp.TOTP(body["secret"]).now()  # a valid base32 TOTP secret
    assert base64.b64decode(body["qr_code"]).startswith(PNG_MAGIC)
    assert "no-store" in r.headers["cache-control"]
    # Not active until a code proves the authenticator has it.
    assert expect(user.api.get("/users/me"), 200)["mfa_active"] is False
    assert expect(_login(mfa_server.base, user), 200)["mfa_active"] is False


def test_activate_then_login_needs_the_code_once(mfa_server: Server) -> None:
    user = create_user(mfa_server.base)
    secret = expect(user.api.post(f"/users/{user.id}/mfa/generate"), 200)["secret"]
    # A wrong code does not activate it.
    wrong = user.api.put(f"/users/{user.id}/mfa", {"activate": True, "code": "000000"})
    if _code(secret) != "000000":
        assert expect(wrong, 401)["id"] == "mfa.activate.bad_token.app_error"
    bad = user.api.put(f"/users/{user.id}/mfa", {"activate": True})
    assert expect(bad, 400)["id"] == "api.context.invalid_param.app_error"
    code = _code(secret)
    expect(user.api.put(f"/users/{user.id}/mfa", {"activate": True, "code": code}), 200)
    me = expect(user.api.get("/users/me"), 200)
    assert me["mfa_active"] is True
    check = Api(mfa_server.base).post("/users/mfa", {"login_id": user.username})
    assert expect(check, 200) == {"mfa_required": True}

    # No code, or a malformed one: Mattermost's id that makes clients ask for the code.
    assert expect(_login(mfa_server.base, user), 400)["id"] == MALFORMED
    assert expect(_login(mfa_server.base, user, ""), 400)["id"] == MALFORMED
    assert expect(_login(mfa_server.base, user, "12ab56"), 400)["id"] == MALFORMED
    # The code used to activate is spent: replaying it fails.
    assert expect(_login(mfa_server.base, user, code), 401)["id"] == BAD_CODE
    # The next step's code (within the +-1 window) logs in, once.
    following = _code(secret, 1)
    logged = _login(mfa_server.base, user, following)
    assert expect(logged, 200)["id"] == user.id
    assert len(logged.headers["Token"]) == 26
    assert expect(_login(mfa_server.base, user, following), 401)["id"] == BAD_CODE
    # A code from outside the window, and a made-up one.
    assert expect(_login(mfa_server.base, user, _code(secret, 3)), 401)["id"] == BAD_CODE
    made_up = "123456" if _code(secret, 2) != "123456" else "654321"
    assert expect(_login(mfa_server.base, user, made_up), 401)["id"] == BAD_CODE
    # The wrong password still says so first.
    wrong_pw = Api(mfa_server.base).post(
        "/users/login", {"login_id": user.username, "password": "not-it", "token": _code(secret, 2)}
    )
    assert expect(wrong_pw, 401)["id"] == "api.user.login.invalid_credentials_email_username"


def test_the_secret_never_leaves_the_generate_answer(mfa_server: Server) -> None:
    user = create_user(mfa_server.base)
    secret = _set_up(user)
    other = create_user(mfa_server.base)
    for api, path in (
        (user.api, "/users/me"),
        (user.api, f"/users/{user.id}"),
        (other.api, f"/users/{user.id}"),
        (mfa_server.admin.api, f"/users/{user.id}"),
        (mfa_server.admin.api, "/users?per_page=200"),
    ):
        r = api.get(path)
        assert r.status_code == 200
        assert secret not in r.text
    assert secret not in mfa_server.log_text()


def test_turning_it_off_and_the_admins_reset(mfa_server: Server) -> None:
    user = create_user(mfa_server.base)
    _set_up(user)
    other = create_user(mfa_server.base)
    # Nobody else but an admin.
    r = other.api.put(f"/users/{user.id}/mfa", {"activate": False})
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    r = other.api.post(f"/users/{user.id}/mfa/generate")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    expect(mfa_server.admin.api.put(f"/users/{user.id}/mfa", {"activate": False}), 200)
    assert expect(mfa_server.admin.api.get(f"/users/{user.id}"), 200)["mfa_active"] is False
    expect(_login(mfa_server.base, user), 200)
    check = Api(mfa_server.base).post("/users/mfa", {"login_id": user.email})
    assert expect(check, 200) == {"mfa_required": False}
    # The user turns their own off too.
    _set_up(user)
    expect(user.api.put(f"/users/{user.id}/mfa", {"activate": False}), 200)
    expect(_login(mfa_server.base, user), 200)


def test_mfa_check_of_unknown_and_bad_login_ids(mfa_server: Server) -> None:
    anon = Api(mfa_server.base)
    assert expect(anon.post("/users/mfa", {"login_id": unique("nobody")}), 200) == {
        "mfa_required": False
    }
    r = anon.post("/users/mfa", {"login_id": ""})
    assert expect(r, 400)["id"] == "api.context.invalid_param.app_error"


def test_off_by_default_as_in_mattermost(server: str, make_user: Any) -> None:
    user: LoggedIn = make_user()
    r = user.api.post(f"/users/{user.id}/mfa/generate")
    assert expect(r, 501)["id"] == "mfa.mfa_disabled.app_error"
    assert expect(Api(server).post("/users/mfa", {"login_id": user.username}), 200) == {
        "mfa_required": False
    }
    config = expect(Api(server).get("/config/client", params={"format": "old"}), 200)
    assert config["EnableMultifactorAuthentication"] == "false"
    assert config["EnforceMultifactorAuthentication"] == "false"


def test_enforcement_until_the_user_sets_it_up(enforced: Server) -> None:
    config = expect(Api(enforced.base).get("/config/client", params={"format": "old"}), 200)
    assert config["EnableMultifactorAuthentication"] == "true"
    assert config["EnforceMultifactorAuthentication"] == "true"
    user = create_user(enforced.base)
    # Logged in, but the API refuses everything except setting MFA up.
    r = user.api.get("/users/me/teams")
    assert expect(r, 403)["id"] == "api.context.mfa_required.app_error"
    r = user.api.get(f"/users/{user.id}")
    assert expect(r, 403)["id"] == "api.context.mfa_required.app_error"
    assert expect(user.api.get("/users/me"), 200)["id"] == user.id
    secret = _set_up(user)
    # Set up: the same session may now use the API.
    assert expect(user.api.get("/users/me/teams"), 200) == []
    logged = _login(enforced.base, user, _code(secret, 1))
    expect(Api(enforced.base, logged.headers["Token"]).get("/users/me/teams"), 200)
    # An admin's reset puts the user back behind the wall.
    expect(enforced.admin.api.put(f"/users/{user.id}/mfa", {"activate": False}), 200)
    r = user.api.get("/users/me/teams")
    assert expect(r, 403)["id"] == "api.context.mfa_required.app_error"
    # Logging out still works.
    expect(user.api.post("/users/logout"), 200)


def test_mfa_changes_and_wrong_codes_reach_the_audit_log(mfa_server: Server) -> None:
    user = create_user(mfa_server.base)
    secret = _set_up(user)
    # A wrong code after the right password: the attempt counted before the password
    # check stays counted (toward the lockout) until a login succeeds.
    wrong = "000000" if _code(secret) != "000000" else "111111"
    assert _login(mfa_server.base, user, wrong).status_code == 401
    expect(mfa_server.admin.api.put(f"/users/{user.id}/mfa", {"activate": False}), 200)
    # A record is the acting user's: the activation under the user, the reset under the
    # admin, naming the user.
    own = expect(mfa_server.admin.api.get(f"/users/{user.id}/audits"), 200)
    activation = [r for r in own if r["action"] == "updateUserMfa"]
    assert len(activation) == 1 and "activate=True" in activation[0]["extra_info"]
    everyone = expect(mfa_server.admin.api.get("/audits", params={"per_page": 200}), 200)
    reset = [
        r
        for r in everyone
        if r["action"] == "updateUserMfa" and f"user_id={user.id}" in r["extra_info"]
    ]
    assert reset[0]["user_id"] == mfa_server.admin.id and "activate=False" in reset[0]["extra_info"]
    assert secret not in str(own) + str(everyone)
