"""A zero-byte file in a multipart upload is stored (201, size 0) and served, as in
Mattermost; only an empty whole body is refused."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.chat import make_channel, make_team
from tests.support.client import LoggedIn, expect
from tests.support.files import upload_raw, upload_response
from tests.support.posting import post

User = Callable[..., LoggedIn]


def test_zero_byte_file_is_stored(msg_server: str, user_on: User) -> None:
    alice = user_on()
    channel = make_channel(alice, make_team(alice)["id"])
    r = upload_response(alice, channel["id"], ("empty.txt", b""), ("full.txt", b"data"))
    infos = expect(r, 201)["file_infos"]
    assert [(i["name"], i["size"]) for i in infos] == [("empty.txt", 0), ("full.txt", 4)]
    empty = infos[0]
    got = alice.api.get(f"/files/{empty['id']}")
    assert got.status_code == 200 and got.content == b""
    created = post(alice, channel["id"], "an empty file", file_ids=[empty["id"]])
    shown = expect(alice.api.get(f"/posts/{created['id']}"), 200)
    assert shown["metadata"]["files"][0]["size"] == 0
    r = upload_raw(alice, channel["id"], "nothing.txt", b"")
    assert r.status_code == 400
