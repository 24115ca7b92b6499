"""The image formats Roost lets Pillow decode, for every picture it reads.

Pillow knows dozens of formats; several hand the bytes to large native parsers or to
external programs (EPS and PS to Ghostscript). An upload's bytes, whatever its name or
type says, only ever reach these decoders (Mattermost's own list)."""

from __future__ import annotations

DECODED_IMAGE_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
