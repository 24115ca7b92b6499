"""``/channels`` and channel lookups by team and user."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.ids import is_valid_id

NAME_PARAM_MAX = 64
SEARCH_TERM_MAX = 64
MAX_GROUP_IDS = 16


async def create_channel(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.do_create(actor, await req.json_object())
    return json_response(channel.to_dict(), status=201)


async def create_direct(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json()
    # Not ``id_list``: a note-to-self names the same user twice.
    if (
        not isinstance(body, list)
        or len(body) != 2
        or not all(isinstance(v, str) and is_valid_id(v) for v in body)
    ):
        raise errors.invalid_body_param("user_ids")
    channel = await req.services.direct_channels.do_create_direct(actor, body[0], body[1])
    return json_response(channel.to_dict(), status=201)


async def create_group(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("user_ids", MAX_GROUP_IDS)
    channel = await req.services.direct_channels.do_create_group(actor, ids)
    return json_response(channel.to_dict(), status=201)


async def get_channel(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.get(actor, req.path_id("channel_id"))
    return json_response(channel.to_dict())


async def patch_channel(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.do_patch(
        actor, req.path_id("channel_id"), await req.json_object()
    )
    return json_response(channel.to_dict())


async def update_channel(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.do_patch(
        actor, req.path_id("channel_id"), await req.json_object(), replace=True
    )
    return json_response(channel.to_dict())


async def delete_channel(req: Req) -> Response:
    actor = await req.actor()
    await req.services.channels.do_delete(actor, req.path_id("channel_id"))
    return ok_response()


async def restore_channel(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.do_restore(actor, req.path_id("channel_id"))
    return json_response(channel.to_dict())


async def member_timezones(req: Req) -> Response:
    actor = await req.actor()
    channel_id = req.path_id("channel_id")
    return json_response(await req.services.channel_members.timezones(actor, channel_id))


async def channel_stats(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.channels.stats(actor, req.path_id("channel_id")))


# By team.


async def _team_channels(req: Req, kind: str) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    channels = await req.services.channels.list_team_channels(
        actor, req.path_id("team_id"), offset=offset, limit=limit, kind=kind
    )
    return json_response([c.to_dict() for c in channels])


async def public_channels(req: Req) -> Response:
    return await _team_channels(req, "public")


async def deleted_channels(req: Req) -> Response:
    return await _team_channels(req, "deleted")


async def private_channels(req: Req) -> Response:
    return await _team_channels(req, "private")


async def search_channels(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    term = body.get("term")
    if not isinstance(term, str) or len(term) > SEARCH_TERM_MAX:
        raise errors.invalid_body_param("term")
    channels = await req.services.channels.list_team_channels(
        actor, req.path_id("team_id"), offset=0, limit=100, term=term.strip()
    )
    return json_response([c.to_dict() for c in channels])


async def autocomplete_channels(req: Req) -> Response:
    actor = await req.actor()
    name = req.query_str("name", max_len=SEARCH_TERM_MAX).strip()
    channels = await req.services.channels.list_team_channels(
        actor, req.path_id("team_id"), offset=0, limit=50, term=name
    )
    return json_response([c.to_dict() for c in channels])


async def channel_by_name(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.get_by_name(
        actor,
        req.path_id("team_id"),
        req.path_str("channel_name", NAME_PARAM_MAX),
        req.query_bool("include_deleted"),
    )
    return json_response(channel.to_dict())


async def channel_by_team_name(req: Req) -> Response:
    actor = await req.actor()
    channel = await req.services.channels.get_by_team_name(
        actor,
        req.path_str("team_name", NAME_PARAM_MAX),
        req.path_str("channel_name", NAME_PARAM_MAX),
        req.query_bool("include_deleted"),
    )
    return json_response(channel.to_dict())


# By user.


async def user_team_channels(req: Req) -> Response:
    actor = await req.actor()
    channels = await req.services.channels.for_user(
        actor,
        await req.user_id_param(),
        req.path_id("team_id"),
        include_deleted=req.query_bool("include_deleted"),
    )
    return json_response([c.to_dict() for c in channels])


async def user_channels(req: Req) -> Response:
    actor = await req.actor()
    channels = await req.services.channels.for_user(
        actor, await req.user_id_param(), include_deleted=req.query_bool("include_deleted")
    )
    return json_response([c.to_dict() for c in channels])


def routes() -> list[Route]:
    r = Route
    return [
        r("/channels", endpoint(create_channel), methods=["POST"]),
        r("/channels/direct", endpoint(create_direct), methods=["POST"]),
        r("/channels/group", endpoint(create_group), methods=["POST"]),
        r("/channels/{channel_id}", endpoint(get_channel), methods=["GET"]),
        r("/channels/{channel_id}", endpoint(update_channel), methods=["PUT"]),
        r("/channels/{channel_id}", endpoint(delete_channel), methods=["DELETE"]),
        r("/channels/{channel_id}/patch", endpoint(patch_channel), methods=["PUT"]),
        r("/channels/{channel_id}/restore", endpoint(restore_channel), methods=["POST"]),
        r("/channels/{channel_id}/stats", endpoint(channel_stats), methods=["GET"]),
        r("/channels/{channel_id}/timezones", endpoint(member_timezones), methods=["GET"]),
        r("/teams/{team_id}/channels", endpoint(public_channels), methods=["GET"]),
        r("/teams/{team_id}/channels/deleted", endpoint(deleted_channels), methods=["GET"]),
        r("/teams/{team_id}/channels/private", endpoint(private_channels), methods=["GET"]),
        r("/teams/{team_id}/channels/search", endpoint(search_channels), methods=["POST"]),
        r(
            "/teams/{team_id}/channels/autocomplete",
            endpoint(autocomplete_channels),
            methods=["GET"],
        ),
        r(
            "/teams/{team_id}/channels/name/{channel_name}",
            endpoint(channel_by_name),
            methods=["GET"],
        ),
        r(
            "/teams/name/{team_name}/channels/name/{channel_name}",
            endpoint(channel_by_team_name),
            methods=["GET"],
        ),
        r("/users/{user_id}/channels", endpoint(user_channels), methods=["GET"]),
        r(
            "/users/{user_id}/teams/{team_id}/channels",
            endpoint(user_team_channels),
            methods=["GET"],
        ),
    ]
