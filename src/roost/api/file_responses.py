"""Serving a stored file: headers that keep a download from turning into a page.

As Mattermost: scripts and HTML are sent as text/plain, only plain media types are
shown inline (anything else is an attachment), the browser is told not to sniff
another type, and the file may not be framed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

from starlette.responses import StreamingResponse

OCTET_STREAM = "application/octet-stream"
UNSAFE_TYPES = (
    "application/javascript",
    "application/ecmascript",
    "text/javascript",
    "text/ecmascript",
    "application/x-javascript",
    "text/html",
)
INLINE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/bmp",
    "image/gif",
    "image/tiff",
    "video/avi",
    "video/mpeg",
    "video/mp4",
    "audio/mpeg",
    "audio/wav",
)


def file_response(
    name: str, content_type: str, size: int, chunks: AsyncIterator[bytes], download: bool
) -> StreamingResponse:
    media_type = content_type or OCTET_STREAM
    if media_type.startswith(UNSAFE_TYPES):
        media_type = "text/plain"
    inline = not download and media_type.startswith(INLINE_TYPES)
    quoted = quote(name, safe="")
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition};filename=\"{quoted}\"; filename*=UTF-8''{quoted}",
        "Content-Length": str(size),
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "Frame-ancestors 'none'",
    }
    return StreamingResponse(chunks, media_type=media_type, headers=headers)
