"""Requests both ways over one pair of pipes, each answered by id.

The server asks the host to load plugins and call hooks; the host asks the server to
run plugin API calls. Each incoming request runs in its own task, so a slow hook does
not hold back the others."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from roost.plugin_runtime.wire import decode, encode, frame, read_frame

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], Awaitable[Any]]
Progress = Callable[[Any], None]

# While a request is being served: sends a progress note to its caller (how far a chain
# of plugins got, so a timeout can be laid at the right plugin's door).
_progress: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "rpc_progress", default=None
)


def progress(note: Any) -> None:
    """Tell the caller of the request being served how far it got (no reply awaited)."""
    send = _progress.get()
    if send is not None:
        send(note)


class RemoteError(Exception):
    """The other side answered with an error. ``kind``: "rejected" (a plugin refused),
    "api" (the server refused a plugin API call), "error" (anything else)."""

    def __init__(self, kind: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.extra = extra or {}


class PeerClosed(Exception):
    """The other side went away before answering."""


ErrorMapper = Callable[[BaseException], tuple[str, str, dict[str, Any]]]


def _default_error(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    return "error", f"{type(exc).__name__}: {exc}", {}


class Peer:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        handler: Handler,
        describe_error: ErrorMapper = _default_error,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._handler = handler
        self._describe_error = describe_error
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._listeners: dict[int, Progress] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.closed = False

    async def call(
        self,
        op: str,
        body: dict[str, Any],
        seconds: float | None = None,
        on_progress: Progress | None = None,
    ) -> Any:
        if self.closed:
            raise PeerClosed("the other side is gone")
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        if on_progress is not None:
            self._listeners[request_id] = on_progress
        try:
            self._writer.write(frame({"q": request_id, "op": op, "b": encode(body)}))
            async with asyncio.timeout(seconds):
                return await future
        finally:
            self._pending.pop(request_id, None)
            self._listeners.pop(request_id, None)

    async def run(self) -> None:
        """Read until the other side closes; then fail whatever is still waiting."""
        try:
            while True:
                message = await read_frame(self._reader)
                if "r" in message:
                    self._answered(message)
                elif "p" in message:
                    listener = self._listeners.get(int(message["p"]))
                    if listener is not None:
                        listener(decode(message.get("v")))
                else:
                    task = asyncio.create_task(self._serve(message))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            log.debug("peer closed: %s", exc)
        finally:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for future in self._pending.values():
            if not future.done():
                future.set_exception(PeerClosed("the other side went away"))
        self._pending.clear()
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            self._writer.close()

    def _note(self, request_id: Any, note: Any) -> None:
        if not self.closed:
            self._writer.write(frame({"p": request_id, "v": encode(note)}))

    def _answered(self, message: dict[str, Any]) -> None:
        future = self._pending.get(int(message["r"]))
        if future is None or future.done():
            return  # its caller gave up (timeout) already
        if "e" in message:
            future.set_exception(
                RemoteError(message.get("k", "error"), message["e"], message.get("x"))
            )
        else:
            future.set_result(decode(message.get("v")))

    async def _serve(self, message: dict[str, Any]) -> None:
        request_id = message.get("q")
        _progress.set(lambda note: self._note(request_id, note))
        try:
            value = await self._handler(str(message.get("op")), decode(message.get("b") or {}))
            reply: dict[str, Any] = {"r": request_id, "v": encode(value)}
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # every failure goes back to the caller
            kind, text, extra = self._describe_error(exc)
            reply = {"r": request_id, "e": text, "k": kind, "x": extra}
        if not self.closed:
            try:
                self._writer.write(frame(reply))
            except Exception as exc:  # an unencodable result is the handler's failure
                self._writer.write(frame({"r": request_id, "e": str(exc), "k": "error"}))
