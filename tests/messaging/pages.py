"""A real HTTP server that link previews fetch from in tests: OpenGraph pages, images,
redirects, huge bodies and pages that never answer. Every request is counted by path,
so a test can tell what the server fetched and what it did not."""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

HANG_SECONDS_MAX = 30.0


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def og_page(
    title: str, description: str, image: str = "", width: int = 0, height: int = 0
) -> bytes:
    tags = [
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:description" content="{description}">',
        '<meta property="og:type" content="article">',
        '<meta property="og:site_name" content="Pages">',
    ]
    if image:
        tags.append(f'<meta property="og:image" content="{image}">')
        if width:
            tags.append(f'<meta property="og:image:width" content="{width}">')
            tags.append(f'<meta property="og:image:height" content="{height}">')
    head = "\n".join(tags)
    return f"<!doctype html><html><head><title>t</title>{head}</head><body>x</body></html>".encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] | None = None
    # Stream this many bytes of filler with no Content-Length (a "huge" answer).
    stream_bytes: int = 0
    # Never answer (until the server stops).
    hang: bool = False


class Pages:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, default: Reply | None = None
    ) -> None:
        self.hits: Counter[str] = Counter()
        self._default = default or Reply(404, b"no such page")
        self._replies: dict[str, Reply] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        pages = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with pages._lock:
                    pages.hits[path] += 1
                    reply = pages._replies.get(path, pages._default)
                if reply.hang:
                    pages._stopping.wait(HANG_SECONDS_MAX)
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                for name, value in (reply.headers or {}).items():
                    self.send_header(name, value)
                with suppress(BrokenPipeError, ConnectionResetError):
                    if reply.stream_bytes:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        chunk = b"<!-- filler -->" * 4096
                        sent = 0
                        while sent < reply.stream_bytes and not pages._stopping.is_set():
                            self.wfile.write(chunk)
                            sent += len(chunk)
                        return
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def serve(self, path: str, reply: Reply) -> str:
        with self._lock:
            self._replies[path] = reply
        return self.url(path)

    def count(self, path: str) -> int:
        with self._lock:
            return self.hits[path]

    def close(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running_pages(host: str = "127.0.0.1") -> Iterator[Pages]:
    pages = Pages(host)
    try:
        yield pages
    finally:
        pages.close()


def wait_until(check: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(0.05)
