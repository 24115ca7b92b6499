"""Custom emoji over HTTP and WebSocket: creating (multipart), reading, searching,
images, deleting, and every refusal with Mattermost's error ids, leaving nothing
behind (no row, no stored image).

Its own servers (SQLite and PostgreSQL) with a small emoji size limit, whose database
and data directory the tests look into.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import text

from roost.store.db.database import Database
from roost.tenancy.scope import across_tenants
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.files import gif, image_size, jpeg, multipart_body, png, png_claiming
from tests.support.posting import make_room, post
from tests.support.server import running_server
from tests.support.ws import listening

MAX_EMOJI_BYTES = 64 * 1024
MAX_PIXELS = 1_000_000


@dataclass
class EmojiServer:
    base: str
    data_dir: Path
    database_url: str
    admin: LoggedIn

    def images(self) -> set[str]:
        root = self.data_dir / "files"
        return {str(p.relative_to(root)) for p in root.rglob("emoji/*/image")}

    def rows(self) -> int:
        async def count() -> int:
            db = Database(self.database_url, pool_size=1)
            try:
                with across_tenants():
                    async with db.read() as conn:
                        found = await conn.execute(text("SELECT COUNT(*) FROM emoji"))
                        return int(found.scalar_one())
            finally:
                await db.close()

        return asyncio.run(count())

    def user(self, **fields: Any) -> LoggedIn:
        return create_user(self.base, **fields)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def srv(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmojiServer]:
    data_dir = tmp_path_factory.mktemp(f"emoji-{request.param}")
    env = {
        "ROOST_MAX_EMOJI_FILE_SIZE": str(MAX_EMOJI_BYTES),
        "ROOST_MAX_IMAGE_PIXELS": str(MAX_PIXELS),
    }
    with database(str(request.param), data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username=unique("emojiadmin"))  # the first: system admin
        yield EmojiServer(base, data_dir, url, admin)


def create(
    user: LoggedIn,
    name: str,
    image: bytes | None = None,
    creator_id: str | None = None,
    filename: str = "e.png",
) -> httpx.Response:
    meta = json.dumps({"name": name, "creator_id": user.id if creator_id is None else creator_id})
    files = {"image": (filename, png(32, 32) if image is None else image, "image/png")}
    return user.api.http.post("/emoji", data={"emoji": meta}, files=files)


def form(user: LoggedIn, parts: list[tuple[str, str | None, bytes]]) -> httpx.Response:
    boundary = "roost-emoji-boundary"
    return user.api.http.post(
        "/emoji",
        content=multipart_body(parts, boundary),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def made(user: LoggedIn, name: str, image: bytes | None = None) -> dict[str, Any]:
    emoji: dict[str, Any] = expect(create(user, name, image), 200)
    return emoji


def error_id(response: httpx.Response, status: int) -> str:
    return str(expect(response, status)["id"])


def name() -> str:
    return unique("em")


def test_create_read_and_the_event(srv: EmojiServer) -> None:
    alice, bob = srv.user(), srv.user()
    wanted = name()
    with listening(srv.base, bob) as (ws,):
        emoji = made(alice, wanted)
        event = ws.wait_for("emoji_added", lambda f: wanted in f["data"]["emoji"])
    assert json.loads(event["data"]["emoji"]) == emoji
    assert set(emoji) == {
        "id", "create_at", "update_at", "delete_at", "creator_id", "name", "description"
    }  # fmt: skip
    assert emoji["creator_id"] == alice.id and emoji["name"] == wanted
    assert emoji["delete_at"] == 0 and emoji["create_at"] > 0

    assert expect(bob.api.get(f"/emoji/{emoji['id']}"), 200) == emoji
    assert expect(bob.api.get(f"/emoji/name/{wanted}"), 200) == emoji
    found = expect(bob.api.post("/emoji/names", [wanted, "smile", "nosuchemoji"]), 200)
    assert found == [emoji]
    listed = expect(bob.api.get("/emoji", params={"per_page": 200, "sort": "name"}), 200)
    assert emoji in listed
    names = [e["name"] for e in listed]
    assert names == sorted(names)

    image = bob.api.get(f"/emoji/{emoji['id']}/image")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["cache-control"] == "max-age=2592000, private"
    assert image_size(image.content) == (32, 32)
    assert srv.images() >= {f"roostdefaulttenant00000000/emoji/{emoji['id']}/image"}


def test_search_and_autocomplete(srv: EmojiServer) -> None:
    alice = srv.user()
    stem = unique("srch")
    first = made(alice, f"{stem}_one")
    second = made(alice, f"x{stem}_two")
    prefixed = expect(alice.api.post("/emoji/search", {"term": stem, "prefix_only": True}), 200)
    assert [e["id"] for e in prefixed] == [first["id"]]
    anywhere = expect(alice.api.post("/emoji/search", {"term": stem}), 200)
    assert {e["id"] for e in anywhere} == {first["id"], second["id"]}
    # '_' is a character here, not a LIKE wildcard.
    assert expect(alice.api.post("/emoji/search", {"term": f"{stem}_o"}), 200) == [first]
    assert expect(alice.api.post("/emoji/search", {"term": f"{stem}xo"}), 200) == []
    assert expect(alice.api.get("/emoji/autocomplete", params={"name": stem}), 200) == [first]
    assert error_id(alice.api.post("/emoji/search", {"term": ""}), 400) == (
        "api.context.invalid_body_param.app_error"
    )
    assert error_id(alice.api.get("/emoji/autocomplete"), 400) == (
        "api.context.invalid_url_param.app_error"
    )


def test_images_are_checked_and_scaled(srv: EmojiServer) -> None:
    alice = srv.user()
    big = made(alice, name(), png(300, 150))
    stored = alice.api.get(f"/emoji/{big['id']}/image")
    assert stored.headers["content-type"] == "image/png"
    assert image_size(stored.content) == (128, 64)
    small_jpeg = made(alice, name(), jpeg(20, 20))
    assert alice.api.get(f"/emoji/{small_jpeg['id']}/image").headers["content-type"] == (
        "image/jpeg"
    )
    animated = made(alice, name(), gif(200, 200, frames=3))
    got = alice.api.get(f"/emoji/{animated['id']}/image")
    assert got.headers["content-type"] == "image/gif"
    with Image.open(io.BytesIO(got.content)) as img:
        assert img.size == (128, 128) and getattr(img, "n_frames", 1) == 3
    # Exactly 1028 a side is allowed; it is stored scaled.
    edge = made(alice, name(), png(1028, 1))
    assert image_size(alice.api.get(f"/emoji/{edge['id']}/image").content)[0] == 128


def test_refusals_leave_nothing(srv: EmojiServer) -> None:
    alice, bob = srv.user(), srv.user()
    taken = made(alice, name())
    rows, images = srv.rows(), srv.images()
    cases: list[tuple[httpx.Response, int, str]] = [
        (create(alice, name(), b"not an image at all"), 400, "api.emoji.upload.image.app_error"),
        (create(alice, name(), png(1029, 10)), 400, "api.emoji.upload.large_image.too_large.app_error"),
        (create(alice, name(), png_claiming(5000, 5000)), 400, "api.emoji.upload.large_image.too_large.app_error"),
        (create(alice, name(), png(32, 32)[:40]), 400, "api.emoji.upload.image.app_error"),
        (create(alice, name(), b"\x00" * (MAX_EMOJI_BYTES + 1)), 413, "api.emoji.create.too_large.app_error"),
        (create(alice, "smile"), 400, "model.emoji.system_emoji_name.app_error"),
        (create(alice, "+1"), 400, "model.emoji.system_emoji_name.app_error"),
        (create(alice, "has space"), 400, "model.emoji.name.app_error"),
        (create(alice, "x" * 65), 400, "model.emoji.name.app_error"),
        (create(alice, ""), 400, "model.emoji.name.app_error"),
        (create(alice, "caf\u00e9"), 400, "model.emoji.name.app_error"),
        (create(bob, taken["name"]), 400, "api.emoji.create.duplicate.app_error"),
        (create(alice, name(), creator_id=bob.id), 403, "api.emoji.create.other_user.app_error"),
        (create(alice, name(), b""), 400, "api.context.invalid_body_param.app_error"),
    ]  # fmt: skip
    for response, status, wanted in cases:
        assert error_id(response, status) == wanted, response.text
    meta = json.dumps({"name": name(), "creator_id": alice.id}).encode()
    no_image = form(alice, [("emoji", None, meta), ("other", "e.png", png(8, 8))])
    assert error_id(no_image, 400) == "api.context.invalid_body_param.app_error"
    no_meta = alice.api.http.post("/emoji", files={"image": ("e.png", png(8, 8), "image/png")})
    assert error_id(no_meta, 400) == "api.context.invalid_body_param.app_error"
    bad_meta = alice.api.http.post(
        "/emoji", data={"emoji": "{not json"}, files={"image": ("e.png", png(8, 8), "image/png")}
    )
    assert error_id(bad_meta, 400) == "api.context.invalid_body_param.app_error"
    not_a_form = alice.api.post("/emoji", {"name": name(), "creator_id": alice.id})
    assert error_id(not_a_form, 400) == "api.emoji.create.parse.app_error"
    assert srv.rows() == rows and srv.images() == images


def test_lookups_of_what_is_not_there(srv: EmojiServer) -> None:
    alice = srv.user()
    missing = "a" * 26
    assert error_id(alice.api.get(f"/emoji/{missing}"), 404) == "app.emoji.get.no_result"
    assert error_id(alice.api.get(f"/emoji/{missing}/image"), 404) == "app.emoji.get.no_result"
    assert error_id(alice.api.get("/emoji/name/nosuchemoji"), 404) == (
        "app.emoji.get_by_name.no_result"
    )
    assert error_id(alice.api.get("/emoji/not-an-id"), 400) == (
        "api.context.invalid_url_param.app_error"
    )
    assert error_id(alice.api.get("/emoji", params={"sort": "size"}), 400) == (
        "api.context.invalid_url_param.app_error"
    )
    too_many = [f"n{i}" for i in range(201)]
    assert error_id(alice.api.post("/emoji/names", too_many), 400) == (
        "api.emoji.get_multiple_by_name.too_many_names.app_error"
    )
    assert error_id(alice.api.post("/emoji/names", {"names": []}), 400) == (
        "api.context.invalid_body_param.app_error"
    )
    expect(alice.api.http.get("/emoji", headers={"Authorization": ""}), 401)


def test_delete_rules_reactions_and_reuse(srv: EmojiServer) -> None:
    alice, bob = srv.user(), srv.user()
    room = make_room(lambda **kw: srv.user(**kw))
    emoji = made(room.alice, name())
    p = post(room.alice, room.channel_id, "react with it")
    body = {"user_id": room.bob.id, "post_id": p["id"], "emoji_name": emoji["name"]}
    expect(room.bob.api.post("/reactions", body), 200)  # custom names are accepted
    expect(room.bob.api.post("/reactions", {**body, "emoji_name": "smile"}), 200)
    assert error_id(room.bob.api.delete(f"/emoji/{emoji['id']}"), 403) == (
        "api.context.permissions.app_error"
    )
    with listening(srv.base, room.bob) as (ws,):
        assert expect(room.alice.api.delete(f"/emoji/{emoji['id']}"), 200) == {"status": "OK"}
        ws.assert_no_event("emoji_added")
    assert error_id(room.bob.api.get(f"/emoji/{emoji['id']}"), 404) == "app.emoji.get.no_result"
    assert f"roostdefaulttenant00000000/emoji/{emoji['id']}/image" not in srv.images()
    reactions = expect(room.bob.api.get(f"/posts/{p['id']}/reactions"), 200)
    assert [r["emoji_name"] for r in reactions] == ["smile"]
    assert error_id(room.alice.api.delete(f"/emoji/{emoji['id']}"), 404) == (
        "app.emoji.get.no_result"
    )
    # The name is free again; an admin may delete anyone's.
    again = made(bob, emoji["name"])
    assert again["id"] != emoji["id"]
    expect(srv.admin.api.delete(f"/emoji/{again['id']}"), 200)
    assert expect(alice.api.post("/emoji/names", [emoji["name"]]), 200) == []


def test_paging(srv: EmojiServer) -> None:
    alice = srv.user()
    for _ in range(3):
        made(alice, name())
    everything = expect(alice.api.get("/emoji", params={"per_page": 200}), 200)
    first = expect(alice.api.get("/emoji", params={"per_page": 2, "page": 0}), 200)
    second = expect(alice.api.get("/emoji", params={"per_page": 2, "page": 1}), 200)
    assert first + second == everything[:4]
