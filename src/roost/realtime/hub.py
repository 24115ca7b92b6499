"""The node's index of connections, and event delivery to them.

Each event is serialised once; connections only append their sequence number. A
socket lives no longer than its session: the internal events that end sessions
(``SESSION_REVOKED``, ``TENANT_CLOSED``) reach the hub on every node, which closes the
affected sockets before it delivers anything published after them; a timer closes a
socket when its session expires.

No silent gaps: when the bus says events may have been missed (``RESYNC``), every
connection of this node is told the way Mattermost's clients understand, a fresh
``hello`` with a new connection id (``tell_to_reload``), and detached connections are
forgotten so that their resume gets one too. ``docs/internals/websocket.md``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator

import orjson

from roost import metrics
from roost.clock import now_ms
from roost.ids import new_id
from roost.model.event import Broadcast, Event
from roost.model.events import HELLO, RESYNC, SESSION_REVOKED, TENANT_CLOSED
from roost.realtime.connection import Connection


def event_prefix(event: Event) -> str:
    """The event's JSON without its closing brace, ready for a per-connection seq."""
    body = orjson.dumps(
        {"event": event.name, "data": event.data, "broadcast": event.broadcast.to_dict()}
    )
    return body[:-1].decode()


class PersonalFrames:
    """A ``PerUser`` event as one shared prefix (up to the open end of the string that
    continues per user) and, per recipient, the rest."""

    __slots__ = ("_broadcast", "_event", "_rest", "prefix")

    def __init__(self, event: Event) -> None:
        assert event.per_user is not None
        self._event = event
        key = event.per_user.key
        name = orjson.dumps(event.name).decode()
        text = orjson.dumps(event.data[key]).decode()[:-1]  # open: the tail goes here
        self.prefix = f'{{"event":{name},"data":{{{orjson.dumps(key).decode()}:{text}'
        shared = {k: v for k, v in event.data.items() if k != key}
        self._rest = orjson.dumps(shared).decode()[1:-1] if shared else ""
        self._broadcast = event.broadcast.to_dict()

    def personal(self, user_id: str) -> str:
        per_user = self._event.per_user
        assert per_user is not None
        parts = [orjson.dumps(per_user.tails.get(user_id, "")).decode()[1:-1], '"']
        if self._rest:
            parts += [",", self._rest]
        extra = per_user.extra.get(user_id)
        if extra:
            parts += [",", orjson.dumps(extra).decode()[1:-1]]
        self._broadcast["user_id"] = user_id
        parts += ['},"broadcast":', orjson.dumps(self._broadcast).decode()]
        return "".join(parts)


_ENDINGS = frozenset({SESSION_REVOKED, TENANT_CLOSED})
# Telling clients to reload after a gap: this many at once, the rest at this rate.
RELOADS_AT_ONCE = 100
RELOADS_PER_SECOND = 200.0
# How long the hub remembers an ending, to refuse a socket whose session was read just
# before it: longer than the token cache keeps a session (app/accounts/auth.py).
ENDED_MEMORY_MS = 120_000


