"""Guest invitations by email (POST /teams/{team_id}/invite-guests/email): each address
gets a single-use sign-up link; signing up through it makes a guest account with the
invited address, in the team and the invitation's channels, seeing only the people
there."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notify.conftest import NotifyServer, notify_env
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer
from tests.support.chat import channel_with, make_team
from tests.support.client import PASSWORD, Api, LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import running_server


@pytest.fixture(scope="module")
def guests_on(
    backend: str, tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> Iterator[tuple[str, LoggedIn]]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-guest-invites-{backend}")
    env = notify_env(proxy, smtp, ROOST_GUEST_ACCOUNTS_ENABLE="true")
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield base, create_user(base, username=f"gadmin{uuid.uuid4().hex[:6]}")


def _token(text: str, base: str) -> str:
    found = re.search(rf"{re.escape(base)}/signup_user_complete/\?t=([A-Za-z0-9_\-]+)", text)
    assert found, f"no guest sign-up link in: {text}"
    return found.group(1)


def test_guest_invitation_signs_up_a_guest_in_its_channels(
    guests_on: tuple[str, LoggedIn], smtp: SmtpServer
) -> None:
    base, admin = guests_on
    member, outsider = create_user(base), create_user(base)
    team = make_team(admin)
    expect(
        admin.api.post(
            f"/teams/{team['id']}/members", {"team_id": team["id"], "user_id": member.id}
        ),
        201,
    )
    shared = channel_with(admin, team["id"], member, type="P")
    address = f"{unique('guest')}@example.com"
    body = {"emails": [address], "channels": [shared["id"]], "message": "Welcome aboard"}
    expect(admin.api.post(f"/teams/{team['id']}/invite-guests/email", body), 200)
    [mail] = smtp.mailbox.wait(address)
    assert f"@{admin.username} invited you" in mail.message["Subject"]
    text = mail.part("plain")
    assert "Welcome aboard" in text
    token = _token(text, base)
    # Signing up through it: a guest with the invited address, whatever the body says.
    name = unique("g")
    signup = {"username": name, "email": f"{name}@elsewhere.example", "password": PASSWORD}
    made = expect(Api(base).post(f"/users?t={token}", signup), 201)
    assert made["roles"] == "system_guest"
    assert made["email"] == address
    login = Api(base).post("/users/login", {"login_id": name, "password": PASSWORD})
    expect(login, 200)
    guest = Api(base, login.headers["Token"])
    mine = expect(guest.get(f"/users/me/teams/{team['id']}/channels"), 200)
    assert shared["id"] in {c["id"] for c in mine}
    # They see the people of their channels, not the others.
    expect(guest.get(f"/users/{member.id}"), 200)
    assert guest.get(f"/users/{outsider.id}").status_code == 403
    # The link works once.
    again = {"username": unique("g"), "email": address, "password": PASSWORD}
    r = Api(base).post(f"/users?t={token}", again)
    assert r.status_code == 400
    assert r.json()["id"] == "api.user.create_user.signup_link_invalid.app_error"


def test_guest_invitation_bad_input_and_permission(guests_on: tuple[str, LoggedIn]) -> None:
    base, admin = guests_on
    member = create_user(base)
    team = make_team(admin)
    other_team = make_team(admin)
    elsewhere = channel_with(admin, other_team["id"])
    mine = channel_with(admin, team["id"])
    path = f"/teams/{team['id']}/invite-guests/email"
    good = {"emails": ["a@example.com"], "channels": [mine["id"]]}
    for body, error in (
        ({**good, "emails": []}, "model.guest.is_valid.emails.app_error"),
        ({**good, "emails": ["not an address"]}, "model.guest.is_valid.email.app_error"),
        ({**good, "channels": []}, "model.guest.is_valid.channels.app_error"),
        ({**good, "channels": ["short"]}, "model.guest.is_valid.channel.app_error"),
        (
            {**good, "channels": [elsewhere["id"]]},
            "api.team.invite_guests.channel_in_invalid_team.app_error",
        ),
    ):
        r = admin.api.post(path, body)
        assert r.status_code == 400, body
        assert r.json()["id"] == error
    # invite_guest: system admins only by default.
    r = member.api.post(path, good)
    assert r.status_code == 403
    assert r.json()["id"] == "api.context.permissions.app_error"


def test_guest_invitations_need_guest_accounts_on(notify: NotifyServer) -> None:
    admin = notify.admin
    team = make_team(admin)
    channel = channel_with(admin, team["id"])
    body = {"emails": ["a@example.com"], "channels": [channel["id"]]}
    r = admin.api.post(f"/teams/{team['id']}/invite-guests/email", body)
    assert r.status_code == 501
    assert r.json()["id"] == "api.team.invite_guests_to_channels.disabled.error"
