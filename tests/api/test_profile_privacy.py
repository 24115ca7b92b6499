"""Other people's profiles are sanitised as Mattermost's SanitizeProfile does: no
notification settings (mention keys), password age or verification state reach anyone
but the user; email and full name follow ShowEmailAddress / ShowFullName for
non-admins; the same holds for the ``user_updated`` event each socket receives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.chat import channel_with, make_group, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.server import running_server
from tests.support.ws import WsClient

UserFactory = Callable[..., LoggedIn]
SECRET_KEY = "zebracrossing"


def with_secrets(make_user: UserFactory) -> LoggedIn:
    """A user with a mention key, a full name, and a password changed once."""
    user = make_user(first_name="Ada", last_name="Quill")
    props = {"mention_keys": SECRET_KEY, "desktop": "all"}
    expect(user.api.put(f"/users/{user.id}/patch", {"notify_props": props}), 200)
    return user


def assert_sanitised(seen: dict[str, Any], shows_email: bool, shows_name: bool) -> None:
    # Emptied, and so left out as Mattermost's JSON leaves them (omitempty).
    assert "notify_props" not in seen, seen
    assert "last_password_update" not in seen
    assert seen["email_verified"] is False
    assert seen["auth_data"] == ""
    assert (seen["email"] != "") is shows_email
    assert (seen["first_name"] == "Ada" and seen["last_name"] == "Quill") is shows_name
    if not shows_name:
        assert seen["first_name"] == "" and seen["last_name"] == ""
    assert SECRET_KEY not in str(seen)


def every_profile_route(viewer: LoggedIn, target: LoggedIn, team_id: str) -> list[dict[str, Any]]:
    """The target's profile as each lookup route answers it to the viewer."""
    api = viewer.api
    group = make_group(viewer, target, create_user(viewer.api.base))
    seen: list[dict[str, Any]] = [
        expect(api.get(f"/users/{target.id}"), 200),
        expect(api.get(f"/users/username/{target.username}"), 200),
        *expect(api.post("/users/ids", [target.id]), 200),
        *expect(api.post("/users/usernames", [target.username]), 200),
        *[
            u
            for u in expect(api.get("/users", params={"in_team": team_id}), 200)
            if u["id"] == target.id
        ],
        *expect(api.post("/users/search", {"term": target.username}), 200),
        *expect(api.get("/users/autocomplete", params={"name": target.username}), 200)["users"],
        *[
            u
            for u in expect(api.post("/users/group_channels", [group["id"]]), 200)[group["id"]]
            if u["id"] == target.id
        ],
    ]
    assert len(seen) == 8
    return seen


def test_other_peoples_profiles_are_sanitised_in_every_lookup(
    make_user: UserFactory, admin: LoggedIn
) -> None:
    alice = with_secrets(make_user)
    bob = make_user()
    team = team_with(alice, bob)
    for profile in every_profile_route(bob, alice, team["id"]):
        # Mattermost's defaults show email and full name; the rest never.
        assert_sanitised(profile, shows_email=True, shows_name=True)
    # An admin sees the same minus nothing the privacy settings hide.
    assert_sanitised(expect(admin.api.get(f"/users/{alice.id}"), 200), True, True)
    # The user sees themself whole.
    me = expect(alice.api.get("/users/me"), 200)
    assert me["notify_props"]["mention_keys"] == SECRET_KEY
    assert me["last_password_update"] > 0


def test_thread_participants_are_sanitised(make_user: UserFactory) -> None:
    alice = with_secrets(make_user)
    bob = make_user()
    team = team_with(alice, bob)
    channel = channel_with(alice, team["id"], bob)
    root = expect(bob.api.post("/posts", {"channel_id": channel["id"], "message": "q"}), 201)
    reply = {"channel_id": channel["id"], "message": "a", "root_id": root["id"]}
    expect(alice.api.post("/posts", reply), 201)
    threads = expect(
        bob.api.get(f"/users/{bob.id}/teams/{team['id']}/threads", params={"extended": "true"}),
        200,
    )["threads"]
    people = [p for t in threads for p in t["participants"] if p["id"] == alice.id]
    assert people
    for person in people:
        assert_sanitised(person, shows_email=True, shows_name=True)
    listed = expect(
        bob.api.get(
            f"/channels/{channel['id']}/posts",
            params={"collapsedThreads": "true", "collapsedThreadsExtended": "true"},
        ),
        200,
    )
    people = [p for post in listed["posts"].values() for p in post.get("participants") or []]
    assert any(p["id"] == alice.id for p in people)
    for person in people:
        if person["id"] == alice.id:
            assert_sanitised(person, shows_email=True, shows_name=True)


