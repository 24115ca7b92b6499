"""Profile pictures: upload, read back scaled to a square, reset to the default."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image

from tests.support.client import LoggedIn, expect
from tests.support.ws import WsClient

UserFactory = Callable[..., LoggedIn]


def png_of(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def upload(user: LoggedIn, target: str, data: bytes, field: str = "image") -> int:
    files = {field: ("me.png", data, "image/png")}
    return user.api.http.post(f"/users/{target}/image", files=files).status_code


def test_a_picture_is_kept_square_and_announced(make_user: UserFactory) -> None:
    alice, bob = make_user(), make_user()
    default = expect(alice.api.get(f"/users/{alice.id}/image"), 200)
    with WsClient(bob.api.base, bob.token) as ws:
        ws.wait_for("hello")
        assert upload(alice, "me", png_of(300, 200, (200, 30, 30))) == 200
        event = ws.wait_for("user_updated", lambda f: f["data"]["user"]["id"] == alice.id)
    assert event["data"]["user"]["last_picture_update"] > 0
    # Anyone signed in sees it: 128 x 128, the picture's colour.
    shown = expect(bob.api.get(f"/users/{alice.id}/image"), 200)
    with Image.open(io.BytesIO(shown)) as image:
        assert image.size == (128, 128)
        assert image.convert("RGB").getpixel((64, 64)) == (200, 30, 30)
    assert shown != default
    assert expect(bob.api.get(f"/users/{alice.id}/image/default"), 200) == default
    # Back to the default.
    expect(alice.api.delete(f"/users/{alice.id}/image"), 200)
    assert expect(bob.api.get(f"/users/{alice.id}/image"), 200) == default
    me = expect(alice.api.get("/users/me"), 200)
    assert me["last_picture_update"] < 0


def test_only_oneself_or_an_admin_and_only_images(make_user: UserFactory, admin: LoggedIn) -> None:
    alice, bob = make_user(), make_user()
    picture = png_of(64, 64, (10, 120, 10))
    assert upload(bob, alice.id, picture) == 403
    assert upload(admin, alice.id, picture) == 200
    assert upload(alice, "me", b"this is not an image") == 400
    assert upload(alice, "me", picture, field="other") == 400
    r = alice.api.http.post(f"/users/{alice.id}/image", content=picture)
    assert r.status_code == 400
    too_big = b"\x89PNG" + b"\0" * (10 * 1024 * 1024 + 1)
    assert upload(alice, "me", too_big) == 413
    # The earlier picture is untouched by the refused ones.
    shown = expect(alice.api.get(f"/users/{alice.id}/image"), 200)
    with Image.open(io.BytesIO(shown)) as image:
        assert image.convert("RGB").getpixel((64, 64)) == (10, 120, 10)
