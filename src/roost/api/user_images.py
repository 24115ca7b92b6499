"""``/users/{id}/image``: profile pictures, read, uploaded (multipart field ``image``)
and reset to the default."""

from __future__ import annotations

import asyncio

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import ok_response
from roost.api.picture_upload import read_picture
from roost.app.accounts.avatars import default_avatar_png
from roost.app.accounts.errors import image_too_large
from roost.app.accounts.profile_images import MAX_IMAGE_BYTES

CACHE = {"Cache-Control": "max-age=300, private"}


async def user_image(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.users.get_seen(actor, await req.user_id_param())
    png = await req.services.profile_images.png(actor.tenant_id, user)
    return Response(png, media_type="image/png", headers=CACHE)


async def default_image(req: Req) -> Response:
    actor = await req.actor()
    user = await req.services.users.get_seen(actor, await req.user_id_param())
    png = await asyncio.to_thread(default_avatar_png, user.id, user.username)
    return Response(png, media_type="image/png", headers=CACHE)


async def set_image(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    req.services.users.check_can_edit(actor, user_id)
    data = await read_picture(req, lambda: image_too_large(MAX_IMAGE_BYTES))
    await req.services.profile_images.do_set(actor, user_id, data)
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
