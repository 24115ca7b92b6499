"""The plugin host's frames and how values travel in them."""

from __future__ import annotations

import asyncio
import struct

import pytest

from roost.plugin.types import Post
from roost.plugin_runtime import wire


def test_values_round_trip_with_bytes_and_plugin_types() -> None:
    post = Post(channel_id="c", message="hi", props={"blob": b"\x00\xff"}, file_ids=["f"])
    value = {"post": post, "many": [post, b"raw", 1, None, "s"], "pair": (1, 2)}
    decoded = wire.decode(wire.encode(value))
    assert decoded["post"] == post
    assert decoded["many"] == [post, b"raw", 1, None, "s"]
    # Tuples travel as JSON arrays and come back as lists.
    assert decoded["pair"] == [1, 2]


def test_plain_dicts_that_look_like_tags_stay_dicts() -> None:
    # Only a dict with exactly the tag's keys is a tagged value.
    lookalike = {"__b": "AA==", "other": 1}
    assert wire.decode(wire.encode(lookalike)) == lookalike


def test_an_unknown_type_name_is_refused() -> None:
    with pytest.raises(KeyError):
        wire.decode({"__t": "NotAType", "f": {}})


def test_frame_is_length_prefixed_json() -> None:
    data = wire.frame({"op": "ping", "id": 1})
    (length,) = struct.unpack(">I", data[:4])
    assert length == len(data) - 4
    assert data[4:] == b'{"op":"ping","id":1}'


async def read(data: bytes) -> dict[str, object]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return await wire.read_frame(reader)


async def test_read_frame_reads_what_frame_wrote_one_at_a_time() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(wire.frame({"n": 1}) + wire.frame({"n": 2}))
    reader.feed_eof()
    assert await wire.read_frame(reader) == {"n": 1}
    assert await wire.read_frame(reader) == {"n": 2}
    with pytest.raises(asyncio.IncompleteReadError):
        await wire.read_frame(reader)


async def test_a_truncated_frame_means_the_other_side_has_gone() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        await read(wire.frame({"n": 1})[:-1])


async def test_a_frame_must_hold_an_object() -> None:
    body = b"[1,2]"
    with pytest.raises(ValueError):
        await read(struct.pack(">I", len(body)) + body)


async def test_an_oversized_length_is_refused_before_reading_the_body() -> None:
    with pytest.raises(wire.FrameTooLarge):
        await read(struct.pack(">I", wire.FRAME_MAX_BYTES + 1))


def test_frame_refuses_an_oversized_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "FRAME_MAX_BYTES", 10)
    with pytest.raises(wire.FrameTooLarge):
        wire.frame({"message": "more than ten bytes"})
