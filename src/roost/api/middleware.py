"""ASGI middleware: request ids, version headers, path cleaning, body-size limits."""

from __future__ import annotations

import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost import metrics
from roost.api.responses import error_response
from roost.app.errors import AppError
from roost.ids import new_id

_SLASHES = re.compile(r"//+")


def _too_large(limit: int) -> AppError:
    return AppError(
        413,
        "api.context.request_body_too_large.app_error",
        f"The request body is larger than the {limit} bytes allowed.",
    )


class RoostMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        version_id: str,
        max_body_bytes: int,
        streamed_uploads: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.version_header = version_id.encode()
        self.max_body = max_body_bytes
        # POSTs to these paths stream their bodies to disk and enforce their own,
        # larger limits as the bytes arrive (file uploads): the JSON limit is not theirs.
        self.streamed_uploads = streamed_uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if "//" in path:
            # Some clients build paths like /posts/{id}//reactions; Mattermost's mux
            # cleans them, so do the same.
            scope = dict(scope, path=_SLASHES.sub("/", path))
        request_id = new_id()
        scope["roost.request_id"] = request_id
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        streamed = scope["method"] == "POST" and scope["path"] in self.streamed_uploads
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body and not streamed:
            response = error_response(_too_large(self.max_body), request_id)
            await response(scope, receive, send)
            return

        extra = [(b"x-request-id", request_id.encode()), (b"x-version-id", self.version_header)]
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # Raised inside the handler's body read, so the endpoint wrapper
                    # renders it as a 413 in Mattermost's format.
                    raise _too_large(self.max_body)
            return message

        try:
            await self.app(scope, receive if streamed else limited_receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            method = scope["method"]
            metrics.http_requests.labels(method, template, str(status)).inc()
            metrics.http_latency.labels(method, template).observe(time.perf_counter() - started)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
