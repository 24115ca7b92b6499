"""Collapsed reply threads: a user's membership in a thread, and the Thread response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.model.post import Post


@dataclass(slots=True)
class ThreadMembership:
    post_id: str
    user_id: str
    channel_id: str
    team_id: str = ""
    following: bool = True
    last_viewed: int = 0
    last_updated: int = 0
    last_reply_at: int = 0
    unread_replies: int = 0
    unread_mentions: int = 0
    thread_delete_at: int = 0


def thread_response(
    root: Post, membership: ThreadMembership, participants: list[dict[str, Any]]
) -> dict[str, Any]:
    """Mattermost's ThreadResponse, plus ``is_following``, which Client4 reads."""
    return {
        "id": root.id,
        "reply_count": root.reply_count,
        "last_reply_at": root.last_reply_at,
        "last_viewed_at": membership.last_viewed,
        "participants": participants,
        "post": root.to_dict(),
        "unread_replies": membership.unread_replies,
        "unread_mentions": membership.unread_mentions,
        "is_urgent": False,
        "is_following": membership.following,
        "delete_at": membership.thread_delete_at or root.delete_at,
    }
