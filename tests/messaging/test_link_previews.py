"""Link previews: fetched after the post is answered, sent as ``post_edited``, shown in
``metadata.embeds``/``images``, cached per URL, and never fetched where the outbound
policy, the limits or the author's preference say no."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from tests.messaging.pages import Pages, Reply, og_page, png, wait_until
from tests.support.chat import add_to_channel, join_team, make_channel, make_team
from tests.support.client import Api, LoggedIn, expect
from tests.support.posting import post
from tests.support.ws import WsClient

User = Callable[..., LoggedIn]


def path(name: str) -> str:
    return f"/{name}-{uuid.uuid4().hex[:10]}"


def room(user_on: User, members: int = 1) -> tuple[list[LoggedIn], str]:
    owner = user_on()
    team = make_team(owner)
    channel = make_channel(owner, team["id"])
    others = [user_on() for _ in range(members)]
    for other in others:
        join_team(owner, team["id"], other)
        add_to_channel(owner, channel["id"], other)
    return [owner, *others], channel["id"]


def embeds_of(user: LoggedIn, post_id: str) -> list[dict[str, Any]]:
    found = expect(user.api.get(f"/posts/{post_id}"), 200)
    return list(found["metadata"].get("embeds") or [])


def edited(ws: WsClient, post_id: str, timeout: float = 10.0) -> dict[str, Any]:
    frame = ws.wait_for(
        "post_edited", lambda f: json.loads(f["data"]["post"])["id"] == post_id, timeout
    )
    got: dict[str, Any] = json.loads(frame["data"]["post"])
    return got


def test_preview_arrives_after_the_post(msg_server: str, user_on: User, pages: Pages) -> None:
    image = pages.serve(path("img") + ".png", Reply(body=png(40, 30), content_type="image/png"))
    page = pages.serve(path("page"), Reply(body=og_page("A title", "Some words", image)))
    (alice, bob), channel_id = room(user_on)
    with WsClient(msg_server, bob.token) as ws:
        ws.wait_for("hello")
        created = post(alice, channel_id, f"look at {page} please")
        # The answer does not wait for the fetch.
        assert not created["metadata"].get("embeds")
        shown = edited(ws, created["id"])
    embed = shown["metadata"]["embeds"][0]
    assert embed["type"] == "opengraph" and embed["url"] == page
    data = embed["data"]
    assert data["title"] == "A title" and data["description"] == "Some words"
    assert data["site_name"] == "Pages" and data["type"] == "article"
    # The image had no size on the page: it was measured.
    assert data["images"][0]["url"] == image
    assert (data["images"][0]["width"], data["images"][0]["height"]) == (40, 30)
    assert shown["metadata"]["images"][image]["width"] == 40
    assert shown["metadata"]["images"][image]["format"] == "png"
    assert shown["update_at"] > created["update_at"]
    # Everyone reading the post sees it, in lists too.
    assert embeds_of(bob, created["id"]) == [embed]
    listed = expect(alice.api.get(f"/channels/{channel_id}/posts"), 200)
    assert listed["posts"][created["id"]]["metadata"]["embeds"] == [embed]


def test_image_link_and_cache_per_url(msg_server: str, user_on: User, pages: Pages) -> None:
    where = path("pic") + ".png"
    image = pages.serve(where, Reply(body=png(12, 7), content_type="image/png"))
    (alice, bob), channel_id = room(user_on)
    first = post(alice, channel_id, image)
    wait_until(lambda: embeds_of(alice, first["id"]), what="image preview")
    second = post(bob, channel_id, f"same: {image}")
    found = wait_until(lambda: embeds_of(bob, second["id"]), what="second preview")
    assert found == [{"type": "image", "url": image}]
    meta = expect(bob.api.get(f"/posts/{second['id']}"), 200)["metadata"]
    assert meta["images"][image] == {"width": 12, "height": 7, "format": "png", "frame_count": 0}
    # Fetched once for both posts.
    assert pages.count(where) == 1


def test_opengraph_endpoint(msg_server: str, user_on: User, pages: Pages) -> None:
    page = pages.serve(path("og"), Reply(body=og_page("Direct", "Asked for", "/x.png", 64, 32)))
    user = user_on()
    og = expect(user.api.post("/opengraph", {"url": page}), 200)
    assert og["title"] == "Direct" and og["description"] == "Asked for"
    # A relative image is made absolute; its size came from the page.
    assert og["images"][0] == {
        "url": pages.url("/x.png"),
        "secure_url": "",
        "type": "",
        "width": 64,
        "height": 32,
    }
    for bad in ["javascript:alert(1)", "ftp://127.0.0.1/x", "", 7, "http://"]:
        r = user.api.post("/opengraph", {"url": bad})
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["id"] == "api.context.invalid_param.app_error"
    anonymous = Api(msg_server)
    assert anonymous.post("/opengraph", {"url": page}).status_code == 401
    anonymous.close()


def test_redirect_to_a_private_address_is_not_followed(
    msg_server: str, user_on: User, pages: Pages, private_pages: Pages
) -> None:
    secret = private_pages.serve("/secret", Reply(body=og_page("Secret", "internal")))
    hop = pages.serve(path("hop"), Reply(302, headers={"Location": secret}))
    user = user_on()
    assert expect(user.api.post("/opengraph", {"url": hop}), 200) == {"url": ""}
    # Straight at it, too.
    assert expect(user.api.post("/opengraph", {"url": secret}), 200) == {"url": ""}
    for blocked in ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[::1]/"]:
        assert expect(user.api.post("/opengraph", {"url": blocked}), 200) == {"url": ""}
    assert private_pages.count("/secret") == 0
    # An allowed redirect is followed (and re-checked) to the page.
    page = pages.serve(path("target"), Reply(body=og_page("Arrived", "after a hop")))
    hop2 = pages.serve(path("hop"), Reply(301, headers={"Location": page}))
    assert expect(user.api.post("/opengraph", {"url": hop2}), 200)["title"] == "Arrived"
    # Too many hops: none.
    a, b, c = path("a"), path("b"), path("c")
    pages.serve(a, Reply(302, headers={"Location": b}))
    pages.serve(b, Reply(302, headers={"Location": c}))
    pages.serve(c, Reply(302, headers={"Location": page}))
    assert expect(user.api.post("/opengraph", {"url": pages.url(a)}), 200) == {"url": ""}


def test_huge_and_hanging_pages_give_up_in_bounds(
    msg_server: str, user_on: User, pages: Pages
) -> None:
    user = user_on()
    huge_path = path("huge")
    huge = pages.serve(huge_path, Reply(stream_bytes=1 << 30))
    declared = pages.serve(path("declared"), Reply(body=b"x" * 70_000, content_type="text/html"))
    hang = pages.serve(path("hang"), Reply(hang=True))
    for url in [huge, declared, hang]:
        started = time.monotonic()
        assert expect(user.api.post("/opengraph", {"url": url}), 200) == {"url": ""}
        # ROOST_LINK_PREVIEW_TIMEOUT_SECONDS is 1.5 here.
        assert time.monotonic() - started < 5.0, url
    # The post with a hanging link is answered at once all the same.
    (alice,), channel_id = room(user_on, members=0)
    hang_path = path("hang")
    other_hang = pages.serve(hang_path, Reply(hang=True))
    started = time.monotonic()
    created = post(alice, channel_id, f"slow site {other_hang}")
    assert time.monotonic() - started < 1.0
    # A failure is cached for the URL: asked again, it is not fetched again.
    wait_until(lambda: pages.count(hang_path) == 1, what="hang fetched")
    assert expect(user.api.post("/opengraph", {"url": huge}), 200) == {"url": ""}
    assert pages.count(huge_path) == 1
    assert embeds_of(alice, created["id"]) == []


def test_author_preference_off_fetches_nothing(
    msg_server: str, user_on: User, pages: Pages
) -> None:
    (alice, bob), channel_id = room(user_on)
    prefs = [
        {
            "user_id": alice.id,
            "category": "display_settings",
            "name": "link_previews",
            "value": "false",
        }
    ]
    expect(alice.api.put(f"/users/{alice.id}/preferences", prefs), 200)
    quiet = path("quiet")
    pages.serve(quiet, Reply(body=og_page("Quiet", "never fetched")))
    loud = pages.serve(path("loud"), Reply(body=og_page("Loud", "fetched")))
    first = post(alice, channel_id, pages.url(quiet))
    second = post(bob, channel_id, loud)
    wait_until(lambda: embeds_of(bob, second["id"]), what="bob's preview")
    # Posted before bob's, whose preview is done: alice's link was never fetched.
    assert pages.count(quiet) == 0
    assert embeds_of(bob, first["id"]) == []


def test_edit_changes_the_preview(msg_server: str, user_on: User, pages: Pages) -> None:
    one = pages.serve(path("one"), Reply(body=og_page("One", "first")))
    two = pages.serve(path("two"), Reply(body=og_page("Two", "second")))
    (alice,), channel_id = room(user_on, members=0)
    created = post(alice, channel_id, one)
    wait_until(lambda: embeds_of(alice, created["id"]), what="first preview")
    expect(alice.api.put(f"/posts/{created['id']}/patch", {"message": f"now {two}"}), 200)
    titles = wait_until(
        lambda: (
            [e["data"]["title"] for e in embeds_of(alice, created["id"]) if e["data"]] == ["Two"]
        ),
        what="second preview",
    )
    assert titles
    expect(alice.api.put(f"/posts/{created['id']}/patch", {"message": "no link now"}), 200)
    assert embeds_of(alice, created["id"]) == []
