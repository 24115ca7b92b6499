"""``/api/v4/websocket``: authentication, client actions, and the send loop."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from roost import metrics
from roost.api.auth import AUTH_COOKIE, authenticate_session, same_origin
from roost.api.http.errors import (
    refuse_for_store,
    unknown_websocket_action,
    websocket_bad_origin,
    websocket_not_authenticated,
)
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.services import Services
from roost.clock import now_ms
from roost.ids import is_valid_id, new_id
from roost.model.user import Session
from roost.realtime.connection import Connection
from roost.realtime.hub import Hub
from roost.realtime.presence import Presence
from roost.tenancy import DEFAULT_TENANT_ID

log = logging.getLogger("roost.api.websocket")

# Client frames larger than this are refused; real clients send a few hundred bytes.
MAX_CLIENT_FRAME = 64 * 1024


def _reply(
    seq: Any, status: str = "OK", data: Any = None, error: errors.AppError | None = None
) -> str:
    body: dict[str, Any] = {"status": status, "seq_reply": seq}
    if data is not None:
        body["data"] = data
    if error is not None:
        body["error"] = {"id": error.error_id, "message": error.message}
    return orjson.dumps(body).decode()


class SocketSession:
    """One accepted socket, before and after authentication."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.services: Services = ws.app.state.services
        self.hub: Hub = ws.app.state.hub
        self.presence: Presence = ws.app.state.presence
        self.version: str = ws.app.state.version_id
        self.tenant_id: str = ws.scope.get("roost.tenant_id", DEFAULT_TENANT_ID)
        self.actor: Actor | None = None
        self.conn: Connection | None = None
        self.sender: asyncio.Task[None] | None = None
        self.cookie_allowed = True

    async def run(self) -> None:
        # Cross-site WebSocket hijacking: a browser sends the cookie with an upgrade
        # any page asks for (a sibling tenant's subdomain is the same site), so the
        # cookie counts only from the tenant's own site. Without the cookie a client
        # authenticates with a token (header or authentication_challenge), which a
        # foreign page does not have.
        site = self.services.tenants.site_url(self.tenant_id)
        self.cookie_allowed = same_origin(self.ws, site)
        cookie_only = self.ws.cookies.get(AUTH_COOKIE) and not self.ws.headers.get("authorization")
        if not self.cookie_allowed and cookie_only:
            refusal = websocket_bad_origin(self.ws.headers.get("origin", ""))
            log.info("websocket upgrade refused: %s", refusal.detailed)
            # Before the handshake: the client sees the upgrade fail (403).
            await self.ws.close(code=1008)
            return
        await self.ws.accept()
        metrics.websocket_connections.inc()
        try:
            await self._serve()
        finally:
            metrics.websocket_connections.dec()

    async def _serve(self) -> None:
        with contextlib.suppress(errors.AppError):
            # Cookie or header auth on the upgrade request: say hello at once.
            actor, session = await authenticate_session(
                self.ws, self.services.auth, self.tenant_id, self.cookie_allowed
            )
            if not self._ended(session):
                await self._start(actor, session)
        if self.conn is not None:
            await self._mark_online()
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    raw = message.get("bytes") or b""
                    text = raw.decode("utf-8", "replace")
                if len(text) > MAX_CLIENT_FRAME:
                    break
                if not await self._handle(text):
                    break
        except WebSocketDisconnect:
            pass
        finally:
            await self._stop()

    async def _start(self, actor: Actor, session: Session) -> None:
        self.actor = actor
        conn = self._resumable(actor)
        if conn is not None:
            conn.attach(resume_from=int(self.ws.query_params["sequence_number"]))
        else:
            conn = Connection(
                new_id(),
                actor.tenant_id,
                actor.user_id,
                self.hub.queue_size,
                self.hub.replay_size,
                session_id=session.id,
                expires_at=session.expires_at,
            )
            self.hub.register(conn)
            conn.attach()
            conn.push(self.hub.hello(conn))
        self.conn = conn
        self.sender = asyncio.create_task(self._send_loop(conn))
        await self.presence.connected(actor.tenant_id, actor.user_id)
        hooks = self.services.lifecycle
        if hooks.active:
            # In tasks of their own: a slow plugin never holds the socket up.
            conn_id = conn.id
            hooks.notify(lambda h: h.websocket_connected(actor.tenant_id, actor.user_id, conn_id))

    def _ended(self, session: Session) -> bool:
        """The session ended while it was being read: the hub saw the ending go by."""
        return self.hub.session_ended(
            self.tenant_id, session.id, session.user_id, session.create_at
        )

    async def _mark_online(self) -> None:
        assert self.actor is not None
        await self.services.statuses.do_set_automatic(
            self.actor.tenant_id, self.actor.user_id, "online"
        )

    def _resumable(self, actor: Actor) -> Connection | None:
        conn_id = self.ws.query_params.get("connection_id", "")
        seq_text = self.ws.query_params.get("sequence_number", "")
        if not is_valid_id(conn_id) or not seq_text.isdigit():
            return None
        conn = self.hub.get(conn_id)
        if conn is None or conn.active or conn.user_id != actor.user_id:
            return None
        # Only the session it was opened with resumes it: the hub ends it with that one.
        if conn.session_id != actor.session_id:
            return None
        if conn.tenant_id != actor.tenant_id or not conn.can_resume_from(int(seq_text)):
            return None
        return conn

    async def _send_loop(self, conn: Connection) -> None:
        try:
            while True:
                frame = await conn.next_frame()
                if frame is None:
                    break
                await self.ws.send_text(frame)
        except Exception:
            conn.detach()
        if conn.overflowed or conn.ended:
            # 1011 for a client too slow to keep up, 1008 when its session ended.
            with contextlib.suppress(Exception):
                await self.ws.close(code=1008 if conn.ended else 1011)

    async def _stop(self) -> None:
        conn, actor = self.conn, self.actor
        if conn is not None:
            conn.detach()
            if actor is not None and self.services.lifecycle.active:
                tenant_id, user_id, conn_id = actor.tenant_id, actor.user_id, conn.id
                self.services.lifecycle.notify(
                    lambda h: h.websocket_disconnected(tenant_id, user_id, conn_id)
                )
        if self.sender is not None:
            self.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sender
        if (
            conn is not None
            and actor is not None
            and await self.presence.disconnected(actor.tenant_id, actor.user_id)
        ):
            # The user's last socket on any node.
            with contextlib.suppress(Exception):
                await self.services.statuses.do_set_automatic(
                    actor.tenant_id, actor.user_id, "offline"
                )

    async def _handle(self, text: str) -> bool:
        """Answer one client frame; False closes the socket."""
        try:
            frame = orjson.loads(text)
        except orjson.JSONDecodeError:
            return self.conn is not None
        if not isinstance(frame, dict):
            return self.conn is not None
        seq = frame.get("seq")
        action = frame.get("action")
        raw_data = frame.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        if self.conn is None:
            return await self._authenticate(seq, action, data)
        if not isinstance(seq, int) or seq <= 0:
            self.conn.reply(_reply(seq, "FAIL", error=errors.invalid_param("seq")))
            return True
        try:
            result = await self._action(str(action), data)
        except errors.AppError as exc:
            self.conn.reply(_reply(seq, "FAIL", error=exc))
            return True
        except Exception as exc:
            # A database that cannot serve this action now (down, out of connections)
            # fails the action, not the socket: the client keeps its connection.
            unavailable = refuse_for_store(exc)
            if unavailable is None:
                raise
            log.warning("websocket %s: database unavailable (%s)", action, exc)
            self.conn.reply(_reply(seq, "FAIL", error=unavailable))
            return True
        self.conn.reply(_reply(seq, data=result))
        return True

    async def _authenticate(self, seq: Any, action: Any, data: dict[str, Any]) -> bool:
        if action != "authentication_challenge":
            # Nothing is queued on a socket not yet authenticated: answer directly.
            await self.ws.send_text(_reply(seq, "FAIL", error=websocket_not_authenticated()))
            return True
        token = data.get("token")
        session = None
        if isinstance(token, str) and token:
            session = await self.services.auth.session_for_token(self.tenant_id, token)
        if session is None or self._ended(session):
            # Mattermost closes the socket on a bad token.
            return False
        actor = Actor(
            tenant_id=self.tenant_id,
            user_id=session.user_id,
            roles=session.roles,
            session_id=session.id,
            is_bot=session.is_bot,
            username=session.username,
        )
        await self._start(actor, session)
        assert self.conn is not None
        # hello, then the OK, then anything else: the order clients expect.
        self.conn.reply(_reply(seq))
        await self._mark_online()
        return True

    async def _action(self, action: str, data: dict[str, Any]) -> Any:
        assert self.actor is not None and self.conn is not None
        handler = ACTIONS.get(action)
        if handler is None:
            raise unknown_websocket_action()
        return await handler(self, self.actor, data)

    async def _ping(self, _: Actor, __: dict[str, Any]) -> Any:
        return {"text": "pong", "version": self.version, "server_time": now_ms()}

    async def _get_statuses(self, actor: Actor, _: dict[str, Any]) -> Any:
        statuses = await self.services.statuses.online(actor.tenant_id)
        return {s.user_id: s.status for s in statuses}

    async def _get_statuses_by_ids(self, actor: Actor, data: dict[str, Any]) -> Any:
        ids = data.get("user_ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) and is_valid_id(i) for i in ids):
            raise errors.invalid_param("user_ids")
        statuses = await self.services.statuses.get_many(actor.tenant_id, ids)
        return {s.user_id: s.status for s in statuses}

    async def _user_typing(self, actor: Actor, data: dict[str, Any]) -> Any:
        assert self.conn is not None
        channel_id = data.get("channel_id")
        parent_id = data.get("parent_id") or ""
        if not isinstance(channel_id, str) or not is_valid_id(channel_id):
            raise errors.invalid_param("channel_id")
        if not isinstance(parent_id, str):
            raise errors.invalid_param("parent_id")
        actor_with_conn = dataclasses.replace(actor, connection_id=self.conn.id)
        await self.services.channels.do_user_typing(actor_with_conn, channel_id, parent_id)
        return None

    async def _acknowledged(self, _: Actor, __: dict[str, Any]) -> Any:
        """Answered and otherwise ignored: presence follows the sockets themselves, and
        nothing waits for acknowledgements."""
        return None


# Every action an authenticated client may send (``authentication_challenge`` comes
# before, in ``_authenticate``). One table, so tests can try each one.
ACTIONS: dict[str, Callable[[SocketSession, Actor, dict[str, Any]], Awaitable[Any]]] = {
    "ping": SocketSession._ping,
    "get_statuses": SocketSession._get_statuses,
    "get_statuses_by_ids": SocketSession._get_statuses_by_ids,
    "user_typing": SocketSession._user_typing,
    "presence": SocketSession._acknowledged,
    "user_update_active_status": SocketSession._acknowledged,
    "posted_notify_ack": SocketSession._acknowledged,
}


async def websocket_endpoint(ws: WebSocket) -> None:
    await SocketSession(ws).run()
