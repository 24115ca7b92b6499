"""Channels of the four kinds, and their members."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.model.roles import member_roles

OPEN = "O"
PRIVATE = "P"
DIRECT = "D"
GROUP = "G"

DEFAULT_MEMBER_NOTIFY_PROPS: dict[str, str] = {
    "desktop": "default",
    "email": "default",
    "push": "default",
    "mark_unread": "all",
    "ignore_channel_mentions": "default",
    "desktop_threads": "all",
    "push_threads": "all",
    "email_threads": "all",
    "channel_auto_follow_threads": "off",
}


@dataclass(slots=True)
class Channel:
    id: str
    team_id: str
    type: str
    name: str
    display_name: str = ""
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    header: str = ""
    purpose: str = ""
    last_post_at: int = 0
    last_root_post_at: int = 0
    total_msg_count: int = 0
    total_msg_count_root: int = 0
    creator_id: str = ""
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def is_direct_or_group(self) -> bool:
        return self.type in (DIRECT, GROUP)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "team_id": self.team_id,
            "type": self.type,
            "display_name": self.display_name,
            "name": self.name,
            "header": self.header,
            "purpose": self.purpose,
            "last_post_at": self.last_post_at,
            "last_root_post_at": self.last_root_post_at,
            "total_msg_count": self.total_msg_count,
            "total_msg_count_root": self.total_msg_count_root,
            "extra_update_at": 0,
            "creator_id": self.creator_id,
            "scheme_id": None,
            "props": self.props or None,
            "group_constrained": None,
            "shared": None,
            "policy_id": None,
        }


@dataclass(slots=True)
class ChannelMember:
    channel_id: str
    user_id: str
    scheme_user: bool = True
    scheme_admin: bool = False
    explicit_roles: str = ""
    last_viewed_at: int = 0
    msg_count: int = 0
    msg_count_root: int = 0
    mention_count: int = 0
    mention_count_root: int = 0
    urgent_mention_count: int = 0
    notify_props: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MEMBER_NOTIFY_PROPS))
    last_update_at: int = 0

    @property
    def roles(self) -> str:
        return member_roles("channel", self.scheme_user, self.scheme_admin, self.explicit_roles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel_id": self.channel_id,
            "user_id": self.user_id,
            "roles": self.roles,
            "last_viewed_at": self.last_viewed_at,
            "msg_count": self.msg_count,
            "msg_count_root": self.msg_count_root,
            "mention_count": self.mention_count,
            "mention_count_root": self.mention_count_root,
            "urgent_mention_count": self.urgent_mention_count,
            "notify_props": self.notify_props,
            "last_update_at": self.last_update_at,
            "scheme_user": self.scheme_user,
            "scheme_admin": self.scheme_admin,
            "scheme_guest": False,
            "explicit_roles": self.explicit_roles,
        }
