"""``/api/v4/plugins/statuses`` for the whole cluster: this node's states of one tenant's
plugin instances, and every other node's, asked for over the bus.

A request goes out as an internal event of the tenant; each other node answers with
the states of its instances of that tenant (a node running none answers nothing). The
asker waits for the nodes it knows of, at most ``ANSWER_TIMEOUT_SECONDS``: a node that
does not answer in time is left out, and forgotten until it is heard from again. Nodes
learn of each other from these events, and each node announces itself when it starts,
so a lone node (or one with no Redis) answers at once; a node that knows of no other
still asks, without waiting, to learn of any it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.event import Event, internal_event
from roost.model.events import PLUGIN_STATUSES_ANSWER, PLUGIN_STATUSES_WANTED

ANSWER_TIMEOUT_SECONDS = 1.0

# plugin id -> the node's status of the tenant's instance (``Status.to_dict``)
States = dict[str, dict[str, Any]]
# A node's id and its states.
NodeStates = tuple[str, States]


@dataclass(slots=True)
class _Asking:
    waiting_for: set[str]
    answers: dict[str, States] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class ClusterStatuses:
    def __init__(self, bus: Bus, node_id: str, local: Callable[[str], States]) -> None:
        self._bus = bus
        self._node = node_id
        self._local = local
        self._peers: dict[str, float] = {}  # node id -> when last heard from
        self._asking: dict[str, _Asking] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def peers(self) -> list[str]:
        return sorted(self._peers)

    async def announce(self) -> None:
        """Say this node is here (the others answer, so it learns of them too)."""
        await self._publish("", PLUGIN_STATUSES_WANTED, {"request": ""})

    async def gather(self, tenant_id: str) -> list[NodeStates]:
        """Every node's states of the tenant's instances: this node's first, then the
        others' by node id."""
        nodes = [(self._node, self._local(tenant_id))]
        if not self._peers:
            # Asked all the same: any node that answers is known next time.
            await self.announce()
            return nodes
        request = new_id()
        asking = _Asking(set(self._peers))
        self._asking[request] = asking
        try:
            await self._publish(tenant_id, PLUGIN_STATUSES_WANTED, {"request": request})
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(ANSWER_TIMEOUT_SECONDS):
                    await asking.done.wait()
        finally:
            del self._asking[request]
        for silent in asking.waiting_for:
            self._peers.pop(silent, None)
        nodes += [(node, asking.answers[node]) for node in sorted(asking.answers)]
        return nodes

    def on_event(self, event: Event) -> None:
        if event.name not in (PLUGIN_STATUSES_WANTED, PLUGIN_STATUSES_ANSWER):
            return
        origin = str(event.data.get("origin", ""))
        if not origin or origin == self._node:
            return
        tenant_id = event.tenant_id
        if event.name == PLUGIN_STATUSES_WANTED:
            self._peers[origin] = time.monotonic()
            answer = {"request": event.data.get("request", ""), "to": origin}
            answer["states"] = self._local(tenant_id)
            self._later(self._publish(tenant_id, PLUGIN_STATUSES_ANSWER, answer))
        elif event.name == PLUGIN_STATUSES_ANSWER and event.data.get("to") == self._node:
            self._peers[origin] = time.monotonic()
            asking = self._asking.get(str(event.data.get("request", "")))
            if asking is None:
                return
            states = event.data.get("states")
            asking.answers[origin] = states if isinstance(states, dict) else {}
            asking.waiting_for.discard(origin)
            if not asking.waiting_for:
                asking.done.set()

    async def _publish(self, tenant_id: str, name: str, data: dict[str, Any]) -> None:
        event = internal_event(tenant_id, name, {**data, "origin": self._node})
        await self._bus.publish([event])

    def _later(self, call: Any) -> None:
        task = asyncio.create_task(call)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