def test_user_updated_is_sanitised_per_recipient(make_user: UserFactory, admin: LoggedIn) -> None:
    alice, bob = make_user(first_name="Ada", last_name="Quill"), make_user()
    props = {"mention_keys": SECRET_KEY}
    with (
        WsClient(alice.api.base, alice.token) as own,
        WsClient(bob.api.base, bob.token) as other,
        WsClient(admin.api.base, admin.token) as boss,
    ):
        for ws in (own, other, boss):
            ws.wait_for("hello")
        expect(alice.api.put(f"/users/{alice.id}/patch", {"notify_props": props}), 200)

        def about_alice(frame: dict[str, Any]) -> bool:
            return bool(frame["data"]["user"]["id"] == alice.id)

        mine = own.wait_for("user_updated", about_alice)["data"]["user"]
        theirs = other.wait_for("user_updated", about_alice)["data"]["user"]
        bosses = boss.wait_for("user_updated", about_alice)["data"]["user"]
    assert mine["notify_props"]["mention_keys"] == SECRET_KEY
    assert mine["last_password_update"] > 0
    assert_sanitised(theirs, shows_email=True, shows_name=True)
    assert_sanitised(bosses, shows_email=True, shows_name=True)


# With both privacy settings off, only admins (and the user) see email and full name.


@pytest.fixture(scope="module")
def private_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, LoggedIn]]:
    data_dir = tmp_path_factory.mktemp("privacy")
    env = {"ROOST_SHOW_EMAIL_ADDRESS": "false", "ROOST_SHOW_FULL_NAME": "false"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        yield base, create_user(base, username=unique("privadmin"))


def test_privacy_settings_hide_email_and_full_name(private_server: tuple[str, LoggedIn]) -> None:
    base, admin = private_server
    alice = create_user(
        base, first_name="Ada", last_name="Quill", email=f"{unique('hidden')}@example.com"
    )
    bob = create_user(base)
    team = team_with(alice, bob)
    for profile in every_profile_route(bob, alice, team["id"]):
        assert_sanitised(profile, shows_email=False, shows_name=False)
    assert_sanitised(expect(admin.api.get(f"/users/{alice.id}"), 200), True, True)
    # Fields the viewer cannot see cannot be searched either, nor looked up by.
    assert expect(bob.api.post("/users/search", {"term": "ada"}), 200) == []
    assert expect(bob.api.post("/users/search", {"term": alice.email[:10]}), 200) == []
    found = expect(admin.api.post("/users/search", {"term": alice.email[:10]}), 200)
    assert [u["id"] for u in found] == [alice.id]
    r = bob.api.get(f"/users/email/{alice.email}")
    assert r.status_code == 403
    assert r.json()["id"] == "api.user.get_user_by_email.permissions.app_error"
    expect(admin.api.get(f"/users/email/{alice.email}"), 200)
    # The clients are told, as Mattermost's are.
    config = expect(bob.api.get("/config/client", params={"format": "old"}), 200)
    assert config["ShowEmailAddress"] == "false"
    assert config["ShowFullName"] == "false"

    # A socket gets the same view; an admin's gets the admin's, and someone made admin
    # gets it from then on.
    def about(who: LoggedIn, nickname: str) -> Callable[[dict[str, Any]], bool]:
        def match(frame: dict[str, Any]) -> bool:
            user = frame["data"]["user"]
            return bool(user["id"] == who.id and user["nickname"] == nickname)

        return match

    with WsClient(bob.api.base, bob.token) as ws, WsClient(admin.api.base, admin.token) as boss:
        ws.wait_for("hello")
        boss.wait_for("hello")
        expect(alice.api.put(f"/users/{alice.id}/patch", {"nickname": "ada"}), 200)
        seen = ws.wait_for("user_updated", about(alice, "ada"))["data"]["user"]
        assert_sanitised(seen, shows_email=False, shows_name=False)
        seen = boss.wait_for("user_updated", about(alice, "ada"))["data"]["user"]
        assert_sanitised(seen, shows_email=True, shows_name=True)
        roles = {"roles": "system_user system_admin"}
        expect(admin.api.put(f"/users/{bob.id}/roles", roles), 200)
        expect(alice.api.put(f"/users/{alice.id}/patch", {"nickname": "ada2"}), 200)
        seen = ws.wait_for("user_updated", about(alice, "ada2"))["data"]["user"]
        assert_sanitised(seen, shows_email=True, shows_name=True)
