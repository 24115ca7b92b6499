"""Uploaded images reach only the PNG, JPEG, GIF, WebP and BMP decoders: a profile
picture, an emoji or an attachment in any other format (EPS, which Pillow hands to
Ghostscript; TIFF; PPM) is refused with Mattermost's error or kept as a plain file."""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect, unique
from tests.support.databases import database
from tests.support.files import png, upload
from tests.support.server import running_server

EPS = b"""%!PS-Adobe-3.0 EPSF-3.0
%%BoundingBox: 0 0 16 16
%%EndComments
newpath 0 0 moveto 16 16 lineto stroke
showpage
%%EOF
"""

# Stands in for Ghostscript: if any decoder ran it, the marker file would exist.
FAKE_GS = """#!/bin/sh
echo "$@" >> "{marker}"
exit 1
"""


def encoded(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(out, format=fmt)
    return out.getvalue()


@dataclass
class Node:
    base: str
    marker: Path
    admin: LoggedIn


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    data_dir = tmp_path_factory.mktemp("decoders")
    bin_dir = data_dir / "bin"
    bin_dir.mkdir()
    marker = data_dir / "ghostscript-ran"
    gs = bin_dir / "gs"
    gs.write_text(FAKE_GS.format(marker=marker))
    gs.chmod(gs.stat().st_mode | stat.S_IXUSR)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with database("sqlite", data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username=unique("decadmin"))
        yield Node(base, marker, admin)


def set_picture(user: LoggedIn, data: bytes, name: str) -> tuple[int, dict[str, object]]:
    r = user.api.http.post("/users/me/image", files={"image": (name, data, "image/png")})
    return r.status_code, r.json() if r.headers.get("content-type") == "application/json" else {}


@pytest.mark.parametrize(
    ("data", "name"),
    [(EPS, "me.eps"), (encoded("TIFF"), "me.tif"), (encoded("PPM"), "me.ppm")],
)
def test_a_profile_picture_in_another_format_is_refused(node: Node, data: bytes, name: str) -> None:
    user = create_user(node.base)
    status, body = set_picture(user, data, name)
    assert status == 400
    assert body["id"] == "api.user.upload_profile_user.decode.app_error"
    assert not node.marker.exists(), "Ghostscript was run on an uploaded picture"
    # The five decoded formats still work.
    for fmt in ("PNG", "JPEG", "GIF", "WEBP", "BMP"):
        assert set_picture(user, encoded(fmt), "me." + fmt.lower())[0] == 200, fmt


def test_an_attachment_in_another_format_gets_no_preview(node: Node) -> None:
    owner = create_user(node.base)
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    infos = upload(
        owner,
        channel["id"],
        ("drawing.eps", EPS, "image/x-eps"),
        ("scan.tif", encoded("TIFF"), "image/tiff"),
        ("photo.png", png(16, 16), "image/png"),
    )
    eps, tif, photo = infos
    assert not eps["has_preview_image"] and not eps.get("mini_preview")
    assert not tif["has_preview_image"] and not tif.get("mini_preview")
    assert photo["has_preview_image"] and photo["width"] == 16
    assert not node.marker.exists(), "Ghostscript was run on an attachment"


def test_an_emoji_in_another_format_is_refused(node: Node) -> None:
    meta = json.dumps({"name": unique("e"), "creator_id": node.admin.id})
    for data in (EPS, encoded("TIFF")):
        files = {"image": ("e.png", data, "image/png")}
        r = node.admin.api.http.post("/emoji", data={"emoji": meta}, files=files)
        assert r.status_code == 400, r.text
    assert not node.marker.exists(), "Ghostscript was run on an emoji"
    files = {"image": ("e.png", png(16, 16), "image/png")}
    expect(node.admin.api.http.post("/emoji", data={"emoji": meta}, files=files), 200)
