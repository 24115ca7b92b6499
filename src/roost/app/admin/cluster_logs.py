"""``GET /logs`` over the whole deployment: this node's recent log lines and every other
node's, asked for over the bus (Mattermost's GetLogs gathers every cluster node's too).

As ``GET /cluster/status`` (``cluster.py``, whose knowledge of the other nodes this
shares): the asking node publishes a request; every other node answers with its newest
lines at the asked level. The asker waits for the nodes it knows of at most
``ANSWER_TIMEOUT_SECONDS``; a node that does not answer in time is left out, named in
the answer, and forgotten until heard from again. Without Redis (or with no other node
known) the local buffer alone answers, at once.

Answers cross the Redis stream, which keeps them until it is trimmed: each is bounded
(``MAX_LINES_PER_NODE`` lines, ``MAX_BYTES_PER_NODE`` bytes of them, the newest kept) and
sent compressed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from roost.app.admin.cluster import ClusterStatus
from roost.app.admin.logs import LogBuffer
from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.event import Event, internal_event
from roost.model.events import CLUSTER_LOGS_ANSWER, CLUSTER_LOGS_WANTED

# Short: an admin's page waits this long at most for a node that is gone.
ANSWER_TIMEOUT_SECONDS = 2.0
MAX_LINES_PER_NODE = 10_000
MAX_BYTES_PER_NODE = 2_000_000
# The header naming the nodes whose lines are missing (comma-separated ids).
MISSING_HEADER = "X-Roost-Missing-Nodes"


@dataclass(slots=True)
class LogPage:
    """One page of the deployment's lines, and the nodes that did not answer."""

    lines: list[str]
    missing: list[str]


@dataclass(slots=True)
class _Asking:
    waiting_for: set[str]
    answers: dict[str, list[str]] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


def _pack(lines: list[str]) -> str:
    return base64.b64encode(zlib.compress(json.dumps(lines).encode())).decode()


def _unpack(packed: Any) -> list[str] | None:
    if not isinstance(packed, str):
        return None
    try:
        lines = json.loads(zlib.decompress(base64.b64decode(packed)))
    except (ValueError, zlib.error):
        return None
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        return None
    return lines


def _timestamp(line: str) -> str:
    """The line's time (ISO, UTC, to the millisecond: sorts as text)."""
    with contextlib.suppress(ValueError):
        entry = json.loads(line)
        if isinstance(entry, dict):
            return str(entry.get("timestamp", ""))
    return ""


def missing_line(node_id: str) -> str:
    """What stands for a node's lines when it did not answer: a line of its own, so a
    client that shows only lines still tells the admin."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(
        {
            "timestamp": now,
            "level": "warn",
            "msg": f"node {node_id} did not answer within {ANSWER_TIMEOUT_SECONDS:g} s: "
            "its lines are left out",
            "caller": "",
            "logger": "roost.cluster",
            "node": node_id,
            "missing": True,
        }
    )


class ClusterLogs:
    def __init__(self, bus: Bus, cluster: ClusterStatus, buffer: LogBuffer) -> None:
        self._bus = bus
        self._cluster = cluster
        self._buffer = buffer
        self._asking: dict[str, _Asking] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def page(self, min_level: int, page: int, per_page: int) -> LogPage:
        """As ``LogBuffer.lines`` over every node's lines, merged by time; page 0 ends
        with a line for each node that did not answer."""
        count = min((page + 1) * per_page, MAX_LINES_PER_NODE)
        local = self._buffer.newest(min_level, count, MAX_BYTES_PER_NODE)
        others, missing = await self._gather(min_level, count)
        merged = sorted(local + [line for lines in others for line in lines], key=_timestamp)
        end = len(merged) - page * per_page
        lines = merged[max(0, end - per_page) : end] if end > 0 else []
        if page == 0:
            lines += [missing_line(node) for node in missing]
        return LogPage(lines, missing)

    async def _gather(self, min_level: int, count: int) -> tuple[list[list[str]], list[str]]:
        peers = self._cluster.peers
        if not peers:
            await self._cluster.announce()  # any node that answers is known next time
            return [], []
        request = new_id()
        asking = _Asking(set(peers))
        self._asking[request] = asking
        try:
            wanted = {"request": request, "min_level": min_level, "count": count}
            await self._publish(CLUSTER_LOGS_WANTED, wanted)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(ANSWER_TIMEOUT_SECONDS):
                    await asking.done.wait()
        finally:
            del self._asking[request]
        missing = sorted(asking.waiting_for)
        for silent in missing:
            self._cluster.forget(silent)
        return [asking.answers[n] for n in sorted(asking.answers)], missing

    def on_event(self, event: Event) -> None:
        if event.name not in (CLUSTER_LOGS_WANTED, CLUSTER_LOGS_ANSWER):
            return
        origin = str(event.data.get("origin", ""))
        if not origin or origin == self._cluster.node_id:
            return
        self._cluster.heard(origin)
        if event.name == CLUSTER_LOGS_WANTED:
            self._answer(origin, event.data)
        elif event.data.get("to") == self._cluster.node_id:
            asking = self._asking.get(str(event.data.get("request", "")))
            lines = _unpack(event.data.get("lines"))
            if asking is None or lines is None:
                return
            asking.answers[origin] = lines
            asking.waiting_for.discard(origin)
            if not asking.waiting_for:
                asking.done.set()

    def _answer(self, origin: str, data: dict[str, Any]) -> None:
        min_level, count = data.get("min_level"), data.get("count")
        if not isinstance(min_level, int) or not isinstance(count, int):
            return
        lines = self._buffer.newest(
            min_level, max(0, min(count, MAX_LINES_PER_NODE)), MAX_BYTES_PER_NODE
        )
        answer = {"request": data.get("request", ""), "to": origin, "lines": _pack(lines)}
        task = asyncio.ensure_future(self._publish(CLUSTER_LOGS_ANSWER, answer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _publish(self, name: str, data: dict[str, Any]) -> None:
        origin = self._cluster.node_id
        # Node-wide (no tenant): the lines are the node's, not a tenant's.
        await self._bus.publish([internal_event("", name, {**data, "origin": origin})])

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
