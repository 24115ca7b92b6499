"""``/files``: uploading (multipart or a raw body), downloading, thumbnails, previews,
infos and public links; ``/posts/{id}/files/info``; and the public ``/files/{id}/public``.

An upload is read as it streams: multipart parts go straight into the app's ``Upload``
(see ``multipart.py``), a raw body (``?channel_id=&filename=``) likewise, so no upload is
ever held whole in memory. The JSON body-size limit does not apply here (the middleware
lets ``POST /api/v4/files`` through); the per-file limit does, as the bytes arrive.
"""

from __future__ import annotations

from python_multipart.multipart import parse_options_header
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.routing import Route

from roost.api.file_responses import file_response
from roost.api.http.multipart import read_multipart
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response
from roost.app.files.errors import upload_unreadable
from roost.app.files.uploads import MAX_FILES_PER_UPLOAD, Upload
from roost.app.kernel import errors
from roost.app.kernel.errors import upload_too_large
from roost.filestore.keys import ORIGINAL, PREVIEW, THUMBNAIL

UPLOAD_PATH = "/api/v4/files"
# Part headers and boundaries around the files of one multipart request.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024
FORM_URLENCODED = b"application/x-www-form-urlencoded"


class _FormParts:
    """Routes each multipart field and file to the upload, as Mattermost names them."""

    def __init__(self, upload: Upload) -> None:
        self.upload = upload

    async def field(self, name: str, value: str) -> None:
        if name == "channel_id":
            if value:
                await self.upload.set_channel(value)
        elif name == "client_ids":
            self.upload.add_client_id(value)
        else:
            raise errors.invalid_param(name)

    async def file_start(self, name: str, filename: str, content_type: str) -> None:
        if name != "files":
            raise errors.invalid_param(name or "files")
        await self.upload.begin_file(filename, content_type)

    async def file_data(self, data: bytes) -> None:
        await self.upload.write(data)

    async def file_end(self) -> None:
        await self.upload.end_file()


def _declared_length(req: Req) -> int | None:
    raw = req.raw.headers.get("content-length")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        raise upload_unreadable("bad Content-Length") from None


async def upload_files(req: Req) -> Response:
    actor = await req.actor()
    uploads = req.services.files.uploads
    media, options = parse_options_header(req.raw.headers.get("content-type", ""))
    declared = _declared_length(req)
    if declared == 0:
        raise upload_unreadable("Content-Length should not be 0")
    upload = uploads.begin(actor)
    try:
        channel_id = req.query_str("channel_id", max_len=64)
        if channel_id:
            await upload.set_channel(channel_id)
        if media == b"multipart/form-data":
            boundary = options.get(b"boundary")
            if not boundary:
                raise upload_unreadable("multipart/form-data without a boundary")
            most = MAX_FILES_PER_UPLOAD * uploads.max_file_size + MULTIPART_OVERHEAD_BYTES
            if declared is not None and declared > most:
                raise upload_too_large("(request)", most)
            await read_multipart(req.raw.stream(), boundary, _FormParts(upload))
        else:
            await _read_raw(req, upload, media, declared)
        uploaded = await upload.finish()
    except ClientDisconnect:
        # Nobody is left to read this; what matters is that nothing was kept.
        raise upload_unreadable("the client went away before the upload finished") from None
    finally:
        upload.discard()
    body = {
        "file_infos": [i.to_dict() for i in uploaded.file_infos],
        "client_ids": uploaded.client_ids,
    }
    return json_response(body, status=201)


async def _read_raw(req: Req, upload: Upload, media: bytes, declared: int | None) -> None:
    """One file as the whole body, named by ``?filename=`` (Mattermost's simple upload)."""
    # Control characters, NUL too, are dropped from file names (app/files/names.py).
    filename = req.query_str("filename", max_len=1024, nul_ok=True)
    if not filename:
        raise errors.invalid_param(
            "filename",
            "send multipart/form-data, or the file as the body with ?channel_id=&filename=",
        )
    if media == FORM_URLENCODED or media.startswith(b"multipart/"):
        raise upload_unreadable(f"a raw upload cannot be {media.decode('latin-1')}")
    if declared is not None and declared > upload.uploads.max_file_size:
        raise upload_too_large(filename, upload.uploads.max_file_size)
    client_id = req.query_str("client_id", max_len=128)
    if client_id:
        upload.add_client_id(client_id)
    await upload.begin_file(filename, req.raw.headers.get("content-type", ""))
    async for chunk in req.raw.stream():
        if chunk:
            await upload.write(chunk)
    await upload.end_file(whole_body=True)


def _download(req: Req) -> bool:
    # Go's strconv.ParseBool, as Mattermost reads it.
    return req.raw.query_params.get("download", "").lower() in ("1", "t", "true")


async def _serve(req: Req, variant: str) -> Response:
    actor = await req.actor()
    info, blob = await req.services.files.open(actor, req.path_id("file_id"), variant)
    content_type = info.mime_type if variant == ORIGINAL else "image/jpeg"
    return file_response(info.name, content_type, blob.size, blob.chunks(), _download(req))


async def get_file(req: Req) -> Response:
    return await _serve(req, ORIGINAL)


async def get_thumbnail(req: Req) -> Response:
    return await _serve(req, THUMBNAIL)


async def get_preview(req: Req) -> Response:
    return await _serve(req, PREVIEW)


async def get_info(req: Req) -> Response:
    actor = await req.actor()
    info = await req.services.files.get_info(actor, req.path_id("file_id"))
    return json_response(info.to_dict())


async def get_link(req: Req) -> Response:
    actor = await req.actor()
    link = await req.services.files.public_link(actor, req.path_id("file_id"))
    return json_response({"link": link})


async def post_files(req: Req) -> Response:
    actor = await req.actor()
    infos = await req.services.files.for_post(actor, req.path_id("post_id"))
    return json_response([i.to_dict() for i in infos])


async def public_file(req: Req) -> Response:
    info, blob = await req.services.files.open_public(
        req.tenant_id, req.path_id("file_id"), req.query_str("h", max_len=128)
    )
    return file_response(info.name, info.mime_type, blob.size, blob.chunks(), download=False)


def routes() -> list[Route]:
    r = Route
    return [
        r("/files", endpoint(upload_files), methods=["POST"]),
        r("/files/{file_id}", endpoint(get_file), methods=["GET"]),
        r("/files/{file_id}/thumbnail", endpoint(get_thumbnail), methods=["GET"]),
        r("/files/{file_id}/preview", endpoint(get_preview), methods=["GET"]),
        r("/files/{file_id}/info", endpoint(get_info), methods=["GET"]),
        r("/files/{file_id}/link", endpoint(get_link), methods=["GET"]),
        r("/posts/{post_id}/files/info", endpoint(post_files), methods=["GET"]),
    ]


def public_routes() -> list[Route]:
    """Outside /api/v4, as Mattermost serves public links."""
    return [Route("/files/{file_id}/public", endpoint(public_file), methods=["GET"])]
