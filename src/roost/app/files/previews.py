"""Images: their size, a thumbnail, a preview and a 16x16 mini preview, as Mattermost
makes them (thumbnail to fill 120x100, preview at most 1920 wide, JPEG quality 90).

Decoding is CPU work on untrusted bytes, so it runs in worker threads, a few at a time,
after two guards: the pixel count is read from the header and refused above the limit
before anything is decoded (a small file can claim a vast image), and JPEGs are decoded
at a reduced scale where the preview allows it. A file that claims to be an image but
does not decode is kept as a plain file with no preview.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from roost.app.files.errors import image_too_many_pixels
from roost.app.kernel import errors
from roost.app.kernel.admission import Limiter
from roost.app.kernel.images import DECODED_IMAGE_FORMATS

log = logging.getLogger("roost.files")

THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT = 120, 100
PREVIEW_WIDTH = 1920
MINI_PREVIEW_SIZE = (16, 16)
JPEG_QUALITY = 90
# Formats decoded for previews; anything else is a plain file whatever its name says.
RASTER_FORMATS = DECODED_IMAGE_FORMATS
RASTER_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "png", "gif", "bmp", "webp"})
_ROTATED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
_ORIENTATION_TAG = 0x0112
# The wait budget when the node passes no limiter (settings.admission has the real one).
DEFAULT_PREVIEW_WAIT_SECONDS = 5.0

# Images over the limit are refused by our own check on the header, before Pillow's
# decompression-bomb warning would matter; it would only add noise to the log.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(slots=True)
class Picture:
    width: int
    height: int
    mime_type: str
    # Animated images get a thumbnail and preview, but clients show the file itself.
    animated: bool
    thumbnail: bytes
    preview: bytes
    mini_preview: str  # base64 of a JPEG


class TooManyPixels(Exception):
    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width}x{height}")
        self.width = width
        self.height = height


def too_many_pixels(name: str, found: TooManyPixels, limit: int) -> errors.AppError:
    size = f" ({found.width} by {found.height} pixels)" if found.width else ""
    return image_too_many_pixels(name, size, limit)


def may_be_image(ext: str, declared_type: str) -> bool:
    """Whether to try decoding: the name or the declared type says raster image."""
    return ext in RASTER_EXTENSIONS or declared_type.lower().startswith("image/")


class Previewer:
    def __init__(
        self, max_pixels: int, concurrency: int | None = None, limiter: Limiter | None = None
    ) -> None:
        self.max_pixels = max_pixels
        # Decoding a large image holds width*height*4 bytes and a core: bound how many
        # at once, and refuse (503 with Retry-After) rather than queue past the budget.
        self._slots = limiter or Limiter(
            "preview", concurrency or os.cpu_count() or 2, DEFAULT_PREVIEW_WAIT_SECONDS
        )

    async def picture(self, path: Path, key: str = "") -> Picture | None:
        """The image's previews, or None when it is not a decodable image; raises
        TooManyPixels for an image over the limit, the busy error when refused."""
        async with self._slots.slot(key):
            return await asyncio.to_thread(make_picture, path, self.max_pixels)


def make_picture(path: Path, max_pixels: int) -> Picture | None:
    try:
        # Only these decoders are tried: no exotic format's parser sees the bytes.
        with Image.open(path, formats=RASTER_FORMATS) as img:
            width, height = img.size
            if width * height > max_pixels:
                raise TooManyPixels(width, height)
            # Cameras' multi-picture JPEGs (MPO) are JPEGs to everyone else.
            kind = "JPEG" if img.format == "MPO" else img.format or ""
            mime = Image.MIME.get(kind, "application/octet-stream")
            animated = bool(getattr(img, "is_animated", False))
            if img.getexif().get(_ORIENTATION_TAG, 1) in _ROTATED:
                width, height = height, width
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: no larger than the preview needs.
            img.draft("RGB", (PREVIEW_WIDTH, PREVIEW_WIDTH))
            img.load()
            ImageOps.exif_transpose(img, in_place=True)
            # The full-size image is only decoded: everything is made from the preview.
            preview = _flatten(_preview(img))
            return Picture(
                width=width,
                height=height,
                mime_type=mime,
                animated=animated,
                thumbnail=_jpeg(_thumbnail(preview, (width, height))),
                preview=_jpeg(preview),
                mini_preview=base64.b64encode(_jpeg(preview.resize(MINI_PREVIEW_SIZE))).decode(),
            )
    except TooManyPixels:
        raise
    except Image.DecompressionBombError:
        # Pillow's own guard, for claims far beyond even its generous default.
        raise TooManyPixels(0, 0) from None
    except Exception as exc:
        # Not an image after all (or a broken one): kept as a plain file.
        log.debug("not decoded as an image (%s): %s", path.name, exc)
        return None


def _flatten(img: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency becomes white, as Mattermost fills it."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return img if img.mode == "RGB" else img.convert("RGB")


def _thumbnail(img: Image.Image, full: tuple[int, int]) -> Image.Image:
    """Scaled to fill 120x100 (one side exact, the other at least as large); images
    smaller than that stay as they are. ``full`` is the original's size, which decides
    (``img`` may be the smaller preview)."""
    width, height = full
    if width < THUMBNAIL_WIDTH or height < THUMBNAIL_HEIGHT:
        return img
    if height / width < THUMBNAIL_HEIGHT / THUMBNAIL_WIDTH:
        size = (max(1, round(width * THUMBNAIL_HEIGHT / height)), THUMBNAIL_HEIGHT)
    else:
        size = (THUMBNAIL_WIDTH, max(1, round(height * THUMBNAIL_WIDTH / width)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _preview(img: Image.Image) -> Image.Image:
    width, height = img.size
    if width <= PREVIEW_WIDTH:
        return img
    size = (PREVIEW_WIDTH, max(1, round(height * PREVIEW_WIDTH / width)))
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
