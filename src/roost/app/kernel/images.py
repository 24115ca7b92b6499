"""The image formats Roost lets Pillow decode, for every picture it reads, and the one
way uploaded pictures (profile pictures, team icons) become a stored square PNG.

Pillow knows dozens of formats; several hand the bytes to large native parsers or to
external programs (EPS and PS to Ghostscript). An upload's bytes, whatever its name or
type says, only ever reach these decoders (Mattermost's own list)."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

DECODED_IMAGE_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "GIF", "WEBP", "BMP")

# Profile pictures and team icons alike: 128 px squares, as Mattermost stores them.
SQUARE_SIDE = 128
# The most bytes of one uploaded picture Roost reads (profile pictures, team icons).
MAX_PICTURE_BYTES = 10 * 1024 * 1024


class PictureRejected(Exception):
    """The upload is no picture Roost reads; ``too_many_pixels`` says whether it was
    only too large. Each caller turns it into its own API error id."""

    def __init__(self, detail: str, *, too_many_pixels: bool = False) -> None:
        super().__init__(detail)
        self.too_many_pixels = too_many_pixels


def square_png(data: bytes, max_pixels: int, side: int = SQUARE_SIDE) -> bytes:
    """The picture upright (its EXIF orientation applied), cropped to its centre square
    and scaled to ``side`` px with Lanczos, as PNG: what Mattermost does to profile
    pictures and team icons. Synchronous (CPU work): run it in a thread."""
    try:
        # Only the listed decoders see the bytes: never Ghostscript or an exotic parser.
        with Image.open(io.BytesIO(data), formats=DECODED_IMAGE_FORMATS) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise PictureRejected(f"more than {max_pixels} pixels", too_many_pixels=True)
            upright = ImageOps.exif_transpose(image) or image
            width, height = upright.size
            edge = min(width, height)
            left, top = (width - edge) // 2, (height - edge) // 2
            square = upright.convert("RGBA").crop((left, top, left + edge, top + edge))
            out = io.BytesIO()
            square.resize((side, side), Image.Resampling.LANCZOS).save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PictureRejected(str(exc)) from None
