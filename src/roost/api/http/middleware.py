"""ASGI middleware: request ids, version headers, security headers, path cleaning, the
request's tenant, body-size limits."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost import metrics
from roost.api.http.errors import body_too_large, page_not_found
from roost.api.http.responses import error_response
from roost.app.kernel.errors import AppError
from roost.ids import new_id
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.scope import enter_tenant

_SLASHES = re.compile(r"//+")
# Node-level paths no tenant owns.
_UNTENANTED = ("/operator/", "/metrics")
RATE_REFUSAL_DELAY_SECONDS = 0.25
# Load balancers probe a node's health by address, a host that names no tenant.
_HEALTH_PATH = "/api/v4/system/ping"
# On every HTTP answer, refusals and errors included (Mattermost's web/handlers.go sets
# the same): no type sniffing, no Referer leaking a URL (post links, file links) to
# other sites, and no browser feature delegated. A response that sets one itself
# (the web page, a file download) keeps its own value.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b""),
)


class RoostMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        version_id: str,
        max_body_bytes: int,
        streamed_uploads: frozenset[str] = frozenset(),
        resolve_tenant: Callable[[str], str] | None = None,
        admin_port: int | None = None,
        admin_paths_on_public: bool = True,
    ) -> None:
        self.app = app
        # The admin listener's port: it serves the node's own paths (/metrics,
        # /operator/v1) and nothing else; the public listener serves them only when
        # ``admin_paths_on_public``.
        self.admin_port = admin_port
        self.admin_paths_on_public = admin_paths_on_public
        # Host header -> tenant id, or AppError (404 no such tenant, 403 suspended).
        self.resolve_tenant = resolve_tenant
        self.version_header = version_id.encode()
        self.max_body = max_body_bytes
        # POSTs to these paths stream their bodies to disk and enforce their own,
        # larger limits as the bytes arrive (file uploads): the JSON limit is not theirs.
        self.streamed_uploads = streamed_uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            send = _with_security_headers(send)
        path: str = scope["path"]
        if "//" in path:
            # Some clients build paths like /posts/{id}//reactions; Mattermost's mux
            # cleans them, so do the same.
            scope = dict(scope, path=_SLASHES.sub("/", path))
        request_id = new_id()
        scope["roost.request_id"] = request_id
        node_path = scope["path"].startswith(_UNTENANTED)
        on_admin = self.admin_port is not None and _local_port(scope) == self.admin_port
        if node_path != on_admin and not (node_path and self.admin_paths_on_public):
            # A node path on the public listener, or anything else on the admin one.
            await _refuse(scope, receive, send, page_not_found(), request_id)
            return
        if not node_path:
            tenant_id = DEFAULT_TENANT_ID
            if self.resolve_tenant is not None:
                try:
                    tenant_id = scope["roost.tenant_id"] = self.resolve_tenant(
                        _header(scope, b"host")
                    )
                except AppError as exc:
                    if not (exc.status == 404 and scope["path"] == _HEALTH_PATH):
                        await _refuse(scope, receive, send, exc, request_id)
                        return
            # Every transaction of this request is the tenant's, as the database sees it.
            enter_tenant(tenant_id)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        streamed = scope["method"] == "POST" and _streamed(scope["path"], self.streamed_uploads)
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body and not streamed:
            response = error_response(body_too_large(self.max_body), request_id)
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
                    raise body_too_large(self.max_body)
            return message

        try:
            await self.app(scope, receive if streamed else limited_receive, send_with_headers)
        except ClientDisconnect:
            # The client left while its request was being read (it timed out, or the
            # user moved on): nothing to answer and nothing wrong with the server.
            status = 499  # nginx's name for it, in the metrics only
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            method = scope["method"]
            metrics.http_requests.labels(method, template, str(status)).inc()
            metrics.http_latency.labels(method, template).observe(time.perf_counter() - started)


def _with_security_headers(send: Send) -> Send:
    async def secure_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
            message["headers"] = headers
        await send(message)

    return secure_send


async def _refuse(
    scope: Scope, receive: Receive, send: Send, error: AppError, request_id: str
) -> None:
    if error.status == 429:
        # Over its tenant's rate: answered late, so a client retrying at once cannot
        # turn refusals into load of their own.
        await asyncio.sleep(RATE_REFUSAL_DELAY_SECONDS)
    if scope["type"] == "websocket":
        # Refused before the handshake completes: the client sees the upgrade fail.
        await send({"type": "websocket.close", "code": 1008})
        return
    response = error_response(error, request_id)
    await response(scope, receive, send)


def _local_port(scope: Scope) -> int | None:
    server = scope.get("server")
    return int(server[1]) if server and len(server) > 1 and server[1] is not None else None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _streamed(path: str, paths: frozenset[str]) -> bool:
    """Whether ``path`` streams its body: it is one of ``paths``, or below one that ends
    in "/" (the ids of resumable uploads)."""
    return path in paths or any(p.endswith("/") and path.startswith(p) for p in paths)
