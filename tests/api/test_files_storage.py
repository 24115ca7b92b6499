"""What uploads leave in storage, on the local disk and in S3 (moto's server), under
small limits: size and pixel limits, uploads cut off midway, failures of the store,
public links, and the sweep of uploads no post took.

Each configuration is its own server with a data directory, database and bucket these
tests can look into: nothing half-stored means no row, no object, no temporary file.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.chat import channel_with, team_with
from tests.support.client import Api, create_user, expect
from tests.support.databases import database
from tests.support.files import (
    StoreServer,
    png,
    png_claiming,
    post_multipart,
    upload,
    upload_one,
    upload_raw,
    upload_response,
)
from tests.support.posting import post
from tests.support.s3 import MotoS3, moto_server
from tests.support.server import free_port, running_server

MIB = 1024 * 1024
# Above one S3 part (8 MiB), so the largest upload goes up as a multipart upload.
MAX_FILE_SIZE = 12 * MIB
MAX_PIXELS = 1_000_000
ORPHAN_AGE_SECONDS = 4.0
SWEEP_SECONDS = 0.5
SALT = "roost-test-public-link-salt-0123456789"
PREFIX = "roost/test"
TENANT = "roostdefaulttenant00000000"

LIMITS = {
    "ROOST_MAX_FILE_SIZE": str(MAX_FILE_SIZE),
    "ROOST_MAX_IMAGE_PIXELS": str(MAX_PIXELS),
    "ROOST_FILE_ORPHAN_AGE_SECONDS": str(ORPHAN_AGE_SECONDS),
    "ROOST_FILE_SWEEP_INTERVAL_SECONDS": str(SWEEP_SECONDS),
    "ROOST_ENABLE_PUBLIC_LINK": "true",
    "ROOST_PUBLIC_LINK_SALT": SALT,
}


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    with moto_server(tmp_path_factory.mktemp("moto")) as s3:
        yield s3


@pytest.fixture(scope="module", params=["local-sqlite", "local-postgres", "s3-sqlite"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoreServer]:
    kind, backend = str(request.param).split("-")
    data_dir = tmp_path_factory.mktemp(f"files-{request.param}")
    env = dict(LIMITS)
    s3: MotoS3 | None = None
    bucket = ""
    if kind == "s3":
        s3 = request.getfixturevalue("moto")
        bucket = s3.new_bucket()
        env.update(s3.roost_env(bucket, PREFIX))
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        create_user(base, username="filesadmin")  # the first user is the system admin
        yield StoreServer(base, data_dir, url, s3, bucket)


class Room:
    def __init__(self, store: StoreServer) -> None:
        self.alice = create_user(store.base)
        self.bob = create_user(store.base)
        self.outsider = create_user(store.base)
        team = team_with(self.alice, self.bob, self.outsider)
        self.channel_id = channel_with(self.alice, team["id"], self.bob)["id"]


@pytest.fixture
def room(store: StoreServer) -> Room:
    return Room(store)


def _key(store: StoreServer, file_id: str, variant: str) -> str:
    key = f"{TENANT}/{file_id[:2]}/{file_id}/{variant}"
    return f"{PREFIX}/{key}" if store.s3 is not None else key


def _error_id(response: httpx.Response, status: int) -> str:
    body: dict[str, Any] = expect(response, status)
    assert body["status_code"] == status and body["request_id"]
    return str(body["id"])


def _eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


class Snapshot:
    """Rows and objects before something that must store nothing."""

    def __init__(self, store: StoreServer) -> None:
        self.store = store
        self.rows = store.file_rows()
        self.objects = store.objects()

    def assert_nothing_new(self) -> None:
        # The sweep may remove older uploads meanwhile: nothing new is the claim.
        assert self.store.file_rows() <= self.rows
        assert self.store.objects() - self.objects == set()
        _eventually(lambda: self.store.temp_files() == [], 5.0)
        if self.store.s3 is not None:
            assert self.store.s3.multipart_uploads(self.store.bucket) == 0


def test_objects_are_stored_by_id(store: StoreServer, room: Room) -> None:
    text = upload_one(room.alice, room.channel_id, "../../escape attempt.txt", b"by id only")
    image = upload_one(room.alice, room.channel_id, "pic.png", png(300, 200))
    post(room.alice, room.channel_id, "keep", file_ids=[text["id"], image["id"]])
    objects = store.objects()
    assert _key(store, text["id"], "original") in objects
    for variant in ("original", "thumbnail", "preview"):
        assert _key(store, image["id"], variant) in objects
    assert not any("escape" in o or "pic.png" in o for o in objects)
    assert expect(room.alice.api.get(f"/files/{text['id']}"), 200) == b"by id only"
    assert expect(room.alice.api.get(f"/files/{image['id']}/preview"), 200)[:2] == b"\xff\xd8"
    assert store.temp_files() == []


def test_file_size_limit(store: StoreServer, room: Room) -> None:
    # Exactly the limit is fine (and, on S3, goes up in parts).
    data = os.urandom(MAX_FILE_SIZE)
    info = upload_one(room.alice, room.channel_id, "exact.bin", data)
    assert info["size"] == MAX_FILE_SIZE
    # Posted at once: the sweep takes uploads left alone for a few seconds here.
    post(room.alice, room.channel_id, "big", file_ids=[info["id"]])
    got = expect(room.alice.api.get(f"/files/{info['id']}"), 200)
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()

    before = Snapshot(store)
    too_big = data + b"!"
    r = upload_response(room.alice, room.channel_id, ("over.bin", too_big))
    assert _error_id(r, 413) == "api.file.upload_file.too_large_detailed.app_error"
    # Refused on the declared length before reading, for a raw body.
    r = upload_raw(room.alice, room.channel_id, "over.bin", too_big)
    assert _error_id(r, 413) == "api.file.upload_file.too_large_detailed.app_error"
    # The second file of a request over the limit: the first is not kept either.
    r = upload_response(room.alice, room.channel_id, ("ok.txt", b"fine"), ("over.bin", too_big))
    assert _error_id(r, 413) == "api.file.upload_file.too_large_detailed.app_error"
    # Far over: the server stops reading at the limit and still answers.
    r = upload_response(room.alice, room.channel_id, ("huge.bin", data * 3))
    assert _error_id(r, 413) == "api.file.upload_file.too_large_detailed.app_error"
    before.assert_nothing_new()
    # The connection's next request works: the rest of the body was drained.
    assert upload_one(room.alice, room.channel_id)["size"] == 2


def test_pixel_limit(store: StoreServer, room: Room) -> None:
    ok = upload_one(room.alice, room.channel_id, "square.png", png(1000, 1000))
    assert (ok["width"], ok["height"]) == (1000, 1000) and ok["has_preview_image"]
    before = Snapshot(store)
    r = upload_response(room.alice, room.channel_id, ("wide.png", png(1001, 1000)))
    assert _error_id(r, 400) == "api.file.upload_file.large_image_detailed.app_error"
    assert "(1001 by 1000 pixels)" in r.json()["message"]
    # A few hundred bytes claiming 30000x30000 pixels: refused from its header, at once.
    started = time.monotonic()
    r = upload_response(room.alice, room.channel_id, ("bomb.png", png_claiming(30000, 30000)))
    assert _error_id(r, 400) == "api.file.upload_file.large_image_detailed.app_error"
    assert r.json()["message"].startswith("bomb.png dimensions")
    assert time.monotonic() - started < 2.0
    before.assert_nothing_new()


def _partial_request(base: str, head: str, body: bytes, during: Callable[[], None]) -> None:
    """Send a request's head and part of its body, run ``during``, then hang up."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80)) as sock:
        sock.sendall(head.encode() + body)
        during()


