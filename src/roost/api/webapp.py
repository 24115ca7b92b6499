"""The web client, served by Roost itself: index.html at ``/`` and at every client-side
route (``/{team}/channels/{name}``, ``/login``, ...), and the built assets under
``/static/`` with a year-long cache (their names carry a content hash).

The bundle is built from ``webapp/`` by ``scripts/build-webapp`` into
``src/roost/web/dist`` and shipped inside the package, so serving it needs no Node.js.
Paths that belong to the server (``/api``, ``/plugins``, ``/hooks``, ``/metrics``, ``/operator``,
``/files``) never fall back to the page: unknown ones get Mattermost's 404 JSON.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
ASSETS = "static"
# First path segments the page must never shadow, even when nothing there matched.
SERVER_PREFIXES = frozenset({"api", "plugins", "hooks", "metrics", "files", "operator", ASSETS})

ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
IMMUTABLE = "public, max-age=31536000, immutable"
# The page itself is revalidated on every load, so a new bundle is picked up at once.
PAGE_CACHE = "no-cache"
# No script from anywhere but the bundle runs, whatever a message contains; styles
# set from code (element.style) are not inline styles and need no exception.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"
)
PAGE_HEADERS = {
    "Cache-Control": PAGE_CACHE,
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # As Mattermost: the page may be framed by its own site only (anti-clickjacking).
    "X-Frame-Options": "SAMEORIGIN",
}

_MISSING = """<!doctype html><html><head><meta charset="utf-8"><title>Roost</title></head>
<body><h1>Roost</h1><p>The chat server is running (the API is at <code>/api/v4</code>), but
this installation has no web client: run <code>scripts/build-webapp</code>.</p></body></html>"""


class WebClient:
    """Serves one built bundle from ``dist``."""

    def __init__(self, dist: Path = DIST) -> None:
        self.dist = dist
        self.assets = (dist / ASSETS).resolve()
        self._index: tuple[int, bytes] | None = None

    def index(self) -> bytes | None:
        """index.html, read again only when the file changed (a rebuild while serving)."""
        try:
            changed = (self.dist / "index.html").stat().st_mtime_ns
        except OSError:
            return None
        if self._index is None or self._index[0] != changed:
            self._index = (changed, (self.dist / "index.html").read_bytes())
        return self._index[1]

    def page(self) -> Response:
        index = self.index()
        if index is None:
            return HTMLResponse(_MISSING, headers={"Cache-Control": PAGE_CACHE})
        return Response(index, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    def asset(self, request: Request, name: str) -> Response | None:
        path = (self.assets / name).resolve()
        if not path.is_relative_to(self.assets) or not path.is_file() or path.suffix == ".gz":
            return None
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {
            "Cache-Control": IMMUTABLE,
            "X-Content-Type-Options": "nosniff",
            "Vary": "Accept-Encoding",
        }
        packed = path.with_name(path.name + ".gz")
        if "gzip" in request.headers.get("accept-encoding", "") and packed.is_file():
            headers["Content-Encoding"] = "gzip"
            return FileResponse(packed, media_type=media_type, headers=headers)
        return FileResponse(path, media_type=media_type, headers=headers)


NotFound = Callable[[Request, Exception], Awaitable[Response]]


def routes(client: WebClient, not_found: NotFound) -> list[BaseRoute]:
    """The page and its assets; put these last, after every server route."""

    async def page(_: Request) -> Response:
        return client.page()

    async def asset(request: Request) -> Response:
        found = client.asset(request, request.path_params["name"])
        return found if found is not None else await not_found(request, LookupError())

    async def fallback(request: Request) -> Response:
        first = request.path_params["path"].split("/", 1)[0]
        if request.method not in ("GET", "HEAD") or first in SERVER_PREFIXES:
            return await not_found(request, LookupError())
        return client.page()

    return [
        Route("/", page, methods=["GET"]),
        Route(f"/{ASSETS}/{{name:path}}", asset, methods=["GET"]),
        # Every method, so a POST to an unknown path stays a 404 rather than a 405.
        Route("/{path:path}", fallback, methods=ANY_METHOD),
    ]
