"""Where a file's objects live in the file store: keys made from ids alone.

``{tenant}/{first two characters of the id}/{id}/{variant}``: the client's file name is
never part of a key, and the two-character level keeps local directories small.
"""

from __future__ import annotations

ORIGINAL = "original"
THUMBNAIL = "thumbnail"
PREVIEW = "preview"
VARIANTS = (ORIGINAL, THUMBNAIL, PREVIEW)


def object_key(tenant_id: str, file_id: str, variant: str) -> str:
    return f"{tenant_id}/{file_id[:2]}/{file_id}/{variant}"


def all_keys(tenant_id: str, file_id: str) -> list[str]:
    return [object_key(tenant_id, file_id, v) for v in VARIANTS]


def emoji_image_key(tenant_id: str, emoji_id: str) -> str:
    """A custom emoji's image: under the tenant's prefix like every object of it."""
    return f"{tenant_id}/emoji/{emoji_id}/image"


def team_icon_key(tenant_id: str, team_id: str) -> str:
    """A team's icon (``/teams/{id}/image``), the 128 px PNG made of the upload."""
    return f"{tenant_id}/teams/{team_id}/teamIcon.png"
