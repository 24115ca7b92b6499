"""Account emails: password reset (same answer for any address, single-use token),
email verification (and RequireEmailVerification at login), team invitations by email
accepted through the invite link."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.notify.conftest import NotifyServer, notify_env
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer
from tests.support.chat import make_team
from tests.support.client import PASSWORD, Api, expect, unique
from tests.support.databases import database
from tests.support.server import running_server

NEW_PASSWORD = "Another-Passw0rd!"


def _link_token(text: str, path: str) -> str:
    found = re.search(rf"{re.escape(path)}\?token=([A-Za-z0-9_\-%]+)", text)
    assert found, f"no {path} link in: {text}"
    return found.group(1)


def test_password_reset(notify: NotifyServer) -> None:
    user = notify.user()
    anon = Api(notify.base)
    known = anon.post("/users/password/reset/send", {"email": user.email.upper()})
    unknown = anon.post("/users/password/reset/send", {"email": f"{unique('no')}@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json() == {"status": "OK"}
    [mail] = notify.smtp.mailbox.wait(user.email)
    text = mail.part("plain")
    token = _link_token(text, f"{notify.base}/reset_password_complete")
    assert token in mail.part("html")
    # a password the rules refuse: the link still works afterwards
    weak = expect(anon.post("/users/password/reset", {"token": token, "new_password": "x"}), 400)
    assert weak["id"].startswith("model.user.is_valid.pwd")
    expect(anon.post("/users/password/reset", {"token": token, "new_password": NEW_PASSWORD}), 200)
    # every session ended; the new password works, the old one does not
    assert user.api.get("/users/me").status_code == 401
    login = {"login_id": user.username, "password": NEW_PASSWORD}
    expect(anon.post("/users/login", login), 200)
    assert anon.post("/users/login", {**login, "password": PASSWORD}).status_code == 401
    # used once
    again = expect(
        anon.post("/users/password/reset", {"token": token, "new_password": "Zz-9" * 3}), 400
    )
    assert again["id"] == "api.user.reset_password.invalid_link.app_error"
    bad = expect(
        anon.post("/users/password/reset", {"token": "nope", "new_password": NEW_PASSWORD}), 400
    )
    assert bad["id"] == "api.user.reset_password.invalid_link.app_error"
    missing = expect(anon.post("/users/password/reset", {"new_password": NEW_PASSWORD}), 400)
    assert missing["id"] == "api.context.invalid_param.app_error"
    assert token not in notify.log_text()


def test_a_newer_reset_link_replaces_the_older(notify: NotifyServer) -> None:
    user = notify.user()
    anon = Api(notify.base)
    for _ in range(2):
        expect(anon.post("/users/password/reset/send", {"email": user.email}), 200)
    first, second = notify.smtp.mailbox.wait(user.email, 2)
    path = f"{notify.base}/reset_password_complete"
    old, new = _link_token(first.part("plain"), path), _link_token(second.part("plain"), path)
    body = {"new_password": NEW_PASSWORD}
    expect(anon.post("/users/password/reset", {**body, "token": old}), 400)
    expect(anon.post("/users/password/reset", {**body, "token": new}), 200)


def test_email_verification(notify: NotifyServer) -> None:
    user = notify.user()
    assert user.raw["email_verified"] is False
    anon = Api(notify.base)
    expect(anon.post("/users/email/verify/send", {"email": user.email}), 200)
    expect(anon.post("/users/email/verify/send", {"email": f"{unique('x')}@example.com"}), 200)
    [mail] = notify.smtp.mailbox.wait(user.email)
    assert f"email={user.email.replace('@', '%40')}" in mail.part("plain")
    token = _link_token(mail.part("plain"), f"{notify.base}/do_verify_email")
    expect(anon.post("/users/email/verify", {"token": token}), 200)
    assert expect(user.api.get("/users/me"), 200)["email_verified"] is True
    reused = expect(anon.post("/users/email/verify", {"token": token}), 400)
    assert reused["id"] == "api.user.verify_email.bad_link.app_error"


def test_team_invitations_by_email(notify: NotifyServer) -> None:
    owner, stranger = notify.user(), notify.user()
    team = make_team(owner)
    invited = [f"{unique('inv')}@example.com", f"{unique('inv')}@example.com"]
    expect(owner.api.post(f"/teams/{team['id']}/invite/email", invited), 200)
    for address in invited:
        [mail] = notify.smtp.mailbox.wait(address)
        assert f"@{owner.username} invited you" in mail.message["Subject"]
        assert f"{notify.base}/signup_user_complete/?id={team['invite_id']}" in mail.part("plain")
    # accepted through the link: signing up with the invite id joins the team
    name = unique("joiner")
    body = {"username": name, "email": invited[0], "password": PASSWORD}
    joined = expect(Api(notify.base).post(f"/users?iid={team['invite_id']}", body), 201)
    members = expect(owner.api.get(f"/teams/{team['id']}/members/{joined['id']}"), 200)
    assert members["user_id"] == joined["id"]
    bad_link = Api(notify.base).post(
        "/users?iid=" + "x" * 26, {**body, "username": unique("j"), "email": invited[1]}
    )
    assert bad_link.status_code == 404
    # bad input and people who may not invite
    bad = expect(owner.api.post(f"/teams/{team['id']}/invite/email", ["not an address"]), 400)
    assert bad["id"] == "api.team.invite_members.invalid_email.app_error"
    expect(owner.api.post(f"/teams/{team['id']}/invite/email", {"emails": invited}), 400)
    expect(owner.api.post(f"/teams/{team['id']}/invite/email", []), 400)
    too_many = [f"a{i}@example.com" for i in range(21)]
    expect(owner.api.post(f"/teams/{team['id']}/invite/email", too_many), 400)
    expect(stranger.api.post(f"/teams/{team['id']}/invite/email", invited), 403)


@pytest.fixture(scope="module")
def verifying(
    backend: str, tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-verify-{backend}")
    env = notify_env(proxy, smtp, ROOST_REQUIRE_EMAIL_VERIFICATION="true")
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def test_required_verification_blocks_login_until_verified(
    verifying: str, smtp: SmtpServer
) -> None:
    anon = Api(verifying)
    name = f"v{uuid.uuid4().hex[:10]}"
    email = f"{name}@example.com"
    expect(anon.post("/users", {"username": name, "email": email, "password": PASSWORD}), 201)
    login = {"login_id": name, "password": PASSWORD}
    refused = expect(anon.post("/users/login", login), 401)
    assert refused["id"] == "api.user.login.not_verified.app_error"
    [mail] = smtp.mailbox.wait(email)  # sent at sign-up
    token = _link_token(mail.part("plain"), f"{verifying}/do_verify_email")
    expect(anon.post("/users/email/verify", {"token": token}), 200)
    expect(anon.post("/users/login", login), 200)
    config = expect(httpx.get(f"{verifying}/api/v4/config/client?format=old"), 200)
    assert config["RequireEmailVerification"] == "true"
    assert config["PasswordEnableForgotLink"] == "true"


def test_admin_marks_an_address_verified(notify: NotifyServer) -> None:
    user, other = notify.user(), notify.user()
    got = expect(notify.admin.api.post(f"/users/{user.id}/email/verify/member"), 200)
    assert got["id"] == user.id and got["email_verified"] is True
    assert expect(user.api.get("/users/me"), 200)["email_verified"] is True
    denied = expect(other.api.post(f"/users/{user.id}/email/verify/member"), 403)
    assert denied["id"] == "api.context.permissions.app_error"
    missing = notify.admin.api.post(f"/users/{'x' * 26}/email/verify/member")
    assert missing.status_code == 404
