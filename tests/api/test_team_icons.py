"""Team icons: set by those who may manage the team, read back as a 128 px square,
announced with update_team, removed; refused for non-images, oversized uploads and
callers without manage_team."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import orjson
from PIL import Image

from tests.support.chat import make_team, team_with
from tests.support.client import LoggedIn, expect
from tests.support.ws import listening

UserFactory = Callable[..., LoggedIn]


def png_of(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def upload(user: LoggedIn, team_id: str, data: bytes, field: str = "image") -> dict[str, Any]:
    files = {field: ("icon.png", data, "image/png")}
    r = user.api.http.post(f"/teams/{team_id}/image", files=files)
    return {"status": r.status_code, "body": r.json()}


def pixel(png: bytes, at: tuple[int, int]) -> tuple[int, ...]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (128, 128)
        value = image.convert("RGB").getpixel(at)
        assert isinstance(value, tuple)
        return value


def close(a: tuple[int, ...], b: tuple[int, ...], within: int = 12) -> bool:
    return all(abs(x - y) <= within for x, y in zip(a, b, strict=True))


def test_an_icon_is_set_shown_announced_and_removed(make_user: UserFactory) -> None:
    owner, member, outsider = make_user(), make_user(), make_user()
    team = team_with(owner, member)
    tid = team["id"]
    assert "last_team_icon_update" not in team
    none = expect(member.api.get(f"/teams/{tid}/image"), 404)
    assert none["id"] == "api.team.get_team_icon.read_file.app_error"
    with listening(owner.api.base, member) as (ws,):
        assert upload(owner, tid, png_of(300, 200, (200, 30, 30)))["body"] == {"status": "OK"}
        event = ws.wait_for("update_team", lambda f: orjson.loads(f["data"]["team"])["id"] == tid)
    announced = orjson.loads(event["data"]["team"])
    assert announced["last_team_icon_update"] > 0
    assert announced["invite_id"] == "" and announced["email"] == ""
    seen = expect(member.api.get(f"/teams/{tid}"), 200)
    assert seen["last_team_icon_update"] == announced["last_team_icon_update"]
    # Members and, the team being open, anyone signed in see the icon: 128 px, its colour.
    for viewer in (member, outsider):
        r = viewer.api.http.get(f"/teams/{tid}/image")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        assert close(pixel(r.content, (64, 64)), (200, 30, 30), 2)
    # Revalidation by the icon's time.
    etag = r.headers["etag"]
    assert etag == str(seen["last_team_icon_update"])
    again = member.api.http.get(f"/teams/{tid}/image", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # Removed: announced, gone from the JSON, 404 again.
    with listening(owner.api.base, member) as (ws,):
        expect(owner.api.delete(f"/teams/{tid}/image"), 200)
        event = ws.wait_for("update_team", lambda f: orjson.loads(f["data"]["team"])["id"] == tid)
    assert "last_team_icon_update" not in orjson.loads(event["data"]["team"])
    assert "last_team_icon_update" not in expect(member.api.get(f"/teams/{tid}"), 200)
    expect(member.api.get(f"/teams/{tid}/image"), 404)


def test_the_icon_is_cropped_to_its_centre_and_turned_upright(make_user: UserFactory) -> None:
    owner = make_user()
    tid = make_team(owner)["id"]
    # A wide picture, red on the left, blue on the right, whose EXIF says "turn it a
    # quarter clockwise": upright it is tall, red above blue.
    stored = Image.new("RGB", (200, 100), (220, 20, 20))
    stored.paste((20, 20, 220), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, format="JPEG", quality=95, exif=exif)
    assert upload(owner, tid, out.getvalue())["status"] == 200
    icon = expect(owner.api.get(f"/teams/{tid}/image"), 200)
    assert close(pixel(icon, (64, 12)), (220, 20, 20))
    assert close(pixel(icon, (64, 116)), (20, 20, 220))


def test_only_those_who_manage_the_team(make_user: UserFactory, admin: LoggedIn) -> None:
    owner, member, outsider = make_user(), make_user(), make_user()
    tid = team_with(owner, member)["id"]
    picture = png_of(64, 64, (10, 120, 10))
    for caller in (member, outsider):
        refused = upload(caller, tid, picture)
        assert refused["status"] == 403
        assert refused["body"]["id"] == "api.context.permissions.app_error"
        assert caller.api.delete(f"/teams/{tid}/image").status_code == 403
        # Refused as such whatever the body.
        assert caller.api.http.post(f"/teams/{tid}/image", content=b"x").status_code == 403
    expect(member.api.get(f"/teams/{tid}/image"), 404)  # nothing was set
    # A system admin may, without being in the team.
    assert upload(admin, tid, picture)["status"] == 200
    assert close(pixel(expect(member.api.get(f"/teams/{tid}/image"), 200), (5, 5)), (10, 120, 10))
    # The team's admin role is what grants it: made admin, the member may.
    roles = {"roles": "team_user team_admin"}
    expect(owner.api.put(f"/teams/{tid}/members/{member.id}/roles", roles), 200)
    assert upload(member, tid, png_of(64, 64, (1, 2, 200)))["status"] == 200
    # An invite-only team's icon is for its members (and admins) only.
    private = make_team(owner, type="I")["id"]
    assert upload(owner, private, picture)["status"] == 200
    assert outsider.api.get(f"/teams/{private}/image").status_code == 403
    expect(admin.api.get(f"/teams/{private}/image"), 200)
    # Unknown teams and bad ids.
    assert upload(admin, "x" * 26, picture)["status"] == 404
    assert admin.api.get(f"/teams/{'x' * 26}/image").status_code == 404
    assert admin.api.get("/teams/not-an-id/image").status_code == 400


def test_bad_uploads_are_refused_and_change_nothing(make_user: UserFactory) -> None:
    owner = make_user()
    tid = make_team(owner)["id"]
    assert upload(owner, tid, png_of(40, 40, (90, 90, 10)))["status"] == 200
    before = expect(owner.api.get(f"/teams/{tid}"), 200)["last_team_icon_update"]

    def refused(data: bytes, field: str = "image") -> str:
        result = upload(owner, tid, data, field)
        assert result["status"] == 400, result
        return str(result["body"]["id"])

    assert refused(b"this is not an image") == "api.team.set_team_icon.decode.app_error"
    assert refused(b"%!PS-Adobe-3.0 EPSF-3.0\n") == "api.team.set_team_icon.decode.app_error"
    assert refused(png_of(8, 8, (0, 0, 0))[:40]) == "api.team.set_team_icon.decode.app_error"
    assert (
        refused(png_of(8, 8, (0, 0, 0)), field="file") == "api.team.set_team_icon.no_file.app_error"
    )
    # Over the 10 MB a picture may take: refused as the body arrives (the server's
    # request limit, the same for profile pictures), before anything is decoded.
    too_big = upload(owner, tid, b"\x89PNG" + b"\0" * (10 * 1024 * 1024 + 1))
    assert too_big["status"] == 413
    assert too_big["body"]["id"] == "api.context.request_body_too_large.app_error"
    # Small in bytes, but more pixels than the server decodes (7680 x 4320).
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")
    assert refused(out.getvalue()) == "api.team.set_team_icon.too_large.app_error"
    not_multipart = owner.api.http.post(f"/teams/{tid}/image", content=b"\x89PNG")
    assert not_multipart.status_code == 400
    # The earlier icon is untouched by the refused ones.
    assert expect(owner.api.get(f"/teams/{tid}"), 200)["last_team_icon_update"] == before
    assert close(pixel(expect(owner.api.get(f"/teams/{tid}/image"), 200), (9, 9)), (90, 90, 10), 2)