def _head(path: str, token: str, content_type: str, length: int) -> str:
    return (
        f"POST /api/v4{path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    )


@pytest.mark.parametrize("form", ["raw", "multipart"])
def test_upload_cut_off_midway(store: StoreServer, room: Room, form: str) -> None:
    before = Snapshot(store)
    sent = os.urandom(3 * MIB)
    if form == "raw":
        path = f"/files?channel_id={room.channel_id}&filename=cut.bin"
        head = _head(path, room.alice.token, "application/octet-stream", 10 * MIB)
        body = sent
    else:
        boundary = "cutcutcut"
        head = _head(
            "/files", room.alice.token, f"multipart/form-data; boundary={boundary}", 10 * MIB
        )
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="channel_id"\r\n\r\n'
            f"{room.channel_id}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="files"; filename="cut.bin"\r\n\r\n'
        ).encode() + sent

    def spooling() -> None:
        # The server has started writing the file to disk before the client goes.
        _eventually(lambda: store.temp_files() != [], 5.0)

    _partial_request(store.base, head, body, spooling)
    before.assert_nothing_new()
    # The server is fine afterwards.
    assert upload_one(room.alice, room.channel_id)["size"] == 2


def test_public_links(store: StoreServer, room: Room) -> None:
    info = upload_one(room.alice, room.channel_id, "shared.txt", b"for everyone")
    r = room.alice.api.get(f"/files/{info['id']}/link")
    assert _error_id(r, 400) == "api.file.get_public_link.no_post.app_error"
    p = post(room.alice, room.channel_id, "link me", file_ids=[info["id"]])
    link = expect(room.bob.api.get(f"/files/{info['id']}/link"), 200)["link"]
    assert link.startswith(f"{store.base}/files/{info['id']}/public?h=")
    _error_id(room.outsider.api.get(f"/files/{info['id']}/link"), 403)

    anonymous = httpx.get(link)
    assert anonymous.status_code == 200 and anonymous.content == b"for everyone"
    assert anonymous.headers["content-disposition"].startswith("attachment;")
    wrong = httpx.get(link[:-3] + "abc")
    assert _error_id(wrong, 400) == "api.file.get_file.public_invalid.app_error"
    assert _error_id(httpx.get(link.split("?")[0]), 400) == (
        "api.file.get_file.public_invalid.app_error"
    )
    # Links die with the post.
    expect(room.alice.api.delete(f"/posts/{p['id']}"), 200)
    _error_id(httpx.get(link), 404)


