"""The plugin host's wire format: frames of a 4-byte big-endian length and a JSON body.
Plugin types travel tagged by name, bytes as base64. Kept small and free of server
imports: the plugin host loads it."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import struct
from typing import Any

import orjson

from roost.plugin.types import WIRE_TYPES

FRAME_MAX_BYTES = 64 * 1024 * 1024
_LENGTH = struct.Struct(">I")


class FrameTooLarge(Exception):
    pass


def encode(value: Any) -> Any:
    """A JSON-able form of a hook argument or result."""
    if isinstance(value, bytes):
        return {"__b": base64.b64encode(value).decode()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__t": type(value).__name__, "f": fields}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__b" in value and len(value) == 1:
            return base64.b64decode(value["__b"])
        if "__t" in value and len(value) == 2:
            cls = WIRE_TYPES[value["__t"]]
            return cls(**{k: decode(v) for k, v in value["f"].items()})
        return {k: decode(v) for k, v in value.items()}
    return value


async def read_frame(reader: asyncio.StreamReader) -> dict[str, Any]:
    """The next message; IncompleteReadError when the other side has gone."""
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    if length > FRAME_MAX_BYTES:
        raise FrameTooLarge(f"frame of {length} bytes")
    message = orjson.loads(await reader.readexactly(length))
    if not isinstance(message, dict):
        raise ValueError("a frame must hold an object")
    return message


def frame(message: dict[str, Any]) -> bytes:
    body = orjson.dumps(message)
    if len(body) > FRAME_MAX_BYTES:
        raise FrameTooLarge(f"frame of {len(body)} bytes")
    return _LENGTH.pack(len(body)) + body
