"""The WebSocket events of collapsed reply threads, each to one user.

``thread_updated`` goes to every follower after a reply with their own counts; the
root post and participants are the same for all, so they are encoded once and only the
per-user fields are added per follower (``model.event.PerUser``).
"""

from __future__ import annotations

from typing import Any

import orjson

from roost.model.event import Broadcast, Event, PerUser
from roost.model.events import THREAD_FOLLOW_CHANGED, THREAD_READ_CHANGED, THREAD_UPDATED
from roost.model.post import Post
from roost.model.thread import ThreadMembership
from roost.store.posts.thread_fanout import ThreadFanout

# WebSocket events name the most recent participants only: clients show a few avatars,
# and a thread's event goes to every follower.
EVENT_PARTICIPANTS = 10
# Followers told by one event: the hub delivers an event in one go, so this bounds how
# long one holds the event loop (and a bus message's size).
FOLLOWERS_PER_EVENT = 100


def participants_of(root: Post, people: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A root's participants: full users where ``people`` has them, else ``{"id"}``."""
    return [people.get(u) or {"id": u} for u in root.participant_ids]


def _to_user(tenant_id: str, user_id: str, team_id: str) -> Broadcast:
    return Broadcast(recipients=frozenset({user_id}), user_id=user_id, team_id=team_id)


def thread_updated_events(
    tenant_id: str, root: Post, team_id: str, fanout: ThreadFanout
) -> list[Event]:
    """``thread_updated`` for every follower: one event per ``FOLLOWERS_PER_EVENT``
    followers, whose shared part (the root post, participants) is encoded once and
    whose per-follower part is the counts that end the ``thread`` string."""
    root.reply_count = fanout.reply_count
    root.last_reply_at = fanout.last_reply_at
    root.participant_ids = fanout.participants
    shared = orjson.dumps(
        {
            "id": root.id,
            "reply_count": fanout.reply_count,
            "last_reply_at": fanout.last_reply_at,
            "participants": [{"id": u} for u in fanout.participants[-EVENT_PARTICIPANTS:]],
            "post": root.to_dict(),
            "is_urgent": False,
            "is_following": True,
            "delete_at": 0,
        }
    )[:-1].decode()
    followers = list(fanout.followers.items())
    events = []
    for start in range(0, len(followers), FOLLOWERS_PER_EVENT):
        tails: dict[str, str] = {}
        extra: dict[str, dict[str, Any]] = {}
        for user_id, state in followers[start : start + FOLLOWERS_PER_EVENT]:
            tails[user_id] = (
                f',"last_viewed_at":{state.last_viewed},'
                f'"unread_replies":{state.unread_replies},'
                f'"unread_mentions":{state.unread_mentions}}}'
            )
            extra[user_id] = {
                "previous_unread_mentions": state.previous_mentions,
                "previous_unread_replies": state.previous_replies,
            }
        broadcast = Broadcast(recipients=frozenset(tails), team_id=team_id)
        per_user = PerUser("thread", tails, extra)
        events.append(Event(tenant_id, THREAD_UPDATED, {"thread": shared}, broadcast, per_user))
    return events


def read_changed_event(
    tenant_id: str,
    membership: ThreadMembership,
    channel_id: str,
    previous: tuple[int, int],
    timestamp: int,
) -> Event:
    data = {
        "thread_id": membership.post_id,
        "timestamp": timestamp,
        "unread_mentions": membership.unread_mentions,
        "unread_replies": membership.unread_replies,
        "previous_unread_replies": previous[0],
        "previous_unread_mentions": previous[1],
        "channel_id": channel_id,
    }
    broadcast = _to_user(tenant_id, membership.user_id, membership.team_id)
    return Event(tenant_id, THREAD_READ_CHANGED, data, broadcast)


def team_read_event(tenant_id: str, user_id: str, team_id: str, timestamp: int) -> Event:
    """Every thread in the team read: the event carries no thread id."""
    broadcast = _to_user(tenant_id, user_id, team_id)
    return Event(tenant_id, THREAD_READ_CHANGED, {"timestamp": timestamp}, broadcast)


def follow_changed_event(
    tenant_id: str, user_id: str, team_id: str, root: Post, state: bool
) -> Event:
    data = {"thread_id": root.id, "state": state, "reply_count": root.reply_count}
    return Event(tenant_id, THREAD_FOLLOW_CHANGED, data, _to_user(tenant_id, user_id, team_id))
