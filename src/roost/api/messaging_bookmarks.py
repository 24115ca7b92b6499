"""Channel bookmarks' routes (``/channels/{channel_id}/bookmarks``), as Mattermost's."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response


async def list_bookmarks(req: Req) -> Response:
    actor = await req.actor()
    since = req.query_int("bookmarks_since", 0)
    found = await req.services.messaging.bookmarks.for_channel(
        actor, req.path_id("channel_id"), since
    )
    return json_response(found)


async def create_bookmark(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    made = await req.services.messaging.bookmarks.do_create(actor, req.path_id("channel_id"), body)
    return json_response(made, status=201)


async def patch_bookmark(req: Req) -> Response:
    actor = await req.actor()
    channel_id = req.path_id("channel_id")
    bookmark_id = req.path_id("bookmark_id")
    body = await req.json_object()
    changed = await req.services.messaging.bookmarks.do_patch(actor, channel_id, bookmark_id, body)
    return json_response(changed)


async def sort_bookmark(req: Req) -> Response:
    actor = await req.actor()
    channel_id = req.path_id("channel_id")
    bookmark_id = req.path_id("bookmark_id")
    # The body is the new position alone, a bare JSON number.
    new_index = await req.json()
    ordered = await req.services.messaging.bookmarks.do_sort(
        actor, channel_id, bookmark_id, new_index
    )
    return json_response(ordered)


async def delete_bookmark(req: Req) -> Response:
    actor = await req.actor()
    channel_id = req.path_id("channel_id")
    bookmark_id = req.path_id("bookmark_id")
    gone = await req.services.messaging.bookmarks.do_delete(actor, channel_id, bookmark_id)
    return json_response(gone)


def routes() -> list[Route]:
    one = "/channels/{channel_id}/bookmarks/{bookmark_id}"
    return [
        Route("/channels/{channel_id}/bookmarks", endpoint(list_bookmarks), methods=["GET"]),
        Route("/channels/{channel_id}/bookmarks", endpoint(create_bookmark), methods=["POST"]),
        Route(one, endpoint(patch_bookmark), methods=["PATCH"]),
        Route(f"{one}/sort_order", endpoint(sort_bookmark), methods=["POST"]),
        Route(one, endpoint(delete_bookmark), methods=["DELETE"]),
    ]
