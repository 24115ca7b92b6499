"""Reading a multipart/form-data body part by part as it streams in.

python-multipart's parser is fed each chunk of the body as it arrives; what it finds
(fields, and each file's bytes in pieces) is handed to a ``PartHandler`` before the
next chunk is read. So memory holds about one chunk of a file, however large, and a
handler that refuses something stops the read there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Protocol

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from roost.app.files.errors import form_value_too_large, upload_unreadable

# Form fields (channel_id, client_ids) are ids: Mattermost reads at most 10 KB of one.
MAX_FIELD_BYTES = 10 * 1024
MAX_HEADERS_PER_PART = 8
MAX_HEADER_BYTES = 4096


class PartHandler(Protocol):
    async def field(self, name: str, value: str) -> None: ...
    async def file_start(self, name: str, filename: str, content_type: str) -> None: ...
    async def file_data(self, data: bytes) -> None: ...
    async def file_end(self) -> None: ...


def _text(raw: bytes) -> str:
    # Header values arrive as bytes; browsers and the drivers send names in UTF-8.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


class _Part:
    """What the parser has told us of the part being read."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.field_name = ""
        self.filename: str | None = None
        self.value = bytearray()
        self._name = bytearray()
        self._value = bytearray()

    def header_field(self, data: bytes) -> None:
        self._name += data

    def header_value(self, data: bytes) -> None:
        self._value += data

    def header_end(self) -> None:
        self.headers[self._name.decode("latin-1").strip().lower()] = self._value.decode("latin-1")
        self._name.clear()
        self._value.clear()

    def headers_done(self) -> None:
        _, options = parse_options_header(self.headers.get("content-disposition", ""))
        self.field_name = _text(options.get(b"name", b""))
        filename = options.get(b"filename")
        # As Mattermost: a part with an empty file name is a plain field.
        self.filename = _text(filename) if filename else None


async def read_multipart(
    chunks: AsyncIterator[bytes], boundary: bytes, handler: PartHandler
) -> None:
    """Feed the whole body through the parser into ``handler``; raises 400 for a body
    that is not well-formed multipart, including one that stops before its end."""
    events: list[tuple[str, bytes]] = []
    part = _Part()
    ended = False

    def on_end() -> None:
        nonlocal ended
        ended = True

    def data(kind: str) -> Callable[[bytes, int, int], None]:
        return lambda buf, start, end: events.append((kind, bytes(buf[start:end])))

    def mark(kind: str) -> Callable[[], None]:
        return lambda: events.append((kind, b""))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": mark("begin"),
            "on_header_field": data("header_field"),
            "on_header_value": data("header_value"),
            "on_header_end": mark("header_end"),
            "on_headers_finished": mark("headers_done"),
            "on_part_data": data("data"),
            "on_part_end": mark("part_end"),
            "on_end": on_end,
        },
        max_header_count=MAX_HEADERS_PER_PART,
        max_header_size=MAX_HEADER_BYTES,
    )
    async for chunk in chunks:
        if not chunk:
            continue
        try:
            parser.write(chunk)
        except MultipartParseError as exc:
            raise upload_unreadable(str(exc)) from None
        for kind, payload in events:
            part = await _handle(kind, payload, part, handler)
        events.clear()
    if not ended:
        raise upload_unreadable("the multipart body ended before its closing boundary")


async def _handle(kind: str, payload: bytes, part: _Part, handler: PartHandler) -> _Part:
    if kind == "begin":
        return _Part()
    if kind == "header_field":
        part.header_field(payload)
    elif kind == "header_value":
        part.header_value(payload)
    elif kind == "header_end":
        part.header_end()
    elif kind == "headers_done":
        part.headers_done()
        if part.filename is not None:
            content_type = part.headers.get("content-type", "").strip()
            await handler.file_start(part.field_name, part.filename, content_type)
    elif kind == "data":
        if part.filename is not None:
            await handler.file_data(payload)
        else:
            part.value += payload
            if len(part.value) > MAX_FIELD_BYTES:
                raise form_value_too_large(part.field_name, MAX_FIELD_BYTES)
    elif kind == "part_end":
        if part.filename is not None:
            await handler.file_end()
        elif part.field_name:
            await handler.field(part.field_name, _text(bytes(part.value)))
    return part
