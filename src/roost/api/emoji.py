"""``/emoji``: custom emoji, created with a multipart form (``emoji`` JSON and an
``image`` file), read, searched and deleted."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from python_multipart.multipart import parse_options_header
from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.multipart import MAX_FIELD_BYTES, read_multipart
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.posts.emoji import MAX_NAMES, CustomEmoji
from roost.app.posts.errors import emoji_unparsable
from roost.model.emoji import EMOJI_NAME_MAX, Emoji

# Emoji images change only by being deleted: clients may keep them (Mattermost's header).
IMAGE_CACHE = {"Cache-Control": "max-age=2592000, private"}
# The form around the image: its field, boundaries and part headers.
FORM_OVERHEAD = MAX_FIELD_BYTES + 8 * 1024


class _EmojiForm:
    """Collects the ``emoji`` field and the ``image`` file, refusing an image past the
    size limit as its bytes arrive."""

    def __init__(self, emoji: CustomEmoji) -> None:
        self._emoji = emoji
        self.meta: str | None = None
        self.image: bytearray | None = None
        self._reading = False

    async def field(self, name: str, value: str) -> None:
        if name == "emoji":
            self.meta = value

    async def file_start(self, name: str, filename: str, content_type: str) -> None:
        self._reading = name == "image" and self.image is None
        if self._reading:
            self.image = bytearray()

    async def file_data(self, data: bytes) -> None:
        if not self._reading or self.image is None:
            return
        self.image += data
        self._emoji.check_size(len(self.image))

    async def file_end(self) -> None:
        self._reading = False


def _list(found: list[Emoji]) -> Response:
    return json_response([e.to_dict() for e in found])


async def create_emoji(req: Req) -> Response:
    actor = await req.actor()
    service = req.services.custom_emoji
    declared = req.raw.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > service.max_bytes + FORM_OVERHEAD:
        service.check_size(int(declared))
    await service.check_can_create(actor)
    media, options = parse_options_header(req.raw.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise emoji_unparsable("expected multipart/form-data")
    form = _EmojiForm(service)
    await read_multipart(req.raw.stream(), boundary, form)
    image = bytes(form.image) if form.image is not None else None
    emoji = await service.do_create(actor, form.meta, image)
    return json_response(emoji.to_dict())


async def list_emoji(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    sort = req.query_str("sort", "", 16)
    return _list(await req.services.custom_emoji.page(actor, offset, limit, sort))


async def get_emoji(req: Req) -> Response:
    actor = await req.actor()
    emoji = await req.services.custom_emoji.get(actor, req.path_id("emoji_id"))
    return json_response(emoji.to_dict())


async def get_emoji_by_name(req: Req) -> Response:
    actor = await req.actor()
    name = req.path_str("emoji_name", EMOJI_NAME_MAX)
    return json_response((await req.services.custom_emoji.get_by_name(actor, name)).to_dict())


async def get_emoji_by_names(req: Req) -> Response:
    actor = await req.actor()
    # More than 200 names is the service's own error; this bound only caps the parse.
    names = await req.str_list("names", MAX_NAMES * 10, EMOJI_NAME_MAX)
    return _list(await req.services.custom_emoji.get_by_names(actor, names))


class SearchBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    term: str = ""
    prefix_only: bool = False


async def search_emoji(req: Req) -> Response:
    actor = await req.actor()
    body = await req.model(SearchBody)
    return _list(await req.services.custom_emoji.search(actor, body.term, body.prefix_only))


async def autocomplete_emoji(req: Req) -> Response:
    actor = await req.actor()
    name = req.query_str("name", "", EMOJI_NAME_MAX)
    return _list(await req.services.custom_emoji.autocomplete(actor, name))


async def emoji_image(req: Req) -> Response:
    actor = await req.actor()
    image = await req.services.custom_emoji.image(actor, req.path_id("emoji_id"))
    return Response(image.data, media_type=image.content_type, headers=IMAGE_CACHE)


async def delete_emoji(req: Req) -> Response:
    actor = await req.actor()
    await req.services.custom_emoji.do_delete(actor, req.path_id("emoji_id"))
    return ok_response()


def routes() -> list[Route]:
    r = Route
    # The fixed paths before /emoji/{emoji_id}, which would take them for ids.
    return [
        r("/emoji", endpoint(create_emoji), methods=["POST"]),
        r("/emoji", endpoint(list_emoji), methods=["GET"]),
        r("/emoji/names", endpoint(get_emoji_by_names), methods=["POST"]),
        r("/emoji/search", endpoint(search_emoji), methods=["POST"]),
        r("/emoji/autocomplete", endpoint(autocomplete_emoji), methods=["GET"]),
        r("/emoji/name/{emoji_name}", endpoint(get_emoji_by_name), methods=["GET"]),
        r("/emoji/{emoji_id}", endpoint(get_emoji), methods=["GET"]),
        r("/emoji/{emoji_id}", endpoint(delete_emoji), methods=["DELETE"]),
        r("/emoji/{emoji_id}/image", endpoint(emoji_image), methods=["GET"]),
    ]
