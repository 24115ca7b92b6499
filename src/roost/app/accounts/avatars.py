"""Default profile pictures: the user's initial on a colour picked from their id."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

SIZE = 128
# Muted colours that keep white text readable.
_PALETTE = [
    (49, 120, 198),
    (61, 153, 112),
    (177, 75, 60),
    (128, 90, 170),
    (204, 120, 50),
    (40, 140, 150),
    (150, 110, 80),
    (90, 110, 130),
]


@lru_cache(maxsize=4096)
def default_avatar_png(user_id: str, username: str) -> bytes:
    colour = _PALETTE[hashlib.sha1(user_id.encode()).digest()[0] % len(_PALETTE)]
    image = Image.new("RGB", (SIZE, SIZE), colour)
    draw = ImageDraw.Draw(image)
    letter = (username[:1] or "?").upper()
    font = ImageFont.load_default(size=SIZE // 2)
    box = draw.textbbox((0, 0), letter, font=font)
    x = (SIZE - (box[2] - box[0])) / 2 - box[0]
    y = (SIZE - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), letter, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
