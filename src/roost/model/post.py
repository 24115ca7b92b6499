"""Posts, lists of posts, and reactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.model.file import FileInfo

# Post types a client may create; "system_*" types are the server's own.
SYSTEM_TYPE_PREFIX = "system_"
CUSTOM_TYPE_PREFIX = "custom_"
EPHEMERAL_TYPE = "system_ephemeral"
CLIENT_TYPES = frozenset({"", "slack_attachment", "me"})


@dataclass(slots=True)
class Reaction:
    user_id: str
    post_id: str
    emoji_name: str
    channel_id: str
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "post_id": self.post_id,
            "emoji_name": self.emoji_name,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "channel_id": self.channel_id,
            "remote_id": "",
        }


@dataclass(slots=True)
class Post:
    id: str
    channel_id: str
    user_id: str
    message: str = ""
    create_at: int = 0
    update_at: int = 0
    edit_at: int = 0
    delete_at: int = 0
    is_pinned: bool = False
    root_id: str = ""
    original_id: str = ""
    type: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    hashtags: str = ""
    file_ids: list[str] = field(default_factory=list)
    has_reactions: bool = False
    # Thread counters: stored on roots; a reply shows its root's count, as Mattermost does.
    reply_count: int = 0
    last_reply_at: int = 0
    # A root's repliers, in the order they first replied (stored on roots).
    participant_ids: list[str] = field(default_factory=list)
    # Not stored: set per response.
    pending_post_id: str = ""
    reactions: list[Reaction] | None = None
    # The attached files' infos (metadata.files), in file_ids order.
    files: list[FileInfo] | None = None
    # Collapsed-thread lists show these on roots; None leaves them out.
    participants: list[dict[str, Any]] | None = None
    is_following: bool | None = None
    # Link and permalink previews (metadata.embeds, metadata.images): set per response
    # for the viewer (roost.app.posts.embeds).
    embeds: list[dict[str, Any]] | None = None
    images: dict[str, dict[str, Any]] | None = None
    # metadata.priority and metadata.acknowledgements (roost.app.posts.priority).
    priority: dict[str, Any] | None = None
    acknowledgements: list[dict[str, Any]] | None = None

    @property
    def is_root(self) -> bool:
        return self.root_id == ""

    @property
    def thread_id(self) -> str:
        return self.root_id or self.id

    def to_dict(self) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        if self.reactions:
            metadata["reactions"] = [r.to_dict() for r in self.reactions]
        if self.files:
            metadata["files"] = [f.to_dict() for f in self.files]
        if self.embeds:
            metadata["embeds"] = self.embeds
        if self.images:
            metadata["images"] = self.images
        if self.priority:
            metadata["priority"] = self.priority
        if self.acknowledgements:
            metadata["acknowledgements"] = self.acknowledgements
        out = {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "edit_at": self.edit_at,
            "delete_at": self.delete_at,
            "is_pinned": self.is_pinned,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "root_id": self.root_id,
            "original_id": self.original_id,
            "message": self.message,
            "type": self.type,
            "props": self.props,
            "hashtags": self.hashtags,
            "pending_post_id": self.pending_post_id,
            "reply_count": self.reply_count,
            "last_reply_at": self.last_reply_at,
            "participants": self.participants,
            "file_ids": self.file_ids,
            "has_reactions": self.has_reactions,
            "metadata": metadata,
        }
        if self.is_following is not None:
            out["is_following"] = self.is_following
        return out


@dataclass(slots=True)
class PostList:
    """Mattermost's PostList: ``order`` is newest first; ``posts`` may hold more
    than ``order`` (the roots of replies on the page)."""

    order: list[str] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)
    next_post_id: str = ""
    prev_post_id: str = ""
    has_next: bool = False

    def add(self, post: Post, ordered: bool = True) -> None:
        """Add a post; ``ordered`` ones also join ``order`` (callers avoid repeats)."""
        if ordered:
            self.order.append(post.id)
        self.posts[post.id] = post

    def to_dict(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "posts": {pid: p.to_dict() for pid, p in self.posts.items()},
            "next_post_id": self.next_post_id,
            "prev_post_id": self.prev_post_id,
            "has_next": self.has_next,
            "first_inaccessible_post_time": 0,
        }
