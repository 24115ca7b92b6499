"""Writers and listeners running in threads while a test breaks something.

A ``Writer`` posts into a channel until stopped and keeps the ids the server
acknowledged (201) with the time the request was sent: the post may be committed and
broadcast at any moment after that, so a reload (a fresh hello) that came after the
sending covers it, even when the 201 itself arrived after the hello. A ``Listener`` holds a WebSocket and
records every frame with the time it arrived; it can reconnect elsewhere with its
resume token (connection id and the next seq), as the official clients do.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed

from tests.support.client import LoggedIn
from tests.support.ws import WsClient

Frame = dict[str, Any]
# Between two posts of one writer: a steady stream, not a load test.
WRITE_INTERVAL_SECONDS = 0.02


@dataclass
class Writer:
    user: LoggedIn
    channel_id: str
    acknowledged: dict[str, float] = field(default_factory=dict)  # post id -> sent at
    refused: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            body = {"channel_id": self.channel_id, "message": f"{self.user.username} {n}"}
            sent = time.monotonic()
            try:
                r = self.user.api.post("/posts", body)
            except httpx.HTTPError:
                self.refused += 1
                continue
            if r.status_code == 201:
                self.acknowledged[r.json()["id"]] = sent
            else:
                self.refused += 1
            time.sleep(WRITE_INTERVAL_SECONDS)


class Listener:
    def __init__(self, base: str, user: LoggedIn) -> None:
        self.user = user
        self.frames: list[tuple[float, Frame]] = []  # every event (not replies), as it came
        self.closed_at: float | None = None
        self._stop = threading.Event()
        self._ws = WsClient(base, user.token)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        ws = self._ws
        while not self._stop.is_set():
            try:
                raw = ws.ws.recv(timeout=0.2)
            except TimeoutError:
                continue
            except ConnectionClosed:
                self.closed_at = time.monotonic()
                return
            frame: Frame = json.loads(raw)
            if "event" in frame:
                self.frames.append((time.monotonic(), frame))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self._ws.ws.close()

    def resume_on(self, base: str) -> None:
        """Reconnect to ``base`` with the resume token, as the apps do after a close."""
        self.stop()
        conn_id, next_seq = self.resume_token()
        self._stop = threading.Event()
        self.closed_at = None
        self._ws = WsClient(base, self.user.token, connection_id=conn_id, sequence_number=next_seq)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def resume_token(self) -> tuple[str, int]:
        conn_id, next_seq = "", 0
        for _, frame in self.frames:
            if frame["event"] == "hello":
                conn_id = frame["data"]["connection_id"]
            next_seq = frame["seq"] + 1
        return conn_id, next_seq

    def hellos(self) -> list[tuple[float, str]]:
        return [(at, f["data"]["connection_id"]) for at, f in self.frames if f["event"] == "hello"]

    def posted(self) -> dict[str, float]:
        """Post id -> when its ``posted`` event arrived."""
        return {
            json.loads(f["data"]["post"])["id"]: at
            for at, f in self.frames
            if f["event"] == "posted"
        }

    def told_after(self, moment: float) -> bool:
        """Whether a hello with a new connection id (the apps reload) came after."""
        seen: set[str] = set()
        for at, conn_id in self.hellos():
            if seen and conn_id not in seen and at >= moment:
                return True
            seen.add(conn_id)
        return False

    def silently_missed(self, acknowledged: dict[str, float]) -> list[str]:
        """Acknowledged posts that never arrived and that no later reload covers."""
        got = self.posted()
        return [
            pid for pid, at in acknowledged.items() if pid not in got and not self.told_after(at)
        ]

    def seq_holes(self) -> list[tuple[int, int]]:
        """(expected, got) wherever the event numbering skipped: a hello restarts it."""
        holes = []
        expected = 0
        for _, frame in self.frames:
            seq = frame["seq"]
            if frame["event"] == "hello":
                expected = seq
            if seq != expected:
                holes.append((expected, seq))
            expected = seq + 1
        return holes
