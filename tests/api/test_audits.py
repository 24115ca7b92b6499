"""The audit log (issue 19): each recorded action appears in ``GET /audits`` and
``GET /users/{id}/audits`` with its action, user and address; who may read whose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import PASSWORD, Api, LoggedIn, expect, unique

# Every test server listens on loopback: the socket's peer is this address.
CLIENT = "127.0.0.1"


def audits(reader: LoggedIn, user_id: str = "", **params: Any) -> list[dict[str, Any]]:
    path = f"/users/{user_id}/audits" if user_id else "/audits"
    params.setdefault("per_page", 200)
    found: list[dict[str, Any]] = expect(reader.api.get(path, params=params), 200)
    return found


def find(found: list[dict[str, Any]], action: str, extra: str = "") -> dict[str, Any]:
    for record in found:
        if record["action"] == action and extra in record["extra_info"]:
            return record
    raise AssertionError(f"no {action!r} record with {extra!r} in {found}")


def test_logins_failed_and_successful_with_the_address(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    wrong = "not-the-password-" + unique("x")
    anon = Api(server)
    assert (
        anon.post("/users/login", {"login_id": user.username, "password": wrong}).status_code == 401
    )
    ghost = unique("ghost")
    assert anon.post("/users/login", {"login_id": ghost, "password": wrong}).status_code == 401
    login = anon.post("/users/login", {"login_id": user.username, "password": PASSWORD})
    expect(login, 200)
    own = audits(user, user.id)
    # Newest first: the success, then the failure; make_user's own login before them.
    assert [r["action"] for r in own[:2]] == ["login", "login"]
    success, failure = own[0], own[1]
    assert success["extra_info"] == "success" and success["user_id"] == user.id
    assert success["ip_address"] == CLIENT and len(success["session_id"]) == 26
    assert failure["extra_info"] == f"failure - login_id={user.username}"
    assert failure["ip_address"] == CLIENT and failure["session_id"] == ""
    assert set(success) == {
        "id",
        "create_at",
        "user_id",
        "action",
        "extra_info",
        "ip_address",
        "session_id",
    }
    # An unknown login id is recorded under nobody, for the admin to see.
    everyone = audits(admin)
    unknown = find(everyone, "login", f"login_id={ghost}")
    assert unknown["user_id"] == "" and unknown["ip_address"] == CLIENT
    # The password is never kept.
    assert wrong not in str(everyone) and PASSWORD not in str(everyone)


def test_logout_and_password_changes(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    url = f"/users/{user.id}/password"
    r = user.api.put(url, {"current_password": "wrong-" + PASSWORD, "new_password": "Other-pw-1"})
    assert r.status_code == 400
    expect(user.api.put(url, {"current_password": PASSWORD, "new_password": "Other-pw-1"}), 200)
    # Before the admin's reset, which ends every session of the user.
    expect(user.api.post("/users/logout"), 200)
    # An admin sets it without the current one: the admin's record, naming the user.
    expect(admin.api.put(url, {"new_password": PASSWORD}), 200)
    own = audits(admin, user.id)
    logout = find(own, "logout")
    assert logout["user_id"] == user.id and logout["ip_address"] == CLIENT
    assert logout["session_id"] != ""
    assert find(own, "updatePassword", "failure")["user_id"] == user.id
    assert find(own, "updatePassword", f"success - user_id={user.id}")["ip_address"] == CLIENT
    by_admin = find(audits(admin, admin.id), "updatePassword", f"user_id={user.id}")
    assert by_admin["user_id"] == admin.id and by_admin["session_id"] != ""
    assert PASSWORD not in str(own) and "Other-pw-1" not in str(own)


def test_admin_actions_on_users(admin: LoggedIn, make_user: Callable[..., LoggedIn]) -> None:
    user = make_user()
    roles = "system_user system_user_access_token"
    expect(admin.api.put(f"/users/{user.id}/roles", {"roles": roles}), 200)
    expect(admin.api.put(f"/users/{user.id}/active", {"active": False}), 200)
    expect(admin.api.put(f"/users/{user.id}/active", {"active": True}), 200)
    expect(admin.api.delete(f"/users/{user.id}"), 200)
    mine = audits(admin, admin.id)
    changed = find(mine, "updateUserRoles", f"user_id={user.id}")
    assert changed["extra_info"] == f"user_id={user.id} roles={roles}"
    assert changed["user_id"] == admin.id and changed["ip_address"] == CLIENT
    active = [r["extra_info"] for r in mine if f"user_id={user.id} active" in r["extra_info"]]
    # Newest first: the delete (a deactivation), the activation, the deactivation.
    assert active == [
        f"user_id={user.id} active=False",
        f"user_id={user.id} active=True",
        f"user_id={user.id} active=False",
    ]


def test_access_tokens_and_bots(admin: LoggedIn) -> None:
    bot = expect(admin.api.post("/bots", {"username": unique("bot")}), 201)
    bot_id = bot["user_id"]
    token = expect(admin.api.post(f"/users/{bot_id}/tokens", {"description": "ci"}), 200)
    for state in ("disable", "enable", "revoke"):
        expect(admin.api.post(f"/users/tokens/{state}", {"token_id": token["id"]}), 200)
    expect(admin.api.post(f"/bots/{bot_id}/disable"), 200)
    mine = audits(admin, admin.id)
    assert find(mine, "createBot")["extra_info"] == f"bot_user_id={bot_id}"
    created = find(mine, "createUserAccessToken", f"token_id={token['id']}")
    assert created["extra_info"] == f"user_id={bot_id} token_id={token['id']}"
    for state in ("disable", "enable", "revoke"):
        find(mine, f"{state}UserAccessToken", f"token_id={token['id']}")
    assert find(mine, "updateBotActive", bot_id)["extra_info"].endswith("active=False")
    # The token's secret is never kept.
    assert token["token"] not in str(mine)


def test_role_patch(admin: LoggedIn) -> None:
    role = expect(admin.api.get("/roles/name/team_user"), 200)
    url = f"/roles/{role['id']}/patch"
    kept = [p for p in role["permissions"] if p != "invite_user"]
    try:
        expect(admin.api.put(url, {"permissions": kept}), 200)
    finally:
        expect(admin.api.put(url, {"permissions": role["permissions"]}), 200)
    mine = audits(admin, admin.id)
    # Newest first: the role put back, then the patch.
    back = find(mine, "patchRole", "role=team_user added=[invite_user]")
    patched = find(mine, "patchRole", "role=team_user added=[] removed=[invite_user]")
    assert back["create_at"] >= patched["create_at"] and patched["ip_address"] == CLIENT


def test_team_and_channel_member_roles(make_user: Callable[..., LoggedIn]) -> None:
    owner, member = make_user(), make_user()
    team = make_team(owner)
    join_team(owner, team["id"], member)
    channel = make_channel(owner, team["id"])
    add_to_channel(owner, channel["id"], member)
    team_url = f"/teams/{team['id']}/members/{member.id}/schemeRoles"
    expect(owner.api.put(team_url, {"scheme_user": True, "scheme_admin": True}), 200)
    channel_url = f"/channels/{channel['id']}/members/{member.id}/roles"
    expect(owner.api.put(channel_url, {"roles": "channel_user channel_admin"}), 200)
    mine = audits(owner, owner.id)
    made = find(mine, "updateTeamMemberRoles")
    assert made["extra_info"] == f"team_id={team['id']} user_id={member.id} team_admin=True"
    assert made["user_id"] == owner.id and made["ip_address"] == CLIENT
    made = find(mine, "updateChannelMemberRoles")
    assert (
        made["extra_info"] == f"channel_id={channel['id']} user_id={member.id} channel_admin=True"
    )


def test_who_may_read_whose(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user, other = make_user(), make_user()
    forbidden = user.api.get("/audits")
    assert expect(forbidden, 403)["id"] == "api.context.permissions.app_error"
    r = user.api.get(f"/users/{other.id}/audits")
    assert expect(r, 403)["id"] == "api.context.permissions.app_error"
    # Their own, by id or as "me"; an admin reads anyone's.
    own = audits(user, user.id)
    assert own and {r["user_id"] for r in own} == {user.id}
    assert audits(user, "me") == own
    assert audits(admin, user.id) == own
    assert Api(server).get("/audits").status_code == 401


def test_paging_newest_first(
    server: str, admin: LoggedIn, make_user: Callable[..., LoggedIn]
) -> None:
    user = make_user()
    for _ in range(4):
        wrong = {"login_id": user.username, "password": "wrong-" + PASSWORD}
        assert Api(server).post("/users/login", wrong).status_code == 401
    whole = audits(user, user.id)
    assert len(whole) == 5  # the first login and four failures
    times = [r["create_at"] for r in whole]
    assert times == sorted(times, reverse=True)
    pages = [audits(user, user.id, page=p, per_page=2) for p in range(3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [r["id"] for p in pages for r in p] == [r["id"] for r in whole]
    assert audits(user, user.id, page=3, per_page=2) == []
    everyone = audits(admin, per_page=3)
    assert len(everyone) == 3