class Hub:
    def __init__(self, queue_size: int, replay_size: int, resume_seconds: float) -> None:
        self.queue_size = queue_size
        self.replay_size = replay_size
        self.resume_seconds = resume_seconds
        self._by_id: dict[str, Connection] = {}
        self._spreading: asyncio.Task[None] | None = None  # telling the rest to reload
        # tenant -> user -> connections (active, and detached ones still resumable)
        self._by_user: dict[str, dict[str, set[Connection]]] = {}
        # (tenant, session or access token id) -> connections authenticated with it
        self._by_session: dict[tuple[str, str], set[Connection]] = {}
        # (tenant, session id or "user:" + user id) -> when it ended (ms), for a while: a
        # socket whose session was read just before it ended (a query in flight, a cache
        # not yet dropped) registers after the ending went by; it must not live on.
        self._ended: dict[tuple[str, str], int] = {}
        self.events_delivered = 0
        # What a hello says about this server (set by the app that serves the sockets).
        self.server_version = ""
        self.hostname = ""
        self.told_to_reload = 0

    # Registry.

    def register(self, conn: Connection) -> None:
        self._by_id[conn.id] = conn
        self._by_user.setdefault(conn.tenant_id, {}).setdefault(conn.user_id, set()).add(conn)
        if conn.session_id:
            self._by_session.setdefault((conn.tenant_id, conn.session_id), set()).add(conn)
        self._schedule_expiry(conn)

    def _schedule_expiry(self, conn: Connection) -> None:
        if conn.expiry is not None:
            conn.expiry.cancel()
            conn.expiry = None
        if conn.expires_at:
            delay = max(0.0, (conn.expires_at - now_ms()) / 1000)
            conn.expiry = asyncio.get_running_loop().call_later(delay, self.end, conn)

    def get(self, connection_id: str) -> Connection | None:
        return self._by_id.get(connection_id)

    def remove(self, conn: Connection) -> None:
        self._by_id.pop(conn.id, None)
        if conn.expiry is not None:
            conn.expiry.cancel()
            conn.expiry = None
        key = (conn.tenant_id, conn.session_id)
        same_session = self._by_session.get(key)
        if same_session is not None:
            same_session.discard(conn)
            if not same_session:
                del self._by_session[key]
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

    def session_ended(
        self, tenant_id: str, session_id: str, user_id: str, session_created_at: int
    ) -> bool:
        """Whether a session just read has ended since (this node saw it end lately)."""
        if (tenant_id, session_id) in self._ended:
            return True
        user_ended = self._ended.get((tenant_id, "user:" + user_id))
        return user_ended is not None and session_created_at <= user_ended

    def sweep(self) -> list[Connection]:
        """Forget detached connections whose resume window has passed, and endings older
        than ``ENDED_MEMORY_MS``."""
        oldest = now_ms() - ENDED_MEMORY_MS
        for key in [k for k, at in self._ended.items() if at < oldest]:
            del self._ended[key]
        now = asyncio.get_running_loop().time()
        expired = [
            c
            for c in self._by_id.values()
            if not c.active and c.closed_at and now - c.closed_at > self.resume_seconds
        ]
        for conn in expired:
            self.remove(conn)
        return expired

    def hello(self, conn: Connection) -> str:
        """The prefix of the ``hello`` that starts ``conn`` (seq 0)."""
        data = {
            "server_version": self.server_version,
            "connection_id": conn.id,
            "server_hostname": self.hostname,
        }
        return event_prefix(Event(conn.tenant_id, HELLO, data, Broadcast(user_id=conn.user_id)))

    # Telling clients that they missed events.

    def tell_to_reload(self) -> int:
        """Events may have been missed: every connection starts over in place with a new
        id and a fresh hello (seq 0). The web app (``@mattermost/client``: a hello whose
        connection id differs calls the missed-message listeners, which reload) and the
        mobile app (a new connection id runs its reconnect sync; without reliable
        sockets a seq that is not the next one does) both reload their state. Detached
        connections are forgotten at once: their resume gets a fresh hello.

        A reload is a burst of API calls per client; thousands at one instant would be a
        storm of our own making. So ``RELOADS_AT_ONCE`` connections (in random order) are
        told now and the rest at ``RELOADS_PER_SECOND`` in the background; a connection
        still waiting keeps getting live events and is told in its turn. Returns how many
        were told now."""
        waiting: list[Connection] = []
        for conn in list(self._by_id.values()):
            if conn.active:
                waiting.append(conn)
            else:
                self.remove(conn)
        random.shuffle(waiting)
        told = sum(self._restart(conn) for conn in waiting[:RELOADS_AT_ONCE])
        if self._spreading is not None:
            # A second gap while the first is being told: the new walk covers everyone.
            self._spreading.cancel()
            self._spreading = None
        if len(waiting) > RELOADS_AT_ONCE:
            later = waiting[RELOADS_AT_ONCE:]
            self._spreading = asyncio.get_running_loop().create_task(
                self._tell_later(later), name="hub-tell-to-reload"
            )
        return told

    def _restart(self, conn: Connection) -> int:
        if self._by_id.get(conn.id) is not conn:
            return 0  # gone, or ended, meanwhile
        if not conn.active:
            self.remove(conn)
            return 0
        del self._by_id[conn.id]
        conn.restart(new_id())
        self._by_id[conn.id] = conn
        conn.push(self.hello(conn))
        self.told_to_reload += 1
        metrics.websocket_told_to_reload.inc()
        return 1

    async def _tell_later(self, conns: list[Connection]) -> None:
        step = 1.0 / RELOADS_PER_SECOND
        batch = max(1, round(RELOADS_PER_SECOND / 20))  # 20 wake-ups a second
        for i in range(0, len(conns), batch):
            await asyncio.sleep(step * batch)
            for conn in conns[i : i + batch]:
                self._restart(conn)
        self._spreading = None

    async def close(self) -> None:
        """Stop telling connections to reload (the node is stopping)."""
        if self._spreading is not None:
            self._spreading.cancel()
            self._spreading = None

    # Ending sessions.

    def end(self, conn: Connection) -> None:
        """Close the socket (after what was queued before) and forget the connection:
        nothing more reaches it, and no reconnect can resume it."""
        self.remove(conn)
        conn.end()

    def _end_sessions(self, event: Event) -> None:
        tenant_id, data = event.tenant_id, event.data
        ending: list[Connection] = []
        if event.name == TENANT_CLOSED:
            ending = [c for conns in self._by_user.get(tenant_id, {}).values() for c in conns]
        else:
            for key in ("session_id", "token_id"):
                session_id = data.get(key)
                if not session_id:
                    continue
                found = self._by_session.get((tenant_id, str(session_id)), set())
                renewed_until = data.get("renewed_until")
                if isinstance(renewed_until, int):
                    # The same session, with a new expiry: the socket stays.
                    for conn in found:
                        conn.expires_at = renewed_until
                        self._schedule_expiry(conn)
                else:
                    self._ended[(tenant_id, str(session_id))] = now_ms()
                    ending += found
            user_id = data.get("user_id")
            if user_id:
                self._ended[(tenant_id, f"user:{user_id}")] = now_ms()
                ending += self._by_user.get(tenant_id, {}).get(str(user_id), ())
        for conn in list(ending):
            self.end(conn)

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

    def _receivers(self, event: Event) -> list[Connection]:
        omit_users = event.broadcast.omit_users
        omit_conn = event.broadcast.omit_connection_id
        only_conn = event.broadcast.connection_id
        return [
            conn
            for conn in self._targets(event)
            if conn.user_id not in omit_users
            and conn.id != omit_conn
            and (not only_conn or conn.id == only_conn)
        ]

    def dispatch(self, event: Event) -> None:
        if event.name in _ENDINGS:
            self._end_sessions(event)
            return
        if event.name == RESYNC:
            self.tell_to_reload()
            return
        receivers = self._receivers(event)
        if not receivers:
            return
        if event.per_user is None:
            prefix = event_prefix(event)
            for conn in receivers:
                conn.push(prefix)
        else:
            frames = PersonalFrames(event)
            personal: dict[str, str] = {}
            for conn in receivers:
                part = personal.get(conn.user_id)
                if part is None:
                    part = personal[conn.user_id] = frames.personal(conn.user_id)
                conn.push(frames.prefix, part)
        self.events_delivered += len(receivers)
        metrics.websocket_events.inc(len(receivers))
