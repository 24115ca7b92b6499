"""Channel members, their settings, and read state (views and unread counts)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.api.member_roles import admin_from_roles, admin_from_scheme_roles
from roost.app.kernel import errors
from roost.ids import is_valid_id

MAX_MEMBER_IDS = 1000
MAX_VIEW_IDS = 200


def _optional_id(body: dict[str, Any], name: str, field: str = "") -> str:
    value = body.get(name) or ""
    if not isinstance(value, str) or (value and not is_valid_id(value)):
        raise errors.invalid_param(field or name)
    return value


async def list_members(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    members = await req.services.channel_members.list_members(
        actor, req.path_id("channel_id"), offset=offset, limit=limit
    )
    return json_response([m.to_dict() for m in members])


async def get_member(req: Req) -> Response:
    actor = await req.actor()
    member = await req.services.channel_members.get(
        actor, req.path_id("channel_id"), await req.user_id_param()
    )
    return json_response(member.to_dict())


async def members_by_ids(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("user_ids", MAX_MEMBER_IDS)
    members = await req.services.channel_members.by_ids(actor, req.path_id("channel_id"), ids)
    return json_response([m.to_dict() for m in members])


async def add_members(req: Req) -> Response:
    """``{"user_id"}`` gives back one member; ``{"user_ids": [...]}`` a list."""
    actor = await req.actor()
    channel_id = req.path_id("channel_id")
    body = await req.json_object()
    _optional_id(body, "post_root_id")
    if body.get("user_ids") is not None:
        ids = body["user_ids"]
        if not isinstance(ids, list) or not all(isinstance(v, str) and is_valid_id(v) for v in ids):
            raise errors.invalid_body_param("user_ids")
        members = await req.services.channel_members.do_add(
            actor, channel_id, list(dict.fromkeys(ids))
        )
        return json_response([m.to_dict() for m in members], status=201)
    user_id = _optional_id(body, "user_id")
    if not user_id:
        raise errors.invalid_body_param("user_id")
    members = await req.services.channel_members.do_add(actor, channel_id, [user_id])
    return json_response(members[0].to_dict(), status=201)


async def remove_member(req: Req) -> Response:
    actor = await req.actor()
    await req.services.channel_members.do_remove(
        actor, req.path_id("channel_id"), await req.user_id_param()
    )
    return ok_response()


async def update_notify_props(req: Req) -> Response:
    actor = await req.actor()
    await req.services.channel_members.do_update_notify_props(
        actor, req.path_id("channel_id"), await req.user_id_param(), await req.json_object()
    )
    return ok_response()


async def update_roles(req: Req) -> Response:
    actor = await req.actor()
    admin = await admin_from_roles(req, "channel")
    await req.services.channel_members.do_update_roles(
        actor, req.path_id("channel_id"), await req.user_id_param(), scheme_admin=admin
    )
    return ok_response()


async def update_scheme_roles(req: Req) -> Response:
    actor = await req.actor()
    admin = await admin_from_scheme_roles(req)
    await req.services.channel_members.do_update_roles(
        actor, req.path_id("channel_id"), await req.user_id_param(), scheme_admin=admin
    )
    return ok_response()


# Read state.


async def view_channel(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    body = await req.json_object()
    ids = [
        _optional_id(body, "channel_id", "channel_view.channel_id"),
        _optional_id(body, "prev_channel_id", "channel_view.prev_channel_id"),
    ]
    times = await req.services.channel_members.do_view(actor, user_id, ids)
    return json_response({"status": "OK", "last_viewed_at_times": times})


async def mark_read(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    ids = await req.id_list("channel_ids", MAX_VIEW_IDS)
    times = await req.services.channel_members.do_view(actor, user_id, ids)
    return json_response({"status": "OK", "last_viewed_at_times": times})


async def channel_unread(req: Req) -> Response:
    actor = await req.actor()
    unread = await req.services.channel_members.unread(
        actor, await req.user_id_param(), req.path_id("channel_id")
    )
    return json_response(unread)


async def user_team_channel_members(req: Req) -> Response:
    actor = await req.actor()
    members = await req.services.channel_members.for_user(
        actor, await req.user_id_param(), req.path_id("team_id")
    )
    return json_response([m.to_dict() for m in members])


async def user_channel_members(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    members = await req.services.channel_members.for_user(
        actor, await req.user_id_param(), offset=offset, limit=limit
    )
    return json_response([m.to_dict() for m in members])


def routes() -> list[Route]:
    r = Route
    member = "/channels/{channel_id}/members/{user_id}"
    return [
        r("/channels/members/{user_id}/view", endpoint(view_channel), methods=["POST"]),
        r("/channels/members/{user_id}/mark_read", endpoint(mark_read), methods=["POST"]),
        r("/channels/{channel_id}/members", endpoint(list_members), methods=["GET"]),
        r("/channels/{channel_id}/members", endpoint(add_members), methods=["POST"]),
        r("/channels/{channel_id}/members/ids", endpoint(members_by_ids), methods=["POST"]),
        r(member, endpoint(get_member), methods=["GET"]),
        r(member, endpoint(remove_member), methods=["DELETE"]),
        r(member + "/notify_props", endpoint(update_notify_props), methods=["PUT"]),
        r(member + "/roles", endpoint(update_roles), methods=["PUT"]),
        r(member + "/schemeRoles", endpoint(update_scheme_roles), methods=["PUT"]),
        r("/users/{user_id}/channel_members", endpoint(user_channel_members), methods=["GET"]),
        r(
            "/users/{user_id}/channels/{channel_id}/unread",
            endpoint(channel_unread),
            methods=["GET"],
        ),
        r(
            "/users/{user_id}/teams/{team_id}/channels/members",
            endpoint(user_team_channel_members),
            methods=["GET"],
        ),
    ]
