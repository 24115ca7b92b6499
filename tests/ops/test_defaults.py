"""A new server's defaults are Mattermost's (TeamSettings, PasswordSettings, the
built-in roles), and each is one setting or one role patch away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.cli import serve_as_shipped
from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("as-shipped")
    with serve_as_shipped(data_dir) as served:
        yield served.base


def _sign_up(api: Api, password: str = PASSWORD) -> tuple[int, dict[str, object]]:
    name = unique("u")
    body = {"username": name, "email": f"{name}@example.com", "password": password}
    response = api.post("/users", body)
    return response.status_code, response.json()


def _log_in(base: str, login_id: str) -> LoggedIn:
    login = Api(base).post("/users/login", {"login_id": login_id, "password": PASSWORD})
    me = expect(login, 200)
    token = login.headers["Token"]
    return LoggedIn(me["id"], me["username"], me["email"], token, Api(base, token), me)


@pytest.fixture(scope="module")
def first_admin(shipped: str) -> LoggedIn:
    anon = Api(shipped)
    config = expect(anon.get("/config/client", params={"format": "old"}), 200)
    assert config["EnableOpenServer"] == "false" and config["NoAccounts"] == "true"
    status, body = _sign_up(anon)
    assert status == 201 and "system_admin" in str(body["roles"])
    return _log_in(shipped, str(body["username"]))


def test_sign_up_is_closed_after_the_first_account(shipped: str, first_admin: LoggedIn) -> None:
    anon = Api(shipped)
    config = expect(anon.get("/config/client", params={"format": "old"}), 200)
    assert config["EnableOpenServer"] == "false" and config["NoAccounts"] == "false"
    status, body = _sign_up(anon)
    assert (status, body["id"]) == (501, "api.user.create_user.no_open_server")
    # The admin still makes accounts.
    status, body = _sign_up(first_admin.api)
    assert status == 201 and "system_admin" not in str(body["roles"])


def test_passwords_follow_mattermosts_rules(shipped: str, first_admin: LoggedIn) -> None:
    config = expect(Api(shipped).get("/config/client", params={"format": "old"}), 200)
    assert config["PasswordMinimumLength"] == "8"
    status, body = _sign_up(first_admin.api, password="short7x")
    assert (status, body["id"]) == (400, "model.user.is_valid.pwd_min_length.app_error")


def _member(base: str, admin: LoggedIn) -> LoggedIn:
    status, body = _sign_up(admin.api)
    assert status == 201
    return _log_in(base, str(body["username"]))


def _role(admin: LoggedIn, name: str) -> dict[str, object]:
    role: dict[str, object] = expect(admin.api.get(f"/roles/name/{name}"), 200)
    return role


def _without(admin: LoggedIn, name: str, permission: str) -> None:
    role = _role(admin, name)
    kept = [p for p in role["permissions"] if p != permission]  # type: ignore[attr-defined]
    expect(admin.api.put(f"/roles/{role['id']}/patch", {"permissions": kept}), 200)


def test_team_and_channel_management_are_one_role_patch_away(
    shipped: str, first_admin: LoggedIn
) -> None:
    member = _member(shipped, first_admin)
    # As a new Mattermost server: any user may make a team, any member rename a channel.
    name = unique("t")
    body = {"name": name, "display_name": name, "type": "O"}
    team = expect(member.api.post("/teams", body), 201)
    other = _member(shipped, first_admin)
    expect(
        member.api.post(
            f"/teams/{team['id']}/members", {"team_id": team["id"], "user_id": other.id}
        ),
        201,
    )
    channel = expect(
        member.api.post(
            "/channels",
            {"team_id": team["id"], "name": unique("c"), "display_name": "C", "type": "O"},
        ),
        201,
    )
    expect(other.api.post(f"/channels/{channel['id']}/members", {"user_id": other.id}), 201)
    expect(other.api.put(f"/channels/{channel['id']}/patch", {"display_name": "Renamed"}), 200)

    _without(first_admin, "channel_user", "manage_public_channel_properties")
    refused = other.api.put(f"/channels/{channel['id']}/patch", {"display_name": "Again"})
    assert refused.status_code == 403
    _without(first_admin, "system_user", "create_team")
    body = {"name": unique("t"), "display_name": "T", "type": "O"}
    assert member.api.post("/teams", body).status_code == 403
