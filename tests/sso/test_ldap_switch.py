"""Switching an account between a password and LDAP (``POST /users/login/switch``, as
Mattermost's emailToLdap / ldapToEmail) against a real slapd: the proofs each way (the
Roost password and MFA, the directory's login and password), what signs in afterwards,
sessions ended, a directory account that is another user's already, the audit log, and
``ROOST_EXPERIMENTAL_ENABLE_AUTHENTICATION_TRANSFER`` off."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest

from tests.sso.conftest import LdapDeployment, ldap_env
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server

SIGNIN_CHANGE = {"follow_link": "/login?extra=signin_change"}
INVALID_LOGIN = "api.user.login.invalid_credentials_email_username"
INVALID_LDAP_PASSWORD = "ent.ldap.do_login.invalid_password.app_error"
NEW_PASSWORD = "Back-to-local-9!"


def _switch(base: str, **body: str) -> httpx.Response:
    return httpx.post(f"{base}/api/v4/users/login/switch", json=body, timeout=15)


def _login(base: str, login_id: str, password: str, **extra: str) -> httpx.Response:
    body = {"login_id": login_id, "password": password, **extra}
    return httpx.post(f"{base}/api/v4/users/login", json=body, timeout=15)


def _to_ldap(
    base: str, user: LoggedIn, uid: str, ldap_password: str, **extra: str
) -> httpx.Response:
    return _switch(
        base,
        current_service="email",
        new_service="ldap",
        email=user.email,
        password=extra.pop("password", PASSWORD),
        ldap_id=uid,
        new_password=ldap_password,
        **extra,
    )


def _to_email(
    base: str, email: str, ldap_password: str, new_password: str, **extra: str
) -> httpx.Response:
    return _switch(
        base,
        current_service="ldap",
        new_service="email",
        email=email,
        password=ldap_password,
        new_password=new_password,
        **extra,
    )


def _people(ldap: LdapDeployment) -> tuple[LoggedIn, str]:
    """A password account and a directory person of another login (not yet linked)."""
    tag = uuid.uuid4().hex[:6]
    user = create_user(ldap.base, username=f"local{tag}", email=f"local{tag}@example.com")
    uid = f"dir{tag}"
    ldap.directory.add_person(uid, f"{uid}-pw")
    return user, uid


def _audits(ldap: LdapDeployment, action: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = expect(
        ldap.admin.api.get("/audits", params={"per_page": 200}), 200
    )
    return [r for r in found if r["action"] == action]


def test_email_to_ldap_and_back(ldap: LdapDeployment) -> None:
    user, uid = _people(ldap)
    switched = _to_ldap(ldap.base, user, uid, f"{uid}-pw")
    assert switched.status_code == 200, switched.text
    assert switched.json() == SIGNIN_CHANGE
    # Every session ended; the Roost password no longer signs in, the directory's does,
    # and the profile then follows the directory (as every LDAP sign-in makes it).
    assert user.api.get("/users/me").status_code == 401
    old = _login(ldap.base, user.email, PASSWORD)
    assert old.status_code == 401 and old.json()["id"] == INVALID_LOGIN
    first = _login(ldap.base, user.username, f"{uid}-pw")
    assert first.status_code == 200, first.text
    profile = first.json()
    assert (profile["id"], profile["auth_service"]) == (user.id, "ldap")
    assert (profile["username"], profile["email"]) == (uid, f"{uid}@corp.example")
    by_login = _login(ldap.base, uid, f"{uid}-pw")
    assert by_login.status_code == 200 and by_login.json()["id"] == user.id
    email = profile["email"]
    success = [r for r in _audits(ldap, "switchEmailToLdap") if r["user_id"] == user.id]
    assert success and success[0]["extra_info"] == f"success - ldap_id={uid}"
    # Switching to LDAP again is refused: it is LDAP's already.
    twice = _switch(
        ldap.base,
        current_service="email",
        new_service="ldap",
        email=email,
        password=f"{uid}-pw",
        ldap_id=uid,
        new_password=f"{uid}-pw",
    )
    assert twice.status_code == 400, twice.text
    assert twice.json()["id"] == "api.user.auth_switch.not_available.app_error"

    # Back: the directory password proves it; the new password must meet the rules.
    weak = _to_email(ldap.base, email, f"{uid}-pw", "short")
    assert weak.status_code == 400
    assert weak.json()["id"] == "model.user.is_valid.pwd_min_length.app_error"
    session = Api(ldap.base, _login(ldap.base, uid, f"{uid}-pw").headers["Token"])
    back = _to_email(ldap.base, email, f"{uid}-pw", NEW_PASSWORD)
    assert back.status_code == 200, back.text
    assert back.json() == SIGNIN_CHANGE
    assert session.get("/users/me").status_code == 401
    session.close()
    refused = _login(ldap.base, email, f"{uid}-pw")
    assert refused.status_code == 401 and refused.json()["id"] == INVALID_LOGIN
    local = _login(ldap.base, email, NEW_PASSWORD)
    assert local.status_code == 200, local.text
    assert (local.json()["id"], local.json()["auth_service"]) == (user.id, "")
    assert [r for r in _audits(ldap, "switchLdapToEmail") if r["user_id"] == user.id]


def test_switching_to_ldap_is_refused_without_both_proofs(ldap: LdapDeployment) -> None:
    user, uid = _people(ldap)
    wrong_local = _to_ldap(ldap.base, user, uid, f"{uid}-pw", password="not-it")
    assert wrong_local.status_code == 401 and wrong_local.json()["id"] == INVALID_LOGIN
    for login_id, password in ((uid, "not-it"), ("nobody-here", f"{uid}-pw"), (uid, ""), ("", "x")):
        answer = _to_ldap(ldap.base, user, login_id, password)
        assert answer.status_code == 401, answer.text
        assert answer.json()["id"] == INVALID_LDAP_PASSWORD
    # Nothing changed: the account still signs in with its password and keeps its session.
    assert expect(user.api.get("/users/me"), 200)["auth_service"] == ""
    assert _login(ldap.base, user.username, PASSWORD).status_code == 200
    refusals = _audits(ldap, "switchEmailToLdap")
    assert any(
        r["extra_info"] == f"failure - email={user.email} {INVALID_LDAP_PASSWORD}" for r in refusals
    )


def test_a_directory_account_of_another_user_is_not_taken(ldap: LdapDeployment) -> None:
    user, uid = _people(ldap)
    # The directory person signed in already: their LDAP account exists.
    first = _login(ldap.base, uid, f"{uid}-pw")
    assert first.status_code == 200, first.text
    taken = _to_ldap(ldap.base, user, uid, f"{uid}-pw")
    assert taken.status_code == 400, taken.text
    assert taken.json()["id"] == "api.user.create_oauth_user.already_attached.app_error"
    assert expect(user.api.get("/users/me"), 200)["auth_service"] == ""


def test_switching_to_email_is_refused_without_the_directory_password(ldap: LdapDeployment) -> None:
    _, uid = _people(ldap)
    signed_in = _login(ldap.base, uid, f"{uid}-pw")
    assert signed_in.status_code == 200, signed_in.text
    email = signed_in.json()["email"]
    wrong = _to_email(ldap.base, email, "not-it", NEW_PASSWORD)
    assert wrong.status_code == 401 and wrong.json()["id"] == INVALID_LDAP_PASSWORD
    empty = _to_email(ldap.base, email, "", NEW_PASSWORD)
    assert empty.status_code == 401 and empty.json()["id"] == INVALID_LDAP_PASSWORD
    unknown = _to_email(ldap.base, "nobody@nowhere.example", f"{uid}-pw", NEW_PASSWORD)
    assert unknown.status_code == 404 and unknown.json()["id"] == "app.user.missing_account.const"
    # A password account has no directory to leave.
    local, _ = _people(ldap)
    not_ldap = _to_email(ldap.base, local.email, PASSWORD, NEW_PASSWORD)
    assert not_ldap.status_code == 400
    assert not_ldap.json()["id"] == "api.user.ldap_to_email.not_ldap_account.app_error"
    # Still the directory's: its password signs in, the one offered does not.
    assert _login(ldap.base, uid, f"{uid}-pw").status_code == 200
    assert _login(ldap.base, email, NEW_PASSWORD).status_code == 401


@pytest.fixture(scope="module")
def mfa_base(ldap: LdapDeployment, backend: str) -> Iterator[str]:
    """A second server on the module's directory, with MFA on."""
    env = {**ldap_env(ldap.directory, "TLS"), "ROOST_ENABLE_MULTIFACTOR_AUTHENTICATION": "true"}
    data_dir = ldap.data_dir / "mfa"
    data_dir.mkdir()
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base, username="admin0").api.close()
        yield base


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def test_mfa_is_asked_both_ways(ldap: LdapDeployment, mfa_base: str) -> None:
    tag = uuid.uuid4().hex[:6]
    user = create_user(mfa_base, username=f"mfa{tag}", email=f"mfa{tag}@example.com")
    secret = expect(user.api.post(f"/users/{user.id}/mfa/generate"), 200)["secret"]
    # Each code step is accepted once, in order: -1 to activate, 0 and +1 to switch.
    activate = {"activate": True, "code": _code(secret, -1)}
    expect(user.api.put(f"/users/{user.id}/mfa", activate), 200)
    uid = f"mfadir{tag}"
    ldap.directory.add_person(uid, f"{uid}-pw")

    missing = _to_ldap(mfa_base, user, uid, f"{uid}-pw")
    assert missing.status_code == 400, missing.text
    assert missing.json()["id"] == "mfa.validate_token.authenticate.app_error"
    wrong = _to_ldap(mfa_base, user, uid, f"{uid}-pw", mfa_code="000000")
    if _code(secret) != "000000":
        assert (
            wrong.status_code == 401
            and wrong.json()["id"] == "api.user.check_user_mfa.bad_code.app_error"
        )
    done = _to_ldap(mfa_base, user, uid, f"{uid}-pw", mfa_code=_code(secret))
    assert done.status_code == 200, done.text

    no_code = _to_email(mfa_base, user.email, f"{uid}-pw", NEW_PASSWORD)
    assert no_code.status_code == 400, no_code.text
    back = _to_email(mfa_base, user.email, f"{uid}-pw", NEW_PASSWORD, mfa_code=_code(secret, 1))
    assert back.status_code == 200, back.text
    # The new password is the account's (MFA still on: the code is asked for next).
    signed_in = _login(mfa_base, user.username, NEW_PASSWORD)
    assert signed_in.status_code == 400, signed_in.text
    assert signed_in.json()["id"] == "mfa.validate_token.authenticate.app_error"
    assert _login(mfa_base, user.username, f"{uid}-pw").status_code == 401


