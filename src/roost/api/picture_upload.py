"""Reading an uploaded picture (multipart field ``image``): the one reader behind
``POST /users/{id}/image`` and ``POST /teams/{id}/image``."""

from __future__ import annotations

from collections.abc import Callable

from python_multipart.multipart import parse_options_header

from roost.api.http.multipart import read_multipart
from roost.api.http.request import Req
from roost.app.files.errors import upload_unreadable
from roost.app.kernel.errors import AppError
from roost.app.kernel.images import MAX_PICTURE_BYTES


class _ImagePart:
    """Collects the ``image`` file of the form, refusing it past the size limit as the
    bytes arrive."""

    def __init__(self, too_large: Callable[[], AppError]) -> None:
        self.data = bytearray()
        self._reading = False
        self._too_large = too_large

    async def field(self, name: str, value: str) -> None:
        return None

    async def file_start(self, name: str, filename: str, content_type: str) -> None:
        self._reading = name == "image"

    async def file_data(self, data: bytes) -> None:
        if not self._reading:
            return
        self.data += data
        if len(self.data) > MAX_PICTURE_BYTES:
            raise self._too_large()

    async def file_end(self) -> None:
        self._reading = False


async def read_picture(req: Req, too_large: Callable[[], AppError]) -> bytes:
    """The bytes of the form's ``image`` file (b"" when it has none); ``too_large`` is
    the caller's error for a file over ``MAX_PICTURE_BYTES``."""
    media, options = parse_options_header(req.raw.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise upload_unreadable("expected multipart/form-data with an 'image' file")
    part = _ImagePart(too_large)
    await read_multipart(req.raw.stream(), boundary, part)
    return bytes(part.data)
