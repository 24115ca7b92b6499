"""The node's index of connections, and event delivery to them.

Each event is serialised once; connections only append their sequence number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import orjson

from roost import metrics
from roost.model.event import Event
from roost.realtime.connection import Connection


def event_prefix(event: Event) -> str:
    """The event's JSON without its closing brace, ready for a per-connection seq."""
    body = orjson.dumps(
        {"event": event.name, "data": event.data, "broadcast": event.broadcast.to_dict()}
    )
    return body[:-1].decode()


class Hub:
    def __init__(self, queue_size: int, replay_size: int, resume_seconds: float) -> None:
        self.queue_size = queue_size
        self.replay_size = replay_size
        self.resume_seconds = resume_seconds
        self._by_id: dict[str, Connection] = {}
        # tenant -> user -> connections (active, and detached ones still resumable)
        self._by_user: dict[str, dict[str, set[Connection]]] = {}
        self.events_delivered = 0

    # Registry.

    def register(self, conn: Connection) -> None:
        self._by_id[conn.id] = conn
        self._by_user.setdefault(conn.tenant_id, {}).setdefault(conn.user_id, set()).add(conn)

    def get(self, connection_id: str) -> Connection | None:
        return self._by_id.get(connection_id)

    def remove(self, conn: Connection) -> None:
        self._by_id.pop(conn.id, None)
        users = self._by_user.get(conn.tenant_id)
        if users is None:
            return
        conns = users.get(conn.user_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del users[conn.user_id]

    def is_online(self, tenant_id: str, user_id: str) -> bool:
        conns = self._by_user.get(tenant_id, {}).get(user_id, ())
        return any(c.active for c in conns)

    def active_count(self) -> int:
        return sum(1 for c in self._by_id.values() if c.active)

    def sweep(self) -> list[Connection]:
        """Forget detached connections whose resume window has passed."""
        now = asyncio.get_running_loop().time()
        expired = [
            c
            for c in self._by_id.values()
            if not c.active and c.closed_at and now - c.closed_at > self.resume_seconds
        ]
        for conn in expired:
            self.remove(conn)
        return expired

    # Delivery.

    def _targets(self, event: Event) -> Iterator[Connection]:
        users = self._by_user.get(event.tenant_id)
        if not users:
            return
        recipients = event.broadcast.recipients
        if recipients is None:
            for conns in users.values():
                yield from conns
        elif len(recipients) < len(users):
            for user_id in recipients:
                found = users.get(user_id)
                if found:
                    yield from found
        else:
            for user_id, conns in users.items():
                if user_id in recipients:
                    yield from conns

    def dispatch(self, event: Event) -> None:
        prefix: str | None = None
        omit_users = event.broadcast.omit_users
        omit_conn = event.broadcast.omit_connection_id
        only_conn = event.broadcast.connection_id
        delivered = 0
        for conn in list(self._targets(event)):
            if conn.user_id in omit_users or conn.id == omit_conn:
                continue
            if only_conn and conn.id != only_conn:
                continue
            if prefix is None:
                prefix = event_prefix(event)
            conn.push(prefix)
            delivered += 1
        if delivered:
            self.events_delivered += delivered
            metrics.websocket_events.inc(delivered)
