"""Emoji images: what is refused, what is kept as sent, what is scaled."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from roost.app.kernel.errors import AppError
from roost.app.posts.emoji import content_type_of, prepare_image
from roost.model.roles import catalogue
from tests.support.files import gif, jpeg, png, png_claiming

PIXELS = 10_000_000


def _bmp(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height)).save(out, "BMP")
    return out.getvalue()


def test_small_images_are_kept_as_sent() -> None:
    for data, kind in (
        (png(10, 10), "image/png"),
        (jpeg(10, 10), "image/jpeg"),
        (gif(5, 5), "image/gif"),
    ):
        stored = prepare_image(data, PIXELS)
        assert stored.data == data and stored.content_type == kind
        assert content_type_of(stored.data) == kind


def test_large_images_are_scaled_to_fit_128() -> None:
    stored = prepare_image(png(256, 64), PIXELS)
    assert stored.content_type == "image/png"
    with Image.open(io.BytesIO(stored.data)) as img:
        assert img.size == (128, 32)
    bmp = prepare_image(_bmp(10, 10), PIXELS)  # decoded, but stored as PNG
    assert bmp.content_type == "image/png" and content_type_of(bmp.data) == "image/png"


@pytest.mark.parametrize(
    ("data", "error_id"),
    [
        (b"plain text", "api.emoji.upload.image.app_error"),
        (png(10, 10)[:30], "api.emoji.upload.image.app_error"),
        (png(1029, 1), "api.emoji.upload.large_image.too_large.app_error"),
        (png_claiming(20000, 20000), "api.emoji.upload.large_image.too_large.app_error"),
    ],
)
def test_refused(data: bytes, error_id: str) -> None:
    with pytest.raises(AppError) as caught:
        prepare_image(data, PIXELS)
    assert caught.value.error_id == error_id and caught.value.status == 400


def test_pixel_limit() -> None:
    with pytest.raises(AppError) as caught:
        prepare_image(png(100, 100), 9_999)
    assert caught.value.error_id == "api.emoji.upload.large_image.too_large.app_error"


def test_default_roles_grant_emoji_as_mattermost_does() -> None:
    # Every user may create custom emoji and delete their own; only system admins may
    # delete others' (the checks read these from the tenant's role data).
    granted = {r.name: set(r.permissions) for r in catalogue().roles}
    assert {"create_emojis", "delete_emojis"} <= granted["system_user"]
    assert "delete_others_emojis" not in granted["system_user"]
    assert "delete_others_emojis" in granted["system_admin"]
    assert "create_emojis" not in granted["system_guest"]