def test_switching_is_refused_when_transfer_is_off(ldap: LdapDeployment, backend: str) -> None:
    env = {
        **ldap_env(ldap.directory, "TLS"),
        "ROOST_EXPERIMENTAL_ENABLE_AUTHENTICATION_TRANSFER": "false",
    }
    data_dir = ldap.data_dir / "no-transfer"
    data_dir.mkdir()
    tag = uuid.uuid4().hex[:6]
    uid = f"stay{tag}"
    ldap.directory.add_person(uid, f"{uid}-pw")
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base, username="admin0").api.close()
        user = create_user(base, username=f"keep{tag}", email=f"keep{tag}@example.com")
        refused = _to_ldap(base, user, uid, f"{uid}-pw")
        assert refused.status_code == 403, refused.text
        assert refused.json()["id"] == "api.user.email_to_ldap.not_available.app_error"
        directory_user = _login(base, uid, f"{uid}-pw").json()
        back = _to_email(base, directory_user["email"], f"{uid}-pw", NEW_PASSWORD)
        assert back.status_code == 403
        assert back.json()["id"] == "api.user.ldap_to_email.not_available.app_error"
        to_oauth = _switch(
            base, current_service="email", new_service="openid", email=user.email, password=PASSWORD
        )
        assert to_oauth.status_code == 403
        assert to_oauth.json()["id"] == "api.user.email_to_oauth.not_available.app_error"
        assert expect(user.api.get("/users/me"), 200)["auth_service"] == ""
        user.api.close()


