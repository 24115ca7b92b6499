"""A real HTTP server on 127.0.0.1 that integrations call during tests: it records
every request and answers with what the test scripted for its path."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Receiver:
    def __init__(self) -> None:
        self._answers: dict[str, list[Answer]] = {}
        self._fail_first: dict[str, set[bytes]] = {}
        self._received: dict[str, queue.Queue[Received]] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                got = Received(
                    self.command, parts.path, parse_qs(parts.query), dict(self.headers), body
                )
                answer = receiver._next(parts.path, body)
                receiver._inbox(parts.path).put(got)
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            do_GET = do_POST = _handle

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}{path}"

    def answer(self, path: str, *answers: Answer) -> None:
        """Answer the next requests to ``path`` with these, then keep the last one."""
        with self._lock:
            self._answers[path] = list(answers)

    def answer_json(self, path: str, data: Any, status: int = 200) -> None:
        self.answer(path, Answer(status, json.dumps(data).encode()))

    def fail_first(self, path: str) -> None:
        """Answer 503 the first time each distinct body arrives at ``path``, then 200."""
        with self._lock:
            self._fail_first[path] = set()

    def _next(self, path: str, body: bytes) -> Answer:
        with self._lock:
            seen = self._fail_first.get(path)
            if seen is not None:
                first = body not in seen
                seen.add(body)
                return Answer(503 if first else 200)
            answers = self._answers.get(path) or [Answer()]
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def _inbox(self, path: str) -> queue.Queue[Received]:
        with self._lock:
            return self._received.setdefault(path, queue.Queue())

    def wait(self, path: str, timeout: float = 10.0) -> Received:
        try:
            return self._inbox(path).get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no request to {path} within {timeout}s") from None

    def nothing(self, path: str, within: float = 0.5) -> None:
        try:
            got = self._inbox(path).get(timeout=within)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected request to {path}: {got.body!r}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    try:
        yield receiver
    finally:
        receiver.close()
