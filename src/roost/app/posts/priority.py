"""Message priority (``metadata.priority``: ``important`` / ``urgent`` labels, a request
for acknowledgements) and the acknowledgements shown with a post.

Checked as Mattermost checks it: only root posts, only when ``ROOST_POST_PRIORITY`` is on
(else 403); persistent notifications are not offered by Roost (403, as Mattermost
answers when they are off). Stored beside the post in one more transaction, only for the
posts that carry a priority, before the post's ``posted`` event (which shows it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from roost.app.kernel import errors
from roost.app.posts.errors import priority_not_allowed, priority_only_for_root_posts
from roost.model.post import Post
from roost.store.db.database import Connection, Database
from roost.store.posts import priorities as priority_store

PRIORITIES = frozenset({"", "important", "urgent"})


@dataclass(slots=True)
class PrioritySwitch:
    enabled: bool = True


# Set once by roost.compose from the settings (ServiceSettings.PostPriority).
SWITCH = PrioritySwitch()


@dataclass(slots=True, frozen=True)
class PostPriority:
    priority: str
    requested_ack: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "requested_ack": self.requested_ack,
            "persistent_notifications": False,
        }


def parse(raw: Any, root_id: str) -> PostPriority | None:
    """The priority a new post asks for (None: none), or the error Mattermost gives."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise errors.invalid_body_param("metadata.priority")
    if not SWITCH.enabled:
        raise priority_not_allowed()
    if root_id:
        raise priority_only_for_root_posts()
    level = raw.get("priority", "")
    ack = raw.get("requested_ack", False)
    persistent = raw.get("persistent_notifications", False)
    if level is None:
        level = ""
    if not isinstance(level, str) or level not in PRIORITIES:
        raise errors.invalid_body_param("metadata.priority.priority")
    if not isinstance(ack, bool) or not isinstance(persistent, bool):
        raise errors.invalid_body_param("metadata.priority")
    if persistent:
        raise priority_not_allowed()
    if not level and not ack:
        return None
    return PostPriority(level, ack)


async def save(db: Database, tenant_id: str, post: Post, priority: PostPriority) -> None:
    async with db.write() as conn:
        await priority_store.save_priority(
            conn,
            tenant_id,
            post.id,
            post.channel_id,
            priority.priority,
            priority.requested_ack,
            False,
        )
    post.priority = priority.to_dict()


async def attach(conn: Connection, tenant_id: str, found: Iterable[Post]) -> None:
    """metadata.priority and metadata.acknowledgements of the root posts among these."""
    roots = [p for p in found if not p.root_id and not p.delete_at]
    if not roots:
        return
    priorities = await priority_store.priorities_for(conn, tenant_id, [p.id for p in roots])
    if not priorities:
        return
    asking = [pid for pid, pr in priorities.items() if pr["requested_ack"]]
    acks = await priority_store.acks_for(conn, tenant_id, asking)
    for post in roots:
        found_priority = priorities.get(post.id)
        if found_priority is not None:
            post.priority = found_priority
            post.acknowledgements = acks.get(post.id) or None
