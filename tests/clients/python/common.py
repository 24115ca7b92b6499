"""Plumbing shared by the Python client scenarios (stdlib only: it runs in each client's venv).

A scenario script wraps one unmodified client library in a small adapter and hands it to
``chat_story``, which plays the same story for every client: log in, read users/me, make a
team and channels, add a second user, post, reply, react, edit, delete, open a DM. A second
instance of the client, logged in as the second user with its WebSocket open, must see
each of those as an event. Every step is recorded by name; a failed step does not stop
the story, and steps that need its result are reported as blocked by it. The result is
printed as one ``ROOST-RESULT {json}`` line for the pytest side to read.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

RESULT_PREFIX = "ROOST-RESULT "
# An event caused by a request the client already got an answer to arrives within
# milliseconds; this only bounds a failure.
EVENT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Config:
    url: str
    scheme: str
    host: str
    port: int
    password: str
    user_a: str
    user_b: str

    @staticmethod
    def from_env() -> Config:
        url = os.environ["ROOST_URL"]
        parts = urlsplit(url)
        return Config(
            url=url,
            scheme=parts.scheme,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (443 if parts.scheme == "https" else 80),
            password=os.environ["ROOST_PASSWORD"],
            user_a=os.environ["ROOST_USER_A"],
            user_b=os.environ["ROOST_USER_B"],
        )


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


class Blocked(Exception):
    """A step could not run because a step it needs failed."""


class Steps:
    """Runs named steps, keeps going after a failure, and records every outcome."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}
        self.values: dict[str, Any] = {}

    def run(self, name: str, fn: Callable[[], Any], needs: tuple[str, ...] = ()) -> Any:
        missing = [n for n in needs if not self.results.get(n, {}).get("ok")]
        started = time.monotonic()
        if missing:
            self.results[name] = {"ok": False, "error": f"blocked by failed step(s): {missing}"}
            return None
        try:
            value = fn()
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.results[name] = {
                "ok": False,
                "error": detail[:2000],
                "trace": traceback.format_exc()[-3000:],
            }
            return None
        self.results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000)}
        self.values[name] = value
        return value

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


class EventLog:
    """Every WebSocket frame a listener got, in order; waits for a matching one."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.raw_errors: list[str] = []
        self._cond = threading.Condition()

    async def handler(self, message: Any) -> None:
        """The event handler given to the client library (it passes the raw text)."""
        self.add(message)

    def add(self, message: Any) -> None:
        try:
            frame = json.loads(message) if isinstance(message, (str, bytes)) else dict(message)
        except (ValueError, TypeError) as exc:
            self.raw_errors.append(f"{exc}: {message!r}"[:300])
            return
        with self._cond:
            self.frames.append(frame)
            self._cond.notify_all()

    def events(self) -> list[dict[str, Any]]:
        with self._cond:
            return [f for f in self.frames if "event" in f]

    def wait_for(
        self,
        event: str,
        match: Callable[[dict[str, Any]], bool] = lambda _: True,
        timeout: float = EVENT_TIMEOUT_SECONDS,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for frame in self.frames:
                    if frame.get("event") == event and _safe(match, frame):
                        return frame
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [f.get("event") for f in self.frames if "event" in f]
                    raise AssertionError(
                        f"no matching {event!r} event within {timeout}s; events seen: {seen}"
                    )
                self._cond.wait(left)


def _safe(match: Callable[[dict[str, Any]], bool], frame: dict[str, Any]) -> bool:
    try:
        return bool(match(frame))
    except (KeyError, TypeError, ValueError):
        return False


def decoded(frame: dict[str, Any], key: str) -> Any:
    """A value that Mattermost sends JSON-encoded inside the event data."""
    value = frame["data"][key]
    check(isinstance(value, str), f"data.{key} must be a JSON string, got {type(value).__name__}")
    return json.loads(value)


def check_sequence(log: EventLog) -> dict[str, Any]:
    seqs = [f.get("seq") for f in log.events()]
    check(seqs[:1] == [0], f"the first event must be hello with seq 0, got {seqs[:3]}")
    check(seqs == list(range(len(seqs))), f"event seq must go 0,1,2,... without gaps: {seqs}")
    check(not log.raw_errors, f"frames that were not JSON: {log.raw_errors}")
    return {"events": len(seqs)}


class Listener:
    """Runs a client's blocking ``init_websocket`` in a thread with its own event loop."""

    def __init__(self, start: Callable[[EventLog], None], log: EventLog) -> None:
        self.log = log
        self.error: str = ""
        self.finished = threading.Event()
        self._start = start
        self.thread = threading.Thread(target=self._run, name="ws-listener", daemon=True)

    def _run(self) -> None:
        try:
            self._start(self.log)
        except BaseException as exc:
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.finished.set()

    def start_and_wait(self, timeout: float = EVENT_TIMEOUT_SECONDS) -> None:
        """Start the loop and wait for its first frame (or its early end)."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.log.frames and not self.finished.is_set():
            check(time.monotonic() < deadline, f"no WebSocket frame within {timeout}s")
            time.sleep(0.01)
        check(not self.error, f"the WebSocket loop failed: {self.error}")
        check(bool(self.log.frames), "the WebSocket loop ended before any frame")

    def stop(self, disconnect: Callable[[], None], timeout: float = 10.0) -> None:
        disconnect()
        check(self.finished.wait(timeout), f"the WebSocket loop did not end within {timeout}s")
        check(not self.error, f"the WebSocket loop failed: {self.error}")


def report(steps: Steps, log: EventLog) -> None:
    # The listener's events as (seq, name), for reading a failure.
    seen = [(f.get("seq"), f.get("event")) for f in log.events()]
    result = {"steps": steps.results, "events": seen}
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
