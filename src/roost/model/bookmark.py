"""Channel bookmarks (Mattermost's ChannelBookmark): a link or a file pinned to a
channel's header, in the channel's sort order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from roost.model.file import FileInfo

LINK = "link"
FILE = "file"
# Mattermost's MaxBookmarksPerChannel: live bookmarks a channel may hold.
MAX_PER_CHANNEL = 50
DISPLAY_NAME_MAX = 64
EMOJI_MAX = 64
URL_MAX = 1024


@dataclass(slots=True)
class ChannelBookmark:
    id: str
    channel_id: str
    owner_id: str
    display_name: str
    type: str
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    file_id: str = ""
    sort_order: int = 0
    link_url: str = ""
    image_url: str = ""
    emoji: str = ""
    original_id: str = ""
    parent_id: str = ""
    # The bookmarked file's info, shown as "file" (file bookmarks only).
    file: FileInfo | None = None

    def copy(self) -> ChannelBookmark:
        return replace(self)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "channel_id": self.channel_id,
            "owner_id": self.owner_id,
            "file_id": self.file_id,
            "display_name": self.display_name,
            "sort_order": self.sort_order,
            "type": self.type,
        }
        # Omitted when empty, as Mattermost's JSON (omitempty) does.
        for name in ("link_url", "image_url", "emoji", "original_id", "parent_id"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.file is not None:
            out["file"] = self.file.to_dict()
        return out
