"""``GET /cluster/status``: every node's id, version, address, uptime and the hash of the
configuration it has in force for the asking tenant, so an admin sees a node running an
old version or an old configuration.

As ``/plugins/statuses`` (``plugin_runtime/cluster_statuses.py``): the asking node
publishes a request on the bus; every other node answers with its own status; the asker
waits for the nodes it knows of, at most ``ANSWER_TIMEOUT_SECONDS`` (a silent node is
left out and forgotten until heard from again). Nodes announce themselves at start, so
each learns of the others; without Redis a node is alone and answers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.event import Event, internal_event
from roost.model.events import CLUSTER_STATUS_ANSWER, CLUSTER_STATUS_WANTED

log = logging.getLogger(__name__)

ANSWER_TIMEOUT_SECONDS = 1.0


def _ip_address(hostname: str) -> str:
    with contextlib.suppress(OSError):
        return socket.gethostbyname(hostname)
    return ""


@dataclass(slots=True)
class _Asking:
    waiting_for: set[str]
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class ClusterStatus:
    def __init__(
        self,
        bus: Bus,
        version: str,
        port: int,
        config_hash: Callable[[str], str],
        schema_version: Callable[[], str] = lambda: "",
    ) -> None:
        self._bus = bus
        self.node_id: str = str(getattr(bus, "node_id", "") or new_id())
        self._version = version
        self._port = port
        self._config_hash = config_hash
        self._schema_version = schema_version
        self._hostname = socket.gethostname()
        self._ip = _ip_address(self._hostname)
        self._started = time.time()
        self._peers: dict[str, float] = {}
        self._asking: dict[str, _Asking] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def local(self, tenant_id: str) -> dict[str, Any]:
        """This node, as Mattermost's ClusterInfo (plus Roost's address, uptime, start)."""
        return {
            "id": self.node_id,
            "version": self._version,
            "schema_version": self._schema_version(),
            "config_hash": self._config_hash(tenant_id),
            "ipaddress": self._ip,
            "hostname": self._hostname,
            "address": f"{self._ip or self._hostname}:{self._port}",
            "start_at": int(self._started * 1000),
            "uptime_seconds": int(time.time() - self._started),
        }

    @property
    def peers(self) -> list[str]:
        """The other nodes this one has heard from (and not found silent since)."""
        return sorted(self._peers)

    def heard(self, node_id: str) -> None:
        """Another node spoke (on any request of the bus): it is a peer."""
        if node_id and node_id != self.node_id:
            self._peers[node_id] = time.monotonic()

    def forget(self, node_id: str) -> None:
        """A peer did not answer in time: left out until heard from again."""
        self._peers.pop(node_id, None)

    async def announce(self) -> None:
        await self._publish("", CLUSTER_STATUS_WANTED, {"request": ""})

    async def gather(self, tenant_id: str) -> list[dict[str, Any]]:
        """Every node: this one first, then the others by id."""
        nodes = [self.local(tenant_id)]
        if not self._peers:
            await self.announce()  # any node that answers is known next time
            return nodes
        request = new_id()
        asking = _Asking(set(self._peers))
        self._asking[request] = asking
        try:
            await self._publish(tenant_id, CLUSTER_STATUS_WANTED, {"request": request})
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(ANSWER_TIMEOUT_SECONDS):
                    await asking.done.wait()
        finally:
            del self._asking[request]
        for silent in asking.waiting_for:
            self._peers.pop(silent, None)
        return nodes + [asking.answers[n] for n in sorted(asking.answers)]

    def on_event(self, event: Event) -> None:
        if event.name not in (CLUSTER_STATUS_WANTED, CLUSTER_STATUS_ANSWER):
            return
        origin = str(event.data.get("origin", ""))
        if not origin or origin == self.node_id:
            return
        self._peers[origin] = time.monotonic()
        if event.name == CLUSTER_STATUS_WANTED:
            answer = {
                "request": event.data.get("request", ""),
                "to": origin,
                "node": self.local(event.tenant_id),
            }
            self._later(self._publish(event.tenant_id, CLUSTER_STATUS_ANSWER, answer))
        elif event.data.get("to") == self.node_id:
            asking = self._asking.get(str(event.data.get("request", "")))
            node = event.data.get("node")
            if asking is None or not isinstance(node, dict):
                return
            asking.answers[origin] = node
            asking.waiting_for.discard(origin)
            if not asking.waiting_for:
                asking.done.set()

    async def _publish(self, tenant_id: str, name: str, data: dict[str, Any]) -> None:
        await self._bus.publish([internal_event(tenant_id, name, {**data, "origin": self.node_id})])

    def _later(self, call: Any) -> None:
        task = asyncio.ensure_future(call)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
