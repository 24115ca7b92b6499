"""What crosses the bus between nodes: numbered batches of events, and gap notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from roost.model.event import Broadcast, Event, PerUser


@dataclass
class Message:
    """One bus message: a batch of a node's events, numbered per node; or (``gap``) a
    notice that the node dropped batches, the last at ``last_drop_ms``."""

    node: str
    seq: int
    events: list[Event] = field(default_factory=list)
    gap: bool = False
    last_drop_ms: int = 0


def encode(node_id: str, events: list[Event], seq: int = 0) -> bytes:
    return orjson.dumps({"node": node_id, "seq": seq, "events": [_event_dict(e) for e in events]})


def encode_gap(node_id: str, seq: int, last_drop_ms: int) -> bytes:
    return orjson.dumps(
        {"node": node_id, "seq": seq, "events": [], "gap": True, "last_drop_ms": last_drop_ms}
    )


def _event_dict(event: Event) -> dict[str, Any]:
    b = event.broadcast
    p = event.per_user
    return {
        "per_user": None if p is None else {"key": p.key, "tails": p.tails, "extra": p.extra},
        "tenant_id": event.tenant_id,
        "name": event.name,
        "data": event.data,
        "broadcast": {
            "recipients": None if b.recipients is None else sorted(b.recipients),
            "user_id": b.user_id,
            "channel_id": b.channel_id,
            "team_id": b.team_id,
            "omit_users": sorted(b.omit_users),
            "connection_id": b.connection_id,
            "omit_connection_id": b.omit_connection_id,
        },
    }


def decode(raw: bytes) -> tuple[str, list[Event]]:
    message = decode_message(raw)
    return message.node, message.events


def decode_message(raw: bytes) -> Message:
    body = orjson.loads(raw)
    events = []
    for e in body["events"]:
        b = e["broadcast"]
        recipients = b["recipients"]
        broadcast = Broadcast(
            recipients=None if recipients is None else frozenset(recipients),
            user_id=b["user_id"],
            channel_id=b["channel_id"],
            team_id=b["team_id"],
            omit_users=frozenset(b["omit_users"]),
            connection_id=b["connection_id"],
            omit_connection_id=b["omit_connection_id"],
        )
        p = e.get("per_user")
        per_user = None if p is None else PerUser(p["key"], p["tails"], p["extra"])
        events.append(Event(e["tenant_id"], e["name"], e["data"], broadcast, per_user))
    return Message(
        str(body["node"]),
        int(body.get("seq", 0)),
        events,
        bool(body.get("gap", False)),
        int(body.get("last_drop_ms", 0)),
    )