def test_the_admin_migrates_password_accounts_to_ldap(ldap: LdapDeployment) -> None:
    tag = uuid.uuid4().hex[:6]
    # One account with a directory entry of its email, one without, one with two.
    moving = create_user(ldap.base, username=f"mig{tag}", email=f"mig{tag}@corp.example")
    ldap.directory.add_person(f"mig{tag}", f"mig{tag}-pw")
    staying = create_user(ldap.base, username=f"nomatch{tag}", email=f"nomatch{tag}@x.example")
    doubled = create_user(ldap.base, username=f"dup{tag}", email=f"dup{tag}@corp.example")
    for n in (1, 2):
        ldap.directory.add_person(f"dup{n}x{tag}", "dup-pw", mail=f"dup{tag}@corp.example")
    api = ldap.admin.api
    path = "/users/migrate_auth/ldap"
    good = {"from": "email", "force": False, "match_field": "email"}

    assert moving.api.post(path, good).status_code == 403
    anonymous = httpx.post(f"{ldap.base}/api/v4{path}", json=good, timeout=15)
    assert anonymous.status_code == 401
    for bad in ({"from": "ldap"}, {"force": "yes"}, {"match_field": "nickname"}, {"from": 1}):
        answer = api.post(path, {**good, **bad})
        assert answer.status_code == 400, answer.text
        assert answer.json()["id"] == "api.context.invalid_param.app_error"
    # Two entries with one account's email: nothing moves, unless forced.
    refused = api.post(path, good)
    assert refused.status_code == 500 and refused.json()["id"] == "api.migrate_to_saml.error"
    assert f"dup{tag}" in refused.json()["detailed_error"]
    assert expect(moving.api.get("/users/me"), 200)["auth_service"] == ""

    assert expect(api.post(path, {**good, "force": True}), 200) == {"status": "OK"}
    assert _login(ldap.base, moving.email, PASSWORD).status_code == 401
    signed_in = _login(ldap.base, f"mig{tag}", f"mig{tag}-pw")
    assert signed_in.status_code == 200, signed_in.text
    assert (signed_in.json()["id"], signed_in.json()["auth_service"]) == (moving.id, "ldap")
    for kept in (staying, doubled):
        assert expect(kept.api.get("/users/me"), 200)["auth_service"] == ""
        assert _login(ldap.base, kept.username, PASSWORD).status_code == 200
    records = _audits(ldap, "migrateAuthToLdap")
    assert any("force=True" in r["extra_info"] for r in records)
    # Run again: nothing left to move, nobody moved twice.
    assert expect(api.post(path, {**good, "force": True}), 200) == {"status": "OK"}
    assert expect(api.get(f"/users/{moving.id}"), 200)["auth_service"] == "ldap"
