"""Posts to be sent later (Mattermost's ScheduledPost: a draft with a time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Why a scheduled post could not be sent (Mattermost's ScheduledPostErrorCode values).
ERROR_UNKNOWN = "unknown"
ERROR_CHANNEL_ARCHIVED = "channel_archived"
ERROR_CHANNEL_NOT_FOUND = "channel_not_found"
ERROR_USER_MISSING = "user_missing"
ERROR_USER_DELETED = "user_deleted"
ERROR_NO_CHANNEL_PERMISSION = "no_channel_permission"
ERROR_THREAD_DELETED = "thread_deleted"
ERROR_INVALID_POST = "invalid_post"


@dataclass(slots=True)
class ScheduledPost:
    id: str
    user_id: str
    channel_id: str
    scheduled_at: int
    root_id: str = ""
    message: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)
    create_at: int = 0
    update_at: int = 0
    processed_at: int = 0
    error_code: str = ""
    # The tenant whose row it is, and when a node claimed it before this claim (0: never):
    # set by the store's claim, for the sender.
    tenant_id: str = ""
    earlier_claim: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": 0,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "root_id": self.root_id,
            "message": self.message,
            "props": self.props,
            "file_ids": self.file_ids,
            "metadata": {},
            "priority": {},
            "scheduled_at": self.scheduled_at,
            "processed_at": self.processed_at,
            "error_code": self.error_code,
        }


@dataclass(slots=True, frozen=True)
class PostReminder:
    tenant_id: str
    post_id: str
    user_id: str
    # Milliseconds (the API speaks seconds, as Mattermost's does).
    target_time: int
    earlier_claim: int = 0
