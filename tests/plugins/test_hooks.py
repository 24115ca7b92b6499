"""Hook semantics: order, modify, reject, in process and in the shared host (where a run
of consecutive isolated plugins is one call)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from tests.plugins.bundles import running
from tests.support.client import LoggedIn, expect
from tests.support.posting import make_room, post

APPEND = """
from roost.plugin import Plugin, Post, Rejected

class Plugin(Plugin):
    async def message_will_be_posted(self, post: Post) -> Post:
        if "forbidden-{tag}" in post.message:
            raise Rejected("{tag} says no")
        post.message += " {tag}"
        post.props["seen_by"] = post.props.get("seen_by", "") + "{tag}"
        return post

    async def message_will_be_updated(self, new: Post, old: Post) -> Post:
        new.message += " edited-{tag}"
        return new
"""


def test_hooks_chain_in_id_order_across_modes(
    plugin_admin: LoggedIn, make_plugin_user: Callable[..., LoggedIn]
) -> None:
    room = make_room(make_plugin_user)
    with ExitStack() as stack:
        # a, c and d in the shared host, b in process: three calls for four plugins.
        for tag, trusted in (("D", False), ("B", True), ("C", False), ("A", False)):
            source = APPEND.replace("{tag}", tag)
            stack.enter_context(running(plugin_admin, f"test.order-{tag.lower()}", source, trusted))
        created = post(room.alice, room.channel_id, "hello")
        assert created["message"] == "hello A B C D"
        assert created["props"]["seen_by"] == "ABCD"
        body = {"id": created["id"], "message": "changed"}
        edited = expect(room.alice.api.put(f"/posts/{created['id']}", body), 200)
        assert edited["message"] == "changed edited-A edited-B edited-C edited-D"
        for tag in "ABCD":
            response = room.alice.api.post(
                "/posts", {"channel_id": room.channel_id, "message": f"a forbidden-{tag} word"}
            )
            error = expect(response, 400)
            assert error["message"] == f"Post rejected by plugin. {tag} says no"
        listed = expect(room.alice.api.get(f"/channels/{room.channel_id}/posts"), 200)
        assert not [p for p in listed["posts"].values() if "forbidden" in p["message"]]
    assert post(room.alice, room.channel_id, "plain")["message"] == "plain"
