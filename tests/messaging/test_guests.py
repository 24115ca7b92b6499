"""Guest accounts: demoting a user to guest and promoting them back
(``/users/{id}/demote``, ``/promote``); a guest reads and writes only in the channels
they are in, lists and joins no public channel and creates none."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.messaging.conftest import MESSAGING_ENV
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.posting import post
from tests.support.server import running_server
from tests.support.ws import listening

User = Callable[..., LoggedIn]


def test_guest_sees_only_their_channels(
    msg_server: str, user_on: User, msg_admin: LoggedIn
) -> None:
    owner, guest = user_on(), user_on()
    team = team_with(owner, guest)
    theirs = channel_with(owner, team["id"], guest)
    other = channel_with(owner, team["id"])
    post(owner, other["id"], "not for guests")
    # The guest made a channel of their own before: its admin flag goes with the demotion.
    own = channel_with(guest, team["id"])
    with listening(msg_server, guest) as (ws,):
        expect(msg_admin.api.post(f"/users/{guest.id}/demote"), 200)
        updated = ws.wait_for("user_updated")
        assert updated["data"]["user"]["roles"] == "system_guest"
    assert expect(guest.api.get("/users/me"), 200)["roles"] == "system_guest"
    # Their channel: read and write.
    expect(guest.api.get(f"/channels/{theirs['id']}/posts"), 200)
    post(guest, theirs["id"], "hello from a guest")
    # Another public channel of the team: neither read, listed nor joined.
    assert guest.api.get(f"/channels/{other['id']}/posts").status_code == 403
    assert guest.api.get(f"/channels/{other['id']}").status_code == 403
    assert guest.api.get(f"/teams/{team['id']}/channels").status_code == 403
    r = guest.api.post(f"/channels/{other['id']}/members", {"user_id": guest.id})
    assert r.status_code == 403
    # No channel of their own, no team.
    r = guest.api.post(
        "/channels",
        {
            "team_id": team["id"],
            "name": f"g{uuid.uuid4().hex[:8]}",
            "display_name": "G",
            "type": "O",
        },
    )
    assert r.status_code == 403
    r = guest.api.post(
        "/teams", {"name": f"g{uuid.uuid4().hex[:8]}", "display_name": "G", "type": "O"}
    )
    assert r.status_code == 403
    # Guests manage nothing, not even bookmarks, nor the channel they once administered.
    r = guest.api.post(
        f"/channels/{theirs['id']}/bookmarks",
        {"type": "link", "display_name": "x", "link_url": "https://example.com"},
    )
    assert r.status_code == 403
    r = guest.api.put(f"/channels/{own['id']}/patch", {"display_name": "Renamed"})
    assert r.status_code == 403
    # Others may still add the guest to a channel.
    add = owner.api.post(f"/channels/{other['id']}/members", {"user_id": guest.id})
    assert add.status_code == 201, add.text
    expect(guest.api.get(f"/channels/{other['id']}/posts"), 200)

    expect(msg_admin.api.post(f"/users/{guest.id}/promote"), 200)
    assert expect(guest.api.get("/users/me"), 200)["roles"] == "system_user"
    expect(guest.api.get(f"/teams/{team['id']}/channels"), 200)
    expect(
        guest.api.post(
            "/channels",
            {
                "team_id": team["id"],
                "name": f"p{uuid.uuid4().hex[:8]}",
                "display_name": "P",
                "type": "O",
            },
        ),
        201,
    )


def test_who_may_demote_and_promote(msg_server: str, user_on: User, msg_admin: LoggedIn) -> None:
    plain, target = user_on(), user_on()
    r = plain.api.post(f"/users/{target.id}/demote")
    assert r.status_code == 403
    expect(msg_admin.api.post(f"/users/{target.id}/demote"), 200)
    r = msg_admin.api.post(f"/users/{target.id}/demote")
    assert r.status_code == 400
    assert r.json()["id"] == "api.user.demote_user_to_guest.already_guest.app_error"
    assert plain.api.post(f"/users/{target.id}/promote").status_code == 403
    expect(msg_admin.api.post(f"/users/{target.id}/promote"), 200)
    r = msg_admin.api.post(f"/users/{target.id}/promote")
    assert r.status_code == 501
    assert r.json()["id"] == "api.user.promote_guest_to_user.no_guest.app_error"
    assert msg_admin.api.post(f"/users/{'q' * 26}/demote").status_code == 404
    bot = expect(msg_admin.api.post("/bots", {"username": f"b{uuid.uuid4().hex[:8]}"}), 201)
    assert msg_admin.api.post(f"/users/{bot['user_id']}/demote").status_code == 400


@pytest.fixture(scope="module")
def no_guests_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-no-guests-{backend}")
    env = {**MESSAGING_ENV, "ROOST_GUEST_ACCOUNTS_ENABLE": "false"}
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        yield base


def test_demoting_needs_guest_accounts_on(no_guests_server: str) -> None:
    admin = create_user(no_guests_server, username=f"ngadmin{uuid.uuid4().hex[:6]}")
    user = create_user(no_guests_server)
    r = admin.api.post(f"/users/{user.id}/demote")
    assert r.status_code == 501
    assert r.json()["id"] == "api.team.demote_user_to_guest.disabled.error"
    assert expect(user.api.get("/users/me"), 200)["roles"] == "system_user"
