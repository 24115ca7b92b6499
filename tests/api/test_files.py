"""Files through the public API: uploading in every form clients use, downloading, images
and their previews, who may read what, and files in posts (on SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.client import LoggedIn, expect
from tests.support.files import (
    gif,
    image_size,
    jpeg,
    png,
    post_multipart,
    upload,
    upload_one,
    upload_raw,
    upload_response,
)
from tests.support.posting import Room, make_room, page, post
from tests.support.ws import WsClient

UserFactory = Callable[..., LoggedIn]

FILEINFO_FIELDS = {
    "id",
    "user_id",
    "channel_id",
    "post_id",
    "create_at",
    "update_at",
    "delete_at",
    "name",
    "extension",
    "size",
    "mime_type",
    "width",
    "height",
    "has_preview_image",
    "mini_preview",
    "archived",
}


def _error(response: Any, status: int) -> dict[str, Any]:
    """A Mattermost error body with the given status."""
    body: dict[str, Any] = expect(response, status)
    assert set(body) == {"id", "message", "detailed_error", "request_id", "status_code"}, body
    assert body["status_code"] == status and len(body["request_id"]) == 26
    return body


@pytest.fixture
def room(make_user: UserFactory) -> Room:
    return make_room(make_user)


# Uploading.


def test_upload_and_download(room: Room) -> None:
    r = upload_response(room.alice, room.channel_id, ("notes.txt", b"hello files", "text/plain"))
    body = expect(r, 201)
    assert body["client_ids"] == []
    [info] = body["file_infos"]
    assert set(info) == FILEINFO_FIELDS
    assert info["user_id"] == room.alice.id and info["channel_id"] == room.channel_id
    assert info["post_id"] == "" and info["delete_at"] == 0 and info["archived"] is False
    assert info["name"] == "notes.txt" and info["extension"] == "txt"
    assert info["size"] == 11 and info["mime_type"] == "text/plain"
    assert info["create_at"] > 0 and info["update_at"] == info["create_at"]
    assert info["has_preview_image"] is False and info["mini_preview"] is None
    assert info["width"] == 0 and info["height"] == 0

    got = room.alice.api.get(f"/files/{info['id']}")
    assert expect(got, 200) == b"hello files"
    assert got.headers["content-type"].startswith("text/plain")
    assert got.headers["content-length"] == "11"
    assert got.headers["x-content-type-options"] == "nosniff"
    # Text is not a media type: always an attachment, never shown in the page.
    assert got.headers["content-disposition"].startswith('attachment;filename="notes.txt"')
    assert expect(room.alice.api.get(f"/files/{info['id']}/info"), 200) == info


def test_several_files_with_client_ids(room: Room) -> None:
    r = upload_response(
        room.alice,
        room.channel_id,
        ("a.txt", b"first"),
        ("b.txt", b"second"),
        ("c.bin", bytes(range(256))),
        client_ids=["c1", "c2", "c3"],
    )
    body = expect(r, 201)
    assert body["client_ids"] == ["c1", "c2", "c3"]
    assert [i["name"] for i in body["file_infos"]] == ["a.txt", "b.txt", "c.bin"]
    third = body["file_infos"][2]
    assert third["mime_type"] == "application/octet-stream"
    assert expect(room.alice.api.get(f"/files/{third['id']}"), 200) == bytes(range(256))


@pytest.mark.parametrize(
    "order",
    [
        ["channel_id", "client_ids", "files"],  # the web and mobile apps
        ["files", "channel_id", "client_ids"],  # fields after the file
        ["client_ids", "files", "channel_id"],
    ],
)
def test_any_field_order(room: Room, order: list[str]) -> None:
    parts = {
        "channel_id": ("channel_id", None, room.channel_id.encode()),
        "client_ids": ("client_ids", None, b"cid-1"),
        "files": ("files", "ordered.txt", b"in any order"),
    }
    body = expect(post_multipart(room.alice, [parts[k] for k in order]), 201)
    assert body["client_ids"] == ["cid-1"]
    [info] = body["file_infos"]
    assert info["name"] == "ordered.txt" and info["channel_id"] == room.channel_id


def test_channel_in_the_query_with_multipart(room: Room) -> None:
    parts = [("files", "q.txt", b"query channel")]
    body = expect(post_multipart(room.alice, parts, channel_id=room.channel_id), 201)
    assert body["file_infos"][0]["channel_id"] == room.channel_id


def test_raw_body_upload(room: Room) -> None:
    r = upload_raw(room.alice, room.channel_id, "raw.csv", b"a,b\n1,2\n", client_id="raw-1")
    body = expect(r, 201)
    assert body["client_ids"] == ["raw-1"]
    [info] = body["file_infos"]
    assert info["name"] == "raw.csv" and info["mime_type"] == "text/csv" and info["size"] == 8
    assert expect(room.alice.api.get(f"/files/{info['id']}"), 200) == b"a,b\n1,2\n"


def test_names_are_cleaned(room: Room) -> None:
    cases = {
        "../../etc/passwd": "passwd",
        "C:\\Users\\me\\report.pdf": "report.pdf",
        "dir/sub/ok.txt": "ok.txt",
        "bell\x07and\x00nul.txt": "bellandnul.txt",
        "evil\u202etxt.exe": "eviltxt.exe",
        "  spaced.txt  ": "spaced.txt",
        "Ünïcødé 文件.TXT": "Ünïcødé 文件.TXT",
    }
    for raw, cleaned in cases.items():
        r = upload_raw(room.alice, room.channel_id, raw, b"x")
        info = expect(r, 201)["file_infos"][0]
        assert info["name"] == cleaned, raw
    info = upload_one(room.alice, room.channel_id, "Ünïcødé 文件.TXT")
    assert info["extension"] == "txt"
    got = room.alice.api.get(f"/files/{info['id']}")
    assert f"filename*=UTF-8''{quote(info['name'], safe='')}" in got.headers["content-disposition"]


@pytest.mark.parametrize("name", ["", "/", "../", "a/..", "\x01\x02", "x" * 256])
def test_bad_names(room: Room, name: str) -> None:
    err = _error(upload_raw(room.alice, room.channel_id, name, b"x"), 400)
    if name:
        assert err["id"] == "api.file.upload_file.bad_filename.app_error"


def test_name_limit(room: Room) -> None:
    name = "n" * 251 + ".txt"
    assert upload_one(room.alice, room.channel_id, name)["name"] == name


def test_bad_requests(room: Room) -> None:
    alice, channel = room.alice, room.channel_id
    # An empty file in a multipart upload is stored (as Mattermost does); an empty whole
    # body is refused.
    stored = expect(upload_response(alice, channel, ("empty.txt", b"")), 201)
    assert stored["file_infos"][0]["size"] == 0 and stored["file_infos"][0]["name"] == "empty.txt"
    _error(upload_raw(alice, channel, "empty.txt", b""), 400)
    # JSON where a file was expected, and multipart without a boundary.
    r = alice.api.post("/files", {"channel_id": channel})
    assert _error(r, 400)["id"] == "api.context.invalid_param.app_error"
    r = alice.api.http.post(
        "/files", content=b"--x\r\n", headers={"Content-Type": "multipart/form-data"}
    )
    assert _error(r, 400)["id"] == "api.file.upload_file.read_request.app_error"
    r = alice.api.http.post(
        "/files",
        params={"channel_id": channel, "filename": "f.txt"},
        content=b"a=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _error(r, 400)
    # A body that is not multipart at all, and one that stops before its end.
    garbage = alice.api.http.post(
        "/files",
        content=b"not multipart",
        headers={"Content-Type": "multipart/form-data; boundary=zzz"},
    )
    assert _error(garbage, 400)["id"] == "api.file.upload_file.read_request.app_error"
    whole = b'--zzz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nabc'
    cut = alice.api.http.post(
        "/files",
        params={"channel_id": channel},
        content=whole,
        headers={"Content-Type": "multipart/form-data; boundary=zzz"},
    )
    assert _error(cut, 400)["id"] == "api.file.upload_file.read_request.app_error"
    # Missing and bad channels; no files; unknown fields.
    _error(post_multipart(alice, [("files", "a.txt", b"a")]), 400)
    _error(post_multipart(alice, [("channel_id", None, b"nope"), ("files", "a.txt", b"a")]), 400)
    _error(post_multipart(alice, [("channel_id", None, channel.encode())]), 400)
    unknown = post_multipart(alice, [("channel_id", None, channel.encode()), ("x", None, b"1")])
    assert _error(unknown, 400)["message"] == "Invalid or missing x parameter."
    wrong_part = post_multipart(alice, [("channel_id", None, channel.encode()), ("f", "a", b"1")])
    _error(wrong_part, 400)
    # Two different channels.
    twice = post_multipart(
        alice,
        [("channel_id", None, channel.encode()), ("files", "a.txt", b"a")],
        channel_id="b" * 26,
    )
    assert _error(twice, 400)["id"] == "api.file.upload_file.multiple_channel_ids.app_error"
    # Client ids that do not match the files.
    r = upload_response(alice, channel, ("a.txt", b"a"), ("b.txt", b"b"), client_ids=["only-one"])
    assert _error(r, 400)["id"] == "api.file.upload_file.incorrect_number_of_client_ids.app_error"
    big_field = post_multipart(
        alice, [("channel_id", None, channel.encode()), ("client_ids", None, b"x" * 20_000)]
    )
    assert _error(big_field, 400)["id"] == "api.file.upload_file.read_form_value.app_error"


def test_files_per_upload_limit(room: Room) -> None:
    ten = [(f"f{i}.txt", b"x") for i in range(10)]
    assert len(upload(room.alice, room.channel_id, *ten)) == 10
    r = upload_response(room.alice, room.channel_id, *ten, ("f10.txt", b"x"))
    assert _error(r, 400)["id"] == "api.file.upload_file.too_many_files.app_error"


def test_upload_permissions(room: Room, make_user: UserFactory, admin: LoggedIn) -> None:
    # In the team but not the channel, and in no team at all: 403, as for posting.
    for user in (room.outsider, make_user()):
        r = upload_response(user, room.channel_id, ("a.txt", b"a"))
        assert _error(r, 403)["id"] == "api.context.permissions.app_error"
    _error(upload_response(room.alice, "c" * 26, ("a.txt", b"a")), 403)
    # A system admin may upload anywhere.
    expect(upload_response(admin, room.channel_id, ("a.txt", b"a")), 201)
    assert room.alice.api.http.post("/files", headers={"Authorization": ""}).status_code == 401


def test_upload_to_archived_channel(room: Room) -> None:
    expect(room.owner.api.delete(f"/channels/{room.channel_id}"), 200)
    r = upload_response(room.owner, room.channel_id, ("a.txt", b"a"))
    assert _error(r, 400)["id"] == "api.file.upload_file.archived_channel.app_error"


# Images.


def test_image_previews(room: Room) -> None:
    info = upload_one(room.alice, room.channel_id, "wide.png", png(2400, 600, "RGBA"))
    assert info["mime_type"] == "image/png" and info["has_preview_image"] is True
    assert (info["width"], info["height"]) == (2400, 600)
    mini = base64.b64decode(info["mini_preview"])
    assert image_size(mini) == (16, 16) and mini[:2] == b"\xff\xd8"

    thumb = room.alice.api.get(f"/files/{info['id']}/thumbnail")
    assert expect(thumb, 200)[:2] == b"\xff\xd8"
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["content-disposition"].startswith("inline;")
    # Fills 120x100: the height fits, the width overflows (Mattermost's thumbnails).
    assert image_size(thumb.content) == (400, 100)
    preview = expect(room.alice.api.get(f"/files/{info['id']}/preview"), 200)
    assert image_size(preview) == (1920, 480)
    original = room.alice.api.get(f"/files/{info['id']}")
    assert original.headers["content-type"] == "image/png"
    assert original.headers["content-disposition"].startswith("inline;")
    forced = room.alice.api.get(f"/files/{info['id']}", params={"download": "1"})
    assert forced.headers["content-disposition"].startswith("attachment;")


def test_small_and_tall_images(room: Room) -> None:
    small = upload_one(room.alice, room.channel_id, "small.png", png(50, 40))
    assert image_size(expect(room.alice.api.get(f"/files/{small['id']}/thumbnail"), 200)) == (
        50,
        40,
    )
    tall = upload_one(room.alice, room.channel_id, "tall.jpg", jpeg(300, 900))
    assert tall["mime_type"] == "image/jpeg"
    thumb = expect(room.alice.api.get(f"/files/{tall['id']}/thumbnail"), 200)
    assert image_size(thumb) == (120, 360)


def test_exif_orientation_swaps_the_size(room: Room) -> None:
    info = upload_one(room.alice, room.channel_id, "phone.jpg", jpeg(400, 300, orientation=6))
    assert (info["width"], info["height"]) == (300, 400)
    preview = expect(room.alice.api.get(f"/files/{info['id']}/preview"), 200)
    assert image_size(preview) == (300, 400)


def test_animated_gif_has_previews_but_is_shown_as_itself(room: Room) -> None:
    info = upload_one(room.alice, room.channel_id, "anim.gif", gif(200, 150, frames=3))
    assert info["mime_type"] == "image/gif" and (info["width"], info["height"]) == (200, 150)
    assert info["has_preview_image"] is False and info["mini_preview"]
    expect(room.alice.api.get(f"/files/{info['id']}/thumbnail"), 200)
    still = upload_one(room.alice, room.channel_id, "still.gif", gif(20, 20))
    assert still["has_preview_image"] is True


def test_fake_images_are_plain_files(room: Room) -> None:
    """Named or declared as images, they are not: kept as plain files, no previews."""
    by_name = upload_one(room.alice, room.channel_id, "photo.png", b"not really a png")
    truncated = upload_one(room.alice, room.channel_id, "cut.png", png(300, 300)[:200])
    r = upload_response(room.alice, room.channel_id, ("notes", b"plain text", "image/jpeg"))
    by_type = expect(r, 201)["file_infos"][0]
    for info in (by_name, truncated):
        assert info["mime_type"] == "application/octet-stream"
    assert by_type["mime_type"] == "application/octet-stream" and by_type["extension"] == ""
    for info in (by_name, truncated, by_type):
        assert info["has_preview_image"] is False and info["mini_preview"] is None
        assert info["width"] == 0 and info["height"] == 0
        got = room.alice.api.get(f"/files/{info['id']}")
        assert got.headers["content-disposition"].startswith("attachment;")
        err = _error(room.alice.api.get(f"/files/{info['id']}/thumbnail"), 400)
        assert err["id"] == "api.file.get_file_thumbnail.no_thumbnail.app_error"
        err = _error(room.alice.api.get(f"/files/{info['id']}/preview"), 400)
        assert err["id"] == "api.file.get_file_preview.no_preview.app_error"
    # A real image under another name is still an image.
    real = upload_one(room.alice, room.channel_id, "picture.jpeg", png(30, 30))
    assert real["mime_type"] == "image/png" and real["has_preview_image"] is True


def test_unsafe_types_are_served_as_text(room: Room) -> None:
    info = upload_one(room.alice, room.channel_id, "page.html", b"<script>alert(1)</script>")
    assert info["mime_type"] == "text/html"
    got = room.alice.api.get(f"/files/{info['id']}")
    assert got.headers["content-type"].startswith("text/plain")
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-frame-options"] == "DENY"


# Who may read a file.


def test_read_access(room: Room, admin: LoggedIn) -> None:
    info = upload_one(room.alice, room.channel_id, "secret.txt", b"for the channel")
    urls = [f"/files/{info['id']}{s}" for s in ("", "/info")]
    # Before a post takes it, only its uploader reads it.
    for url in urls:
        expect(room.alice.api.get(url), 200)
        for other in (room.bob, room.outsider):
            assert _error(other.api.get(url), 403)["id"] == "api.context.permissions.app_error"
    p = post(room.alice, room.channel_id, "here it is", file_ids=[info["id"]])
    # Then every member of the channel, and nobody else (not even a team member who
    # could read the open channel's posts).
    for url in urls:
        expect(room.bob.api.get(url), 200)
        expect(admin.api.get(url), 200)
        _error(room.outsider.api.get(url), 403)
    assert expect(room.bob.api.get(f"/files/{info['id']}"), 200) == b"for the channel"
    # A member who leaves can no longer read it.
    expect(room.bob.api.delete(f"/channels/{room.channel_id}/members/{room.bob.id}"), 200)
    _error(room.bob.api.get(urls[0]), 403)
    expect(room.alice.api.get(f"/posts/{p['id']}/files/info"), 200)


def test_missing_files(room: Room) -> None:
    for suffix in ("", "/info", "/thumbnail", "/preview", "/link"):
        r = room.alice.api.get(f"/files/{'z' * 26}{suffix}")
        code = 403 if suffix == "/link" else 404  # links are off before anything else
        _error(r, code)
    _error(room.alice.api.get("/files/not-an-id"), 400)


def test_public_links_are_off_by_default(room: Room) -> None:
    info = upload_one(room.alice, room.channel_id)
    post(room.alice, room.channel_id, "linked", file_ids=[info["id"]])
    err = _error(room.alice.api.get(f"/files/{info['id']}/link"), 403)
    assert err["id"] == "api.file.get_public_link.disabled.app_error"
    public = room.alice.api.http.get(f"{room.alice.api.base}/files/{info['id']}/public?h=x")
    assert _error(public, 403)["id"] == "api.file.get_public_link.disabled.app_error"


# Files in posts.


def test_post_with_files(server: str, room: Room, make_user: UserFactory) -> None:
    stranger = make_user()
    text = upload_one(room.alice, room.channel_id, "a.txt", b"text")
    image = upload_one(room.alice, room.channel_id, "b.png", png(64, 48))
    with WsClient(server, room.bob.token) as bob:
        bob.wait_for("hello")
        p = post(room.alice, room.channel_id, "two files", file_ids=[image["id"], text["id"]])
        frame = bob.wait_for("posted", lambda f: json.loads(f["data"]["post"])["id"] == p["id"])
    assert p["file_ids"] == [image["id"], text["id"]]
    files = p["metadata"]["files"]
    assert [f["id"] for f in files] == [image["id"], text["id"]]
    assert all(f["post_id"] == p["id"] for f in files)
    assert files[0]["width"] == 64 and files[0]["mini_preview"] == image["mini_preview"]
    assert frame["data"]["otherFile"] == "true" and frame["data"]["image"] == "true"
    sent = json.loads(frame["data"]["post"])
    assert [f["id"] for f in sent["metadata"]["files"]] == [image["id"], text["id"]]

    got = expect(room.bob.api.get(f"/posts/{p['id']}"), 200)
    assert got["metadata"]["files"] == files
    listed = page(room.bob, room.channel_id)["posts"][p["id"]]
    assert listed["metadata"]["files"] == files
    infos = expect(room.bob.api.get(f"/posts/{p['id']}/files/info"), 200)
    assert infos == files
    info = expect(room.bob.api.get(f"/files/{text['id']}/info"), 200)
    assert info["post_id"] == p["id"]
    plain = post(room.alice, room.channel_id, "no files")
    assert expect(room.bob.api.get(f"/posts/{plain['id']}/files/info"), 200) == []
    # The infos go wherever the post goes (a team member may read an open channel's
    # posts), although the content stays with the channel's members.
    assert expect(room.outsider.api.get(f"/posts/{p['id']}/files/info"), 200) == files
    _error(room.outsider.api.get(f"/files/{text['id']}"), 403)
    _error(stranger.api.get(f"/posts/{p['id']}/files/info"), 403)


def test_posted_event_without_images(server: str, room: Room) -> None:
    doc = upload_one(room.alice, room.channel_id, "doc.pdf", b"%PDF-1.4 ...")
    with WsClient(server, room.bob.token) as bob:
        bob.wait_for("hello")
        p = post(room.alice, room.channel_id, "", file_ids=[doc["id"]])
        frame = bob.wait_for("posted", lambda f: json.loads(f["data"]["post"])["id"] == p["id"])
    assert frame["data"]["otherFile"] == "true" and "image" not in frame["data"]


def test_reply_with_files(room: Room) -> None:
    root = post(room.alice, room.channel_id, "root")
    info = upload_one(room.bob, room.channel_id)
    reply = post(room.bob, room.channel_id, "reply", root_id=root["id"], file_ids=[info["id"]])
    assert reply["metadata"]["files"][0]["id"] == info["id"]
    thread = expect(room.alice.api.get(f"/posts/{root['id']}/thread"), 200)
    assert thread["posts"][reply["id"]]["metadata"]["files"][0]["post_id"] == reply["id"]


def test_which_uploads_a_post_may_take(room: Room) -> None:
    mine = upload_one(room.alice, room.channel_id)
    bobs = upload_one(room.bob, room.channel_id)
    elsewhere = upload_one(room.alice, room.channel_id)
    taken = upload_one(room.alice, room.channel_id)
    post(room.alice, room.channel_id, "took it", file_ids=[taken["id"]])

    def refused(file_ids: list[str]) -> dict[str, Any]:
        r = room.alice.api.post(
            "/posts", {"channel_id": room.channel_id, "message": "x", "file_ids": file_ids}
        )
        return _error(r, 400)

    for bad in ([bobs["id"]], [taken["id"]], ["q" * 26], [mine["id"], bobs["id"]]):
        err = refused(bad)
        assert err["id"] == "app.file_info.attach_to_post.app_error"
        assert (set(bad) - {mine["id"]}) <= set(err["detailed_error"].split(": ")[1].split(", "))
    refused([mine["id"], mine["id"]])
    # Nothing was taken by the refused posts: the upload is still free.
    assert post(room.alice, room.channel_id, "ok", file_ids=[mine["id"]])["file_ids"] == [
        mine["id"]
    ]
    # An upload made for one channel cannot go into a post in another.
    dm = expect(room.alice.api.post("/channels/direct", [room.alice.id, room.bob.id]), 201)
    r = room.alice.api.post(
        "/posts", {"channel_id": dm["id"], "message": "x", "file_ids": [elsewhere["id"]]}
    )
    assert _error(r, 400)["id"] == "app.file_info.attach_to_post.app_error"


def test_at_most_ten_files_per_post(room: Room) -> None:
    ten = [
        i["id"]
        for i in upload(room.alice, room.channel_id, *[(f"{i}.txt", b"x") for i in range(10)])
    ]
    extra = upload_one(room.alice, room.channel_id)
    r = room.alice.api.post(
        "/posts",
        {"channel_id": room.channel_id, "message": "x", "file_ids": [*ten, extra["id"]]},
    )
    _error(r, 400)
    p = post(room.alice, room.channel_id, "ten", file_ids=ten)
    assert len(p["metadata"]["files"]) == 10


def test_edits_keep_the_files(room: Room) -> None:
    info = upload_one(room.alice, room.channel_id)
    other = upload_one(room.alice, room.channel_id)
    p = post(room.alice, room.channel_id, "with a file", file_ids=[info["id"]])
    body = {"message": "edited", "file_ids": [other["id"]]}
    edited = expect(room.alice.api.put(f"/posts/{p['id']}/patch", body), 200)
    assert edited["message"] == "edited" and edited["file_ids"] == [info["id"]]
    assert [f["id"] for f in edited["metadata"]["files"]] == [info["id"]]
    # The other upload is still free to attach.
    assert post(room.alice, room.channel_id, "", file_ids=[other["id"]])["file_ids"] == [
        other["id"]
    ]


def test_deleting_a_post_deletes_its_files(room: Room) -> None:
    root_file = upload_one(room.alice, room.channel_id, "root.txt")
    reply_file = upload_one(room.bob, room.channel_id, "reply.txt")
    root = post(room.alice, room.channel_id, "root", file_ids=[root_file["id"]])
    post(room.bob, room.channel_id, "reply", root_id=root["id"], file_ids=[reply_file["id"]])
    expect(room.alice.api.get(f"/files/{reply_file['id']}"), 200)
    expect(room.alice.api.delete(f"/posts/{root['id']}"), 200)
    for info in (root_file, reply_file):
        for suffix in ("", "/info"):
            err = _error(room.alice.api.get(f"/files/{info['id']}{suffix}"), 404)
            assert err["id"] == "app.file_info.get.app_error"


def test_two_posts_racing_for_one_upload(room: Room) -> None:
    """Only one post can take an upload, however close together they come."""

    def try_post(body: dict[str, Any]) -> int:
        return room.alice.api.post("/posts", body).status_code

    for _ in range(3):
        info = upload_one(room.alice, room.channel_id)
        body = {"channel_id": room.channel_id, "message": "mine", "file_ids": [info["id"]]}
        with ThreadPoolExecutor(4) as pool:
            codes = sorted(pool.map(try_post, [body] * 4))
        assert codes == [201, 400, 400, 400]


def test_client_config_announces_files(room: Room) -> None:
    config = expect(room.alice.api.get("/config/client", params={"format": "old"}), 200)
    assert config["EnableFileAttachments"] == "true"
    assert config["EnablePublicLink"] == "false"
    assert config["MaxFileSize"] == str(100 * 1024 * 1024)
