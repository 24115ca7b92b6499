"""A local HTTP server implementing the push proxy's contract (``POST /api/v1/send_push``,
Mattermost's PushNotification JSON in, ``{"status": "OK" | "REMOVE" | "FAIL"}`` out). It
records every message by device token and answers what a test scripted for a token."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEND_PATH = "/api/v1/send_push"


class PushProxy:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._got: dict[str, list[dict[str, Any]]] = {}
        self._answers: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.other_paths: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path != SEND_PATH:
                    proxy.other_paths.append(self.path)
                    self._reply(404, {"status": "FAIL", "error": "not found"})
                    return
                msg = json.loads(body)
                status, answer = proxy._record(msg)
                self._reply(status, answer)

            def _reply(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _record(self, msg: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        token = str(msg.get("device_id", ""))
        with self._lock:
            answers = self._answers.get(token)
            answer = answers.pop(0) if answers else (200, {"status": "OK"})
            if answer[0] == 200:
                # Only a message the proxy took counts as delivered.
                self._got.setdefault(token, []).append(msg)
            return answer

    def answer(self, token: str, *answers: tuple[int, dict[str, Any]]) -> None:
        """Answer the next messages for ``token`` with these (then OK)."""
        with self._lock:
            self._answers[token] = list(answers)

    def messages(self, token: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._got.get(token, []))

    def wait(
        self, token: str, count: int = 1, timeout: float = 15.0, kind: str = ""
    ) -> list[dict[str, Any]]:
        """The first ``count`` messages delivered for ``token`` (of type ``kind``)."""
        deadline = time.monotonic() + timeout
        while True:
            got = [m for m in self.messages(token) if not kind or m.get("type") == kind]
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(got)} of {count} pushes for {token}: {got}")
            time.sleep(0.05)

    def quiet(self, token: str, within: float = 1.0, kind: str = "message") -> None:
        """Assert that no (further) message of ``kind`` arrives for ``token``."""
        before = len([m for m in self.messages(token) if m.get("type") == kind])
        time.sleep(within)
        after = [m for m in self.messages(token) if m.get("type") == kind]
        assert len(after) == before, f"unexpected pushes for {token}: {after[before:]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running_proxy() -> Iterator[PushProxy]:
    proxy = PushProxy()
    try:
        yield proxy
    finally:
        proxy.close()
