"""Events: what the app layer announces after a commit, for WebSocket clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True, frozen=True)
class Broadcast:
    """Mattermost's broadcast envelope, plus who may receive the event.

    ``recipients`` is resolved by the publisher (channel or team members, one user)
    so every node can deliver without asking the database; ``None`` means every
    connected user of the tenant.
    """

    recipients: frozenset[str] | None = None
    user_id: str = ""
    channel_id: str = ""
    team_id: str = ""
    omit_users: frozenset[str] = frozenset()
    connection_id: str = ""
    omit_connection_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "omit_users": {u: True for u in self.omit_users} if self.omit_users else None,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "team_id": self.team_id,
            "connection_id": self.connection_id,
            "omit_connection_id": self.omit_connection_id,
        }


@dataclass(slots=True, frozen=True)
class PerUser:
    """What differs between the recipients of one event (``thread_updated``: each
    follower's own counts), so that the rest is encoded once, held once in every
    connection's replay buffer, and crosses the bus once.

    For recipient ``u`` the event's ``data[key]`` (a string) continues with
    ``tails[u]``, ``extra[u]`` adds fields to ``data``, and ``broadcast.user_id`` is
    ``u``. Recipients are the keys of ``tails``."""

    key: str
    tails: dict[str, str]
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class Event:
    tenant_id: str
    name: str
    data: dict[str, Any]
    broadcast: Broadcast = field(default_factory=Broadcast)
    per_user: PerUser | None = None

    def for_user(self, user_id: str) -> dict[str, Any]:
        """The data one recipient sees."""
        if self.per_user is None:
            return self.data
        p = self.per_user
        data = {**self.data, **p.extra.get(user_id, {})}
        data[p.key] = self.data[p.key] + p.tails.get(user_id, "")
        return data


# Recipients of an event meant for the nodes, not for any client: cache invalidations.
# Their names are in ``model.events``, with the client events'.
NOBODY: frozenset[str] = frozenset()


def internal_event(tenant_id: str, name: str, data: dict[str, Any]) -> Event:
    return Event(tenant_id, name, data, Broadcast(recipients=NOBODY))
