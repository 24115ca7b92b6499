"""Custom user groups' routes (``/groups``, ``/users/{user_id}/groups``), as Mattermost's."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response
from roost.store.messaging.groups import GroupQuery


async def list_groups(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    query = GroupQuery(
        actor.tenant_id,
        q=req.query_str("q", max_len=128),
        has_member=req.query_id("filter_has_member"),
        include_archived=req.query_bool("include_archived"),
        only_archived=req.query_bool("filter_archived"),
        only_referenceable=req.query_bool("filter_allow_reference"),
        since=req.query_int("since", 0),
        offset=offset,
        limit=limit,
    )
    query.source = req.query_str("group_source", max_len=16)
    groups = await req.services.messaging.groups.search(
        actor,
        query,
        req.query_bool("include_member_count"),
        req.query_bool("include_member_ids"),
    )
    shown = [g.to_dict() for g in groups]
    if req.query_bool("include_total_count"):
        total = await req.services.messaging.groups.count(actor, query.source)
        return json_response({"groups": shown, "total_count": total})
    return json_response(shown)


async def create_group(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    group = await req.services.messaging.groups.do_create(actor, body)
    return json_response(group.to_dict(), status=201)


async def get_group(req: Req) -> Response:
    actor = await req.actor()
    group = await req.services.messaging.groups.get(
        actor,
        req.path_id("group_id"),
        req.query_bool("include_member_count"),
        req.query_bool("include_member_ids"),
    )
    return json_response(group.to_dict())


async def patch_group(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    group = await req.services.messaging.groups.do_patch(actor, req.path_id("group_id"), body)
    return json_response(group.to_dict())


async def delete_group(req: Req) -> Response:
    actor = await req.actor()
    group = await req.services.messaging.groups.do_delete(actor, req.path_id("group_id"))
    return json_response(group.to_dict())


async def restore_group(req: Req) -> Response:
    actor = await req.actor()
    group = await req.services.messaging.groups.do_restore(actor, req.path_id("group_id"))
    return json_response(group.to_dict())


async def group_members(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    members, total = await req.services.messaging.groups.members(
        actor, req.path_id("group_id"), offset, limit
    )
    return json_response({"members": members, "total_member_count": total})


async def add_members(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    added = await req.services.messaging.groups.do_add_members(actor, req.path_id("group_id"), body)
    return json_response(added)


async def remove_members(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    removed = await req.services.messaging.groups.do_remove_members(
        actor, req.path_id("group_id"), body
    )
    return json_response(removed)


async def group_stats(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.messaging.groups.stats(actor, req.path_id("group_id")))


async def user_groups(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    groups = await req.services.messaging.groups.for_user(actor, user_id)
    return json_response([g.to_dict() for g in groups])


def routes() -> list[Route]:
    one = "/groups/{group_id}"
    return [
        Route("/groups", endpoint(list_groups), methods=["GET"]),
        Route("/groups", endpoint(create_group), methods=["POST"]),
        Route(one, endpoint(get_group), methods=["GET"]),
        Route(one, endpoint(delete_group), methods=["DELETE"]),
        Route(f"{one}/patch", endpoint(patch_group), methods=["PUT"]),
        Route(f"{one}/restore", endpoint(restore_group), methods=["POST"]),
        Route(f"{one}/members", endpoint(group_members), methods=["GET"]),
        Route(f"{one}/members", endpoint(add_members), methods=["POST"]),
        Route(f"{one}/members", endpoint(remove_members), methods=["DELETE"]),
        Route(f"{one}/stats", endpoint(group_stats), methods=["GET"]),
        Route("/users/{user_id}/groups", endpoint(user_groups), methods=["GET"]),
    ]
