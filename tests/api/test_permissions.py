"""The server's own checks read the role data: take a permission from the roles that
grant it (through the API, as an admin would) and the server refuses the action with
Mattermost's 403; give it back and the action works again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support.chat import make_dm
from tests.support.client import LoggedIn, expect, unique
from tests.support.files import upload_response
from tests.support.posting import Room, make_room, member, post

UserFactory = Callable[..., LoggedIn]
PERMISSIONS_ERROR = "api.context.permissions.app_error"


@contextmanager
def without(admin: LoggedIn, permission: str, *role_names: str) -> Iterator[None]:
    """The roles lack the permission inside the block; their old lists come back after."""
    saved: list[tuple[str, list[str]]] = []
    try:
        for name in role_names:
            role = expect(admin.api.get(f"/roles/name/{name}"), 200)
            assert permission in role["permissions"], (name, permission)
            saved.append((role["id"], role["permissions"]))
            kept = [p for p in role["permissions"] if p != permission]
            expect(admin.api.put(f"/roles/{role['id']}/patch", {"permissions": kept}), 200)
        yield
    finally:
        for role_id, permissions in saved:
            expect(admin.api.put(f"/roles/{role_id}/patch", {"permissions": permissions}), 200)


def refused(response: httpx.Response, permission: str) -> None:
    body = expect(response, 403)
    assert body["id"] == PERMISSIONS_ERROR
    assert f"permission={permission}" in body["detailed_error"]


def _react(user: LoggedIn, post_id: str, emoji: str = "smile") -> httpx.Response:
    body = {"user_id": user.id, "post_id": post_id, "emoji_name": emoji}
    return user.api.post("/reactions", body)


def _new_post(user: LoggedIn, channel_id: str, message: str) -> httpx.Response:
    return user.api.post("/posts", {"channel_id": channel_id, "message": message})


def test_create_post(admin: LoggedIn, make_user: UserFactory) -> None:
    room = make_room(make_user)
    with without(admin, "create_post", "channel_user"):
        refused(_new_post(room.alice, room.channel_id, "no"), "create_post")
        # A reply or an @mention takes the other path (one query): refused too.
        refused(_new_post(room.alice, room.channel_id, "@bob no"), "create_post")
        # The owner is also channel and team admin: those roles still grant it, which
        # needs the member's own roles (read only now that channel_user lacks it).
        expect(_new_post(room.owner, room.channel_id, "admins may"), 201)
        expect(_new_post(admin, room.channel_id, "system admins may"), 201)
    expect(_new_post(room.alice, room.channel_id, "yes"), 201)


def test_edit_own_and_others_posts(admin: LoggedIn, make_user: UserFactory) -> None:
    room = make_room(make_user)
    mine = post(room.alice, room.channel_id, "mine")
    url = f"/posts/{mine['id']}/patch"
    with without(admin, "edit_post", "channel_user"):
        refused(room.alice.api.put(url, {"message": "edited"}), "edit_post")
    expect(room.alice.api.put(url, {"message": "edited"}), 200)
    with without(admin, "edit_others_posts", "team_admin", "system_admin"):
        refused(room.owner.api.put(url, {"message": "team admin"}), "edit_others_posts")
        refused(admin.api.put(url, {"message": "sysadmin"}), "edit_others_posts")
    expect(room.owner.api.put(url, {"message": "team admin"}), 200)
    expect(admin.api.put(url, {"message": "sysadmin"}), 200)


def test_delete_own_and_others_posts(admin: LoggedIn, make_user: UserFactory) -> None:
    room = make_room(make_user)
    mine = post(room.alice, room.channel_id, "mine")
    with without(admin, "delete_post", "channel_user"):
        refused(room.alice.api.delete(f"/posts/{mine['id']}"), "delete_post")
    expect(room.alice.api.delete(f"/posts/{mine['id']}"), 200)
    bobs = post(room.bob, room.channel_id, "bob's")
    with without(admin, "delete_others_posts", "team_admin", "channel_admin"):
        refused(room.owner.api.delete(f"/posts/{bobs['id']}"), "delete_others_posts")
    expect(room.owner.api.delete(f"/posts/{bobs['id']}"), 200)


def test_reactions(admin: LoggedIn, make_user: UserFactory) -> None:
    room = make_room(make_user)
    p = post(room.bob, room.channel_id, "react")
    with without(admin, "add_reaction", "channel_user"):
        refused(_react(room.alice, p["id"]), "add_reaction")
    expect(_react(room.alice, p["id"]), 200)
    url = f"/users/me/posts/{p['id']}/reactions/smile"
    with without(admin, "remove_reaction", "channel_user"):
        refused(room.alice.api.delete(url), "remove_reaction")
    expect(room.alice.api.delete(url), 200)
    # Others' reactions: system admins, by remove_others_reactions.
    expect(_react(room.alice, p["id"]), 200)
    others = f"/users/{room.alice.id}/posts/{p['id']}/reactions/smile"
    with without(admin, "remove_others_reactions", "system_admin"):
        refused(admin.api.delete(others), "remove_others_reactions")
    expect(admin.api.delete(others), 200)


def test_upload_file(admin: LoggedIn, make_user: UserFactory) -> None:
    room = make_room(make_user)
    with without(admin, "upload_file", "channel_user"):
        refused(upload_response(room.alice, room.channel_id, ("a.txt", b"hi")), "upload_file")
        expect(upload_response(room.owner, room.channel_id, ("a.txt", b"hi")), 201)
    expect(upload_response(room.alice, room.channel_id, ("a.txt", b"hi")), 201)


def _channel_body(team_id: str, kind: str) -> dict[str, Any]:
    name = unique("perm")
    return {"team_id": team_id, "name": name, "display_name": name, "type": kind}


def test_create_channels(admin: LoggedIn, make_user: UserFactory) -> None:
    room = make_room(make_user)
    for kind, permission in (("O", "create_public_channel"), ("P", "create_private_channel")):
        with without(admin, permission, "team_user"):
            refused(room.alice.api.post("/channels", _channel_body(room.team_id, kind)), permission)
        expect(room.alice.api.post("/channels", _channel_body(room.team_id, kind)), 201)


def test_manage_channel_members(admin: LoggedIn, make_user: UserFactory) -> None:
    for kind, permission, roles in (
        ("O", "manage_public_channel_members", ("channel_user", "team_user")),
        ("P", "manage_private_channel_members", ("channel_user",)),
    ):
        room = make_room(make_user, kind)
        add = f"/channels/{room.channel_id}/members"
        with without(admin, permission, *roles):
            refused(room.alice.api.post(add, {"user_id": room.outsider.id}), permission)
            refused(room.alice.api.delete(f"{add}/{room.bob.id}"), permission)
            # Leaving is not managing members.
            expect(room.bob.api.delete(f"{add}/{room.bob.id}"), 200)
        expect(room.alice.api.post(add, {"user_id": room.outsider.id}), 201)
        expect(room.alice.api.delete(f"{add}/{room.outsider.id}"), 200)


def test_manage_channel_properties(admin: LoggedIn, make_user: UserFactory) -> None:
    for kind, permission in (
        ("O", "manage_public_channel_properties"),
        ("P", "manage_private_channel_properties"),
    ):
        room = make_room(make_user, kind)
        url = f"/channels/{room.channel_id}/patch"
        with without(admin, permission, "channel_user"):
            refused(room.alice.api.put(url, {"header": "alice's"}), permission)
            # The team admin's role still has it (Roost's addition, docs/permissions.md).
            expect(room.owner.api.put(url, {"header": "owner's"}), 200)
        assert expect(room.alice.api.put(url, {"header": "alice's"}), 200)["header"] == "alice's"


def test_direct_and_group_channels(admin: LoggedIn, make_user: UserFactory) -> None:
    a, b, c = make_user(), make_user(), make_user()
    with without(admin, "create_direct_channel", "system_user"):
        refused(a.api.post("/channels/direct", [a.id, b.id]), "create_direct_channel")
    make_dm(a, b)
    with without(admin, "create_group_channel", "system_user"):
        refused(a.api.post("/channels/group", [a.id, b.id, c.id]), "create_group_channel")
    expect(a.api.post("/channels/group", [a.id, b.id, c.id]), 201)


def _mentions(room: Room) -> int:
    return int(member(room.bob, room.channel_id, room.bob.id)["mention_count"])


def test_channel_mentions(admin: LoggedIn, make_user: UserFactory) -> None:
    """Without use_channel_mentions the post is taken, and @channel/@all notify nobody
    (Mattermost's behaviour)."""
    room = make_room(make_user)
    before = _mentions(room)
    with without(admin, "use_channel_mentions", "channel_user"):
        expect(_new_post(room.alice, room.channel_id, "@channel hear me"), 201)
        expect(_new_post(room.alice, room.channel_id, "@all hear me"), 201)
        assert _mentions(room) == before
        # Naming bob still mentions him.
        expect(_new_post(room.alice, room.channel_id, f"@{room.bob.username} hi"), 201)
        assert _mentions(room) == before + 1
    expect(_new_post(room.alice, room.channel_id, "@channel now you hear"), 201)
    assert _mentions(room) == before + 2
