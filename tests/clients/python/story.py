"""The story every Python client plays, written once against a small adapter.

The adapter's methods are thin calls into the client library under test (each script
defines them with that library's own API); the checks here are on what the library
returned and on the frames the second user's WebSocket received through the library.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from common import EventLog, Steps, check, check_sequence, decoded, unique


class Chat(Protocol):
    """What the story needs from a logged-in client; every method returns parsed JSON."""

    def me(self) -> dict[str, Any]: ...
    def get_user(self, user_id: str) -> dict[str, Any]: ...
    def client_config(self) -> dict[str, Any]: ...
    def get_status(self, user_id: str) -> dict[str, Any]: ...
    def set_status(self, user_id: str, status: str) -> dict[str, Any]: ...
    def save_preferences(self, user_id: str, prefs: list[dict[str, str]]) -> Any: ...
    def get_preferences(self, user_id: str) -> list[dict[str, Any]]: ...
    def create_team(self, name: str, display_name: str) -> dict[str, Any]: ...
    def add_team_member(self, team_id: str, user_id: str) -> dict[str, Any]: ...
    def create_channel(
        self, team_id: str, name: str, display_name: str, kind: str
    ) -> dict[str, Any]: ...
    def add_channel_member(self, channel_id: str, user_id: str) -> dict[str, Any]: ...
    def patch_channel(self, channel_id: str, header: str) -> dict[str, Any]: ...
    def create_post(
        self, channel_id: str, message: str, root_id: str = "", props: dict[str, Any] | None = None
    ) -> dict[str, Any]: ...
    def team_by_name(self, name: str) -> dict[str, Any]: ...
    def channel_by_name(self, team_id: str, name: str) -> dict[str, Any]: ...
    def user_by_username(self, username: str) -> dict[str, Any]: ...
    def add_reaction(self, user_id: str, post_id: str, emoji: str) -> dict[str, Any]: ...
    def get_reactions(self, post_id: str) -> list[dict[str, Any]]: ...
    def remove_reaction(self, user_id: str, post_id: str, emoji: str) -> Any: ...
    def edit_post(self, post_id: str, message: str) -> dict[str, Any]: ...
    def delete_post(self, post_id: str) -> Any: ...
    def get_thread(self, post_id: str) -> dict[str, Any]: ...
    def channel_posts(self, channel_id: str) -> dict[str, Any]: ...
    def direct_channel(self, user_a: str, user_b: str) -> dict[str, Any]: ...


def _post_of(frame: dict[str, Any]) -> dict[str, Any]:
    post = decoded(frame, "post")
    check(isinstance(post, dict), "data.post must decode to an object")
    return dict(post)


def chat_story(steps: Steps, a: Chat, a_id: str, a_name: str, b_id: str, log: EventLog) -> None:
    """User A acts through ``a``; user B (``b_id``) listens through ``log``."""
    run = steps.run

    def users_me() -> dict[str, Any]:
        me = a.me()
        check(me.get("id") == a_id, f"users/me id {me.get('id')!r} != {a_id!r}")
        check(me.get("username") == a_name, f"users/me username {me.get('username')!r}")
        check("password" not in me, "users/me must not send the password")
        return me

    run("users_me", users_me)

    def ws_hello() -> None:
        hello = log.wait_for("hello")
        check(hello.get("seq") == 0, f"hello seq {hello.get('seq')!r} != 0")
        data = hello.get("data") or {}
        check(len(data.get("connection_id", "")) == 26, f"hello connection_id: {data}")
        check(bool(data.get("server_version")), f"hello server_version: {data}")
        check(hello["broadcast"]["user_id"] == b_id, f"hello broadcast: {hello['broadcast']}")

    run("ws_hello", ws_hello, needs=("ws_connect",))

    def client_config() -> None:
        config = a.client_config()
        check(isinstance(config.get("Version"), str), f"config Version: {config.get('Version')!r}")
        check(all(isinstance(v, str) for v in config.values()), "format=old values are strings")

    run("client_config", client_config)

    def status_roundtrip() -> None:
        a.set_status(a_id, "dnd")
        got = a.get_status(a_id)
        check(got.get("status") == "dnd", f"status after set: {got}")
        a.set_status(a_id, "online")

    run("status_roundtrip", status_roundtrip)

    def preferences_roundtrip() -> None:
        pref = {"user_id": a_id, "category": "display_settings", "name": "use_military_time"}
        a.save_preferences(a_id, [{**pref, "value": "true"}])
        got = [p for p in a.get_preferences(a_id) if p.get("name") == pref["name"]]
        check(got and got[0].get("value") == "true", f"preference after save: {got}")

    run("preferences_roundtrip", preferences_roundtrip)

    def create_team() -> dict[str, Any]:
        name = unique("team")
        team = a.create_team(name, "Client Team")
        check(team.get("name") == name and len(team.get("id", "")) == 26, f"team: {team}")
        return team

    team = run("create_team", create_team) or {}

    def add_team_member() -> None:
        member = a.add_team_member(team["id"], b_id)
        check(member.get("user_id") == b_id, f"team member: {member}")
        check(member.get("team_id") == team["id"], f"team member: {member}")

    run("add_team_member", add_team_member, needs=("create_team",))
    run(
        "ws_added_to_team",
        lambda: log.wait_for(
            "added_to_team",
            lambda f: f["data"]["team_id"] == team["id"] and f["data"]["user_id"] == b_id,
        ),
        needs=("add_team_member", "ws_hello"),
    )

    def create_channel(kind: str) -> dict[str, Any]:
        name = unique("chan")
        channel = a.create_channel(team["id"], name, f"Channel {kind}", kind)
        check(channel.get("type") == kind and channel.get("name") == name, f"channel: {channel}")
        check(channel.get("team_id") == team["id"], f"channel team: {channel}")
        return channel

    public = run("create_public_channel", lambda: create_channel("O"), ("create_team",)) or {}
    private = run("create_private_channel", lambda: create_channel("P"), ("create_team",)) or {}
    # Posted before B joins: B's socket must never see it.
    unseen = (
        run(
            "post_unseen_private",
            lambda: a.create_post(private["id"], "before you joined"),
            ("create_private_channel",),
        )
        or {}
    )

    def add_member(channel: dict[str, Any]) -> None:
        member = a.add_channel_member(channel["id"], b_id)
        check(member.get("user_id") == b_id, f"channel member: {member}")
        check(member.get("channel_id") == channel["id"], f"channel member: {member}")

    def user_added(channel: dict[str, Any]) -> None:
        frame = log.wait_for(
            "user_added",
            lambda f: (
                f["broadcast"]["channel_id"] == channel["id"] and f["data"]["user_id"] == b_id
            ),
        )
        check(frame["data"].get("team_id") == team["id"], f"user_added data: {frame['data']}")

    run("add_channel_member_public", lambda: add_member(public), ("create_public_channel",))
    run(
        "ws_user_added_public",
        lambda: user_added(public),
        ("add_channel_member_public", "ws_hello"),
    )
    run("add_channel_member_private", lambda: add_member(private), ("create_private_channel",))
    run(
        "ws_user_added_private",
        lambda: user_added(private),
        ("add_channel_member_private", "ws_hello"),
    )

    def lookups_by_name() -> None:
        # How bots find where to post: by names from their configuration.
        check(a.team_by_name(team["name"]).get("id") == team["id"], "team by name")
        check(a.channel_by_name(team["id"], public["name"]).get("id") == public["id"], "channel")
        check(a.user_by_username(a_name).get("id") == a_id, "user by username")

    run("lookups_by_name", lookups_by_name, ("create_public_channel",))

    header = unique("header ")

    def patch_channel() -> None:
        channel = a.patch_channel(private["id"], header)
        check(channel.get("header") == header, f"patched channel: {channel}")

    def ws_channel_updated() -> None:
        frame = log.wait_for(
            "channel_updated", lambda f: decoded(f, "channel")["id"] == private["id"]
        )
        check(decoded(frame, "channel")["header"] == header, f"channel_updated: {frame['data']}")

    run("patch_channel", patch_channel, ("create_private_channel",))
    run("ws_channel_updated", ws_channel_updated, ("patch_channel", "ws_user_added_private"))

    root_text = unique("héllo 👋 from the client — ") + " <b>&amp;</b> \\u0000 `code`"

    def post_root() -> dict[str, Any]:
        post = a.create_post(public["id"], root_text)
        check(post.get("message") == root_text and post.get("root_id") == "", f"post: {post}")
        check(post.get("channel_id") == public["id"], f"post channel: {post}")
        return post

    root = run("post_root", post_root, ("add_channel_member_public",)) or {}

    def ws_posted() -> None:
        frame = log.wait_for("posted", lambda f: _post_of(f)["id"] == root["id"])
        post = _post_of(frame)
        data = frame["data"]
        check(post["message"] == root_text, f"posted message: {post}")
        check(data.get("channel_type") == "O", f"posted channel_type: {data}")
        check(data.get("channel_name") == public["name"], f"posted channel_name: {data}")
        check(data.get("sender_name") == "@" + a_name, f"posted sender_name: {data}")
        check(data.get("team_id") == team["id"], f"posted team_id: {data}")
        check(frame["broadcast"].get("channel_id") == public["id"], f"broadcast: {frame}")

    run("ws_posted", ws_posted, ("post_root", "ws_hello"))

    def post_reply() -> dict[str, Any]:
        reply = a.create_post(public["id"], "a reply", root_id=root["id"])
        check(reply.get("root_id") == root["id"], f"reply root_id: {reply}")
        return reply

    reply = run("post_reply", post_reply, ("post_root",)) or {}
    run(
        "ws_posted_reply",
        lambda: check(
            _post_of(log.wait_for("posted", lambda f: _post_of(f)["id"] == reply["id"]))["root_id"]
            == root["id"],
            "the reply's posted event must carry root_id",
        ),
        ("post_reply", "ws_hello"),
    )

    def add_reaction() -> None:
        reaction = a.add_reaction(a_id, root["id"], "thumbsup")
        check(reaction.get("emoji_name") == "thumbsup", f"reaction: {reaction}")
        check(reaction.get("post_id") == root["id"], f"reaction: {reaction}")

    run("add_reaction", add_reaction, ("post_root",))

    def ws_reaction_added() -> None:
        frame = log.wait_for(
            "reaction_added", lambda f: decoded(f, "reaction")["post_id"] == root["id"]
        )
        reaction = decoded(frame, "reaction")
        check(reaction["emoji_name"] == "thumbsup" and reaction["user_id"] == a_id, f"{reaction}")

    run("ws_reaction_added", ws_reaction_added, ("add_reaction", "ws_hello"))

    def get_reactions() -> None:
        got = a.get_reactions(root["id"])
        check(isinstance(got, list), f"reactions must be a list: {got!r}")
        check([r.get("emoji_name") for r in got] == ["thumbsup"], f"reactions: {got}")

    run("get_reactions", get_reactions, ("add_reaction",))

    def remove_reaction() -> None:
        result = a.remove_reaction(a_id, root["id"], "thumbsup")
        check(isinstance(result, dict) and result.get("status") == "OK", f"remove: {result!r}")
        left = a.get_reactions(root["id"])
        check(left == [], f"the reaction must be gone: {left!r}")

    def ws_reaction_removed() -> None:
        frame = log.wait_for(
            "reaction_removed", lambda f: decoded(f, "reaction")["post_id"] == root["id"]
        )
        check(decoded(frame, "reaction")["emoji_name"] == "thumbsup", f"{frame['data']}")

    run("remove_reaction", remove_reaction, ("get_reactions",))
    run("ws_reaction_removed", ws_reaction_removed, ("remove_reaction", "ws_hello"))

    edited_text = root_text + " (edited)"

    def edit_post() -> None:
        post = a.edit_post(root["id"], edited_text)
        check(post.get("message") == edited_text, f"edited post: {post}")
        check(post.get("edit_at", 0) > 0, f"edit_at must be set: {post}")

    run("edit_post", edit_post, ("post_root",))
    run(
        "ws_post_edited",
        lambda: check(
            _post_of(log.wait_for("post_edited", lambda f: _post_of(f)["id"] == root["id"]))[
                "message"
            ]
            == edited_text,
            "post_edited must carry the new message",
        ),
        ("edit_post", "ws_hello"),
    )

    def delete_reply() -> None:
        result = a.delete_post(reply["id"])
        check(isinstance(result, dict) and result.get("status") == "OK", f"delete: {result!r}")

    run("delete_reply", delete_reply, ("post_reply",))
    run(
        "ws_post_deleted",
        lambda: log.wait_for("post_deleted", lambda f: _post_of(f)["id"] == reply["id"]),
        ("delete_reply", "ws_hello"),
    )

    def get_thread() -> None:
        thread = a.get_thread(root["id"])
        check(root["id"] in thread.get("order", []), f"thread order: {thread.get('order')}")
        check(reply["id"] not in thread.get("posts", {}), "a deleted reply must leave the thread")
        check(thread["posts"][root["id"]]["message"] == edited_text, "thread shows the edit")

    run("get_thread", get_thread, ("delete_reply", "edit_post"))

    def channel_posts() -> None:
        listing = a.channel_posts(public["id"])
        for key in ("order", "posts", "next_post_id", "prev_post_id"):
            check(key in listing, f"PostList lacks {key!r}: {sorted(listing)}")
        check(listing["order"][:1] == [root["id"]], f"newest first: {listing['order']}")

    run("channel_posts", channel_posts, ("delete_reply", "edit_post"))

    def open_dm() -> dict[str, Any]:
        dm = a.direct_channel(a_id, b_id)
        check(dm.get("type") == "D", f"DM type: {dm}")
        check(dm.get("name") == "__".join(sorted((a_id, b_id))), f"DM name: {dm}")
        again = a.direct_channel(b_id, a_id)
        check(again.get("id") == dm["id"], "opening a DM again must give the same channel")
        return dm

    dm = run("open_dm", open_dm) or {}

    def ws_direct_added() -> None:
        frame = log.wait_for("direct_added", lambda f: f["broadcast"]["channel_id"] == dm["id"])
        data = frame["data"]
        check(data.get("creator_id") == a_id and data.get("teammate_id") == b_id, f"{data}")

    run("ws_direct_added", ws_direct_added, ("open_dm", "ws_hello"))
    dm_post = run("post_dm", lambda: a.create_post(dm["id"], "psst"), ("open_dm",)) or {}

    def ws_posted_dm() -> None:
        frame = log.wait_for("posted", lambda f: _post_of(f)["id"] == dm_post["id"])
        data = frame["data"]
        check(data.get("channel_type") == "D" and data.get("team_id") == "", f"DM posted: {data}")

    run("ws_posted_dm", ws_posted_dm, ("post_dm", "ws_hello"))

    def ws_no_leak() -> None:
        for frame in log.events():
            text = json.dumps(frame)
            check(unseen["id"] not in text, f"B saw a post from before it joined: {frame}")

    # Judged once B has seen the later DM post: the private post was long delivered.
    run("ws_no_leak", ws_no_leak, ("post_unseen_private", "ws_posted_dm"))
    run("ws_sequence", lambda: check_sequence(log), ("ws_hello",))
