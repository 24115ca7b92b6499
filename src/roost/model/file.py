"""Uploaded files: Mattermost's FileInfo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class FileInfo:
    id: str
    user_id: str
    channel_id: str
    name: str
    extension: str = ""
    size: int = 0
    mime_type: str = ""
    post_id: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    width: int = 0
    height: int = 0
    has_preview_image: bool = False
    # Not shown to clients: a thumbnail and a preview were stored (animated GIFs have
    # them although has_preview_image is false, so clients play the GIF itself).
    has_thumbnail: bool = False
    # Base64 of a 16x16 JPEG, or "" (shown as null).
    mini_preview: str = ""

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "post_id": self.post_id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "name": self.name,
            "extension": self.extension,
            "size": self.size,
            "mime_type": self.mime_type,
            "width": self.width,
            "height": self.height,
            "has_preview_image": self.has_preview_image,
            "mini_preview": self.mini_preview or None,
            "archived": False,
        }