def test_sweep_removes_uploads_no_post_took(store: StoreServer, room: Room) -> None:
    kept = upload(room.alice, room.channel_id, ("kept.png", png(200, 100)))[0]
    orphans = upload(room.alice, room.channel_id, ("lost.png", png(200, 100)), ("lost.txt", b"x"))
    post(room.alice, room.channel_id, "kept", file_ids=[kept["id"]])
    stale = store.data_dir / "tmp" / "uploads" / "upload-left-by-a-crash"
    stale.write_bytes(b"half a file")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    def swept() -> bool:
        return all(room.alice.api.get(f"/files/{o['id']}/info").status_code == 404 for o in orphans)

    _eventually(swept, ORPHAN_AGE_SECONDS + 15)
    objects = store.objects()
    for orphan in orphans:
        assert not any(orphan["id"] in o for o in objects)
    for variant in ("original", "thumbnail", "preview"):
        assert _key(store, kept["id"], variant) in objects
    assert expect(room.bob.api.get(f"/files/{kept['id']}"), 200)[:4] == b"\x89PNG"
    _eventually(lambda: not stale.exists(), 5.0)
    # A swept upload can no longer go into a post.
    r = room.alice.api.post(
        "/posts", {"channel_id": room.channel_id, "message": "late", "file_ids": [orphans[0]["id"]]}
    )
    assert _error_id(r, 400) == "app.file_info.attach_to_post.app_error"


def test_channel_id_after_files_is_checked_at_the_end(store: StoreServer, room: Room) -> None:
    before = Snapshot(store)
    r = post_multipart(
        room.outsider,
        [("files", "late.txt", b"data first"), ("channel_id", None, room.channel_id.encode())],
    )
    assert _error_id(r, 403) == "api.context.permissions.app_error"
    before.assert_nothing_new()


def test_store_that_is_down(tmp_path_factory: pytest.TempPathFactory) -> None:
    """An S3 store that cannot be reached: 503 in Mattermost's shape, nothing kept."""
    data_dir = tmp_path_factory.mktemp("files-s3-down")
    env = {
        **LIMITS,
        "ROOST_FILE_STORE": "s3://nowhere/roost",
        "ROOST_FILE_S3_ENDPOINT": f"http://127.0.0.1:{free_port()}",
        "ROOST_FILE_S3_ACCESS_KEY_ID": "x",
        "ROOST_FILE_S3_SECRET_ACCESS_KEY": "y",
        "ROOST_FILE_S3_PATH_STYLE": "true",
    }
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        down = StoreServer(base, data_dir, url)
        create_user(base)
        alice = create_user(base)
        team = team_with(alice)
        channel_id = channel_with(alice, team["id"])["id"]
        r = upload_response(alice, channel_id, ("a.txt", b"nowhere to go"))
        assert _error_id(r, 503) == "api.file.storage.app_error"
        assert down.file_rows() == 0 and down.temp_files() == []
        assert Api(base).get("/system/ping").status_code == 200
