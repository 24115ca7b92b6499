"""``/users/{id}/image``: profile pictures, read, uploaded (multipart field ``image``)
and reset to the default."""

from __future__ import annotations

import asyncio

from python_multipart.multipart import parse_options_header
from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.multipart import read_multipart
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import ok_response
from roost.app.accounts.avatars import default_avatar_png
from roost.app.accounts.errors import image_too_large
from roost.app.accounts.profile_images import MAX_IMAGE_BYTES
from roost.app.files.errors import upload_unreadable

CACHE = {"Cache-Control": "max-age=300, private"}


class _ImagePart:
    """Collects the ``image`` file of the form, refusing it past the size limit as the
    bytes arrive."""

    def __init__(self) -> None:
        self.data = bytearray()
        self._reading = False

    async def field(self, name: str, value: str) -> None:
        return None

    async def file_start(self, name: str, filename: str, content_type: str) -> None:
        self._reading = name == "image"

    async def file_data(self, data: bytes) -> None:
        if not self._reading:
            return
        self.data += data
        if len(self.data) > MAX_IMAGE_BYTES:
            raise image_too_large(MAX_IMAGE_BYTES)

    async def file_end(self) -> None:
        self._reading = False


async def user_image(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.users.get(actor.tenant_id, await req.user_id_param())
    png = await req.services.profile_images.png(actor.tenant_id, user)
    return Response(png, media_type="image/png", headers=CACHE)


async def default_image(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.users.get(actor.tenant_id, await req.user_id_param())
    png = await asyncio.to_thread(default_avatar_png, user.id, user.username)
    return Response(png, media_type="image/png", headers=CACHE)


async def set_image(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    req.services.users.check_can_edit(actor, user_id)
    media, options = parse_options_header(req.raw.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise upload_unreadable("expected multipart/form-data with an 'image' file")
    part = _ImagePart()
    await read_multipart(req.raw.stream(), boundary, part)
    await req.services.profile_images.do_set(actor, user_id, bytes(part.data))
    return ok_response()


async def reset_image(req: Req) -> Response:
    actor = await req.actor()
    await req.services.profile_images.do_reset(actor, await req.user_id_param())
    return ok_response()


def image_routes() -> list[Route]:
    return [
        Route("/users/{user_id}/image", endpoint(user_image), methods=["GET"]),
        Route("/users/{user_id}/image", endpoint(set_image), methods=["POST"]),
        Route("/users/{user_id}/image", endpoint(reset_image), methods=["DELETE"]),
        Route("/users/{user_id}/image/default", endpoint(default_image), methods=["GET"]),
    ]
