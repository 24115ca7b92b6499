"""``/teams`` and a user's teams: teams, their members and unread counts."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import MAX_PER_PAGE, Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.api.member_roles import admin_from_roles, admin_from_scheme_roles
from roost.app.channels.teams import TeamQuery
from roost.app.kernel import errors
from roost.ids import is_valid_id

MAX_MEMBER_IDS = 1000
TEAM_NAME_PARAM_MAX = 64
SEARCH_TERM_MAX = 128


async def create_team(req: Req) -> Response:
    actor = await req.actor()
    team = await req.services.teams.do_create(actor, await req.json_object())
    return json_response(team.to_dict(), status=201)


async def list_teams(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    teams, total = await req.services.teams.list_teams(
        actor, offset=offset, limit=limit, include_deleted=req.query_bool("include_deleted")
    )
    body = [t.to_dict() for t in teams]
    if req.query_bool("include_total_count"):
        return json_response({"teams": body, "total_count": total})
    return json_response(body)


def _optional(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    # bool is an int to Python; neither stands in for the other in a search body.
    if value is not None and (type(value) is not kind):
        raise errors.invalid_body_param("team_search", f"{name} must be a {kind.__name__}")
    return value


def _team_query(body: dict[str, Any]) -> TeamQuery:
    term = _optional(body, "term", str) or ""
    if len(term) > SEARCH_TERM_MAX:
        raise errors.invalid_body_param("team_search", "term is too long")
    page, per_page = _optional(body, "page", int), _optional(body, "per_page", int)
    if (page is not None and page < 0) or (per_page is not None and per_page < 0):
        raise errors.invalid_body_param("team_search", "page and per_page are not negative")
    return TeamQuery(
        term=term,
        allow_open_invite=_optional(body, "allow_open_invite", bool),
        group_constrained=_optional(body, "group_constrained", bool),
        # Mattermost pages (and answers {teams, total_count}) only when both are given.
        paged=page is not None and per_page is not None,
        page=page or 0,
        per_page=min(per_page or 0, MAX_PER_PAGE),
    )


async def search_teams(req: Req) -> Response:
    actor = await req.actor()
    query = _team_query(await req.json_object())
    teams, total = await req.services.teams.search(actor, query)
    body = [t.to_dict() for t in teams]
    if query.paged:
        return json_response({"teams": body, "total_count": total})
    return json_response(body)


async def get_team(req: Req) -> Response:
    actor = await req.actor()
    team = await req.services.teams.get(actor, req.path_id("team_id"))
    return json_response(team.to_dict())


async def team_by_name(req: Req) -> Response:
    actor = await req.actor()
    team = await req.services.teams.get_by_name(actor, req.path_str("name", TEAM_NAME_PARAM_MAX))
    return json_response(team.to_dict())


async def team_exists(req: Req) -> Response:
    actor = await req.actor()
    found = await req.services.teams.exists(actor, req.path_str("name", TEAM_NAME_PARAM_MAX))
    return json_response({"exists": found})


async def patch_team(req: Req) -> Response:
    actor = await req.actor()
    team_id = req.path_id("team_id")
    team = await req.services.teams.do_patch(actor, team_id, await req.json_object())
    return json_response(team.to_dict())


async def update_team(req: Req) -> Response:
    actor = await req.actor()
    team_id = req.path_id("team_id")
    body = await req.json_object()
    if body.get("id") not in (None, team_id):
        raise errors.invalid_body_param("id")
    team = await req.services.teams.do_patch(actor, team_id, body)
    return json_response(team.to_dict())


async def update_privacy(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    privacy = body.get("privacy")
    if not isinstance(privacy, str):
        raise errors.invalid_body_param("privacy")
    team = await req.services.teams.do_set_privacy(actor, req.path_id("team_id"), privacy)
    return json_response(team.to_dict())


async def delete_team(req: Req) -> Response:
    actor = await req.actor()
    await req.services.teams.do_delete(actor, req.path_id("team_id"))
    return ok_response()


async def restore_team(req: Req) -> Response:
    actor = await req.actor()
    team = await req.services.teams.do_restore(actor, req.path_id("team_id"))
    return json_response(team.to_dict())


async def team_stats(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.teams.stats(actor, req.path_id("team_id")))


# Members.


async def list_members(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    members = await req.services.teams.members(
        actor, req.path_id("team_id"), offset=offset, limit=limit
    )
    return json_response([m.to_dict() for m in members])


async def get_member(req: Req) -> Response:
    actor = await req.actor()
    member = await req.services.teams.member(
        actor, req.path_id("team_id"), await req.user_id_param()
    )
    return json_response(member.to_dict())


async def members_by_ids(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("user_ids", MAX_MEMBER_IDS)
    members = await req.services.teams.members_by_ids(actor, req.path_id("team_id"), ids)
    return json_response([m.to_dict() for m in members])


def _member_user_id(body: Any, team_id: str) -> str:
    if not isinstance(body, dict):
        raise errors.invalid_body_param("member")
    user_id = body.get("user_id")
    if not isinstance(user_id, str) or not is_valid_id(user_id):
        raise errors.invalid_body_param("user_id")
    if body.get("team_id") not in (None, "", team_id):
        raise errors.invalid_body_param("team_id")
    return user_id


async def add_member(req: Req) -> Response:
    actor = await req.actor()
    team_id = req.path_id("team_id")
    user_id = _member_user_id(await req.json_object(), team_id)
    members = await req.services.teams.do_add_members(actor, team_id, [user_id])
    return json_response(members[0].to_dict(), status=201)


async def add_members_batch(req: Req) -> Response:
    actor = await req.actor()
    team_id = req.path_id("team_id")
    body = await req.json()
    if not isinstance(body, list) or not body:
        raise errors.invalid_body_param("members")
    user_ids = list(dict.fromkeys(_member_user_id(item, team_id) for item in body))
    members = await req.services.teams.do_add_members(actor, team_id, user_ids, as_requestor=True)
    return json_response([m.to_dict() for m in members], status=201)


async def join_by_invite(req: Req) -> Response:
    actor = await req.actor()
    invite_id = req.query_id("invite_id", required=True)
    member = await req.services.teams.do_join_by_invite(actor, invite_id)
    return json_response(member.to_dict(), status=201)


async def remove_member(req: Req) -> Response:
    actor = await req.actor()
    await req.services.teams.do_remove_member(
        actor, req.path_id("team_id"), await req.user_id_param()
    )
    return ok_response()


async def update_member_roles(req: Req) -> Response:
    actor = await req.actor()
    admin = await admin_from_roles(req, "team")
    await req.services.teams.do_update_member_roles(
        actor, req.path_id("team_id"), await req.user_id_param(), scheme_admin=admin
    )
    return ok_response()


async def update_member_scheme_roles(req: Req) -> Response:
    actor = await req.actor()
    admin = await admin_from_scheme_roles(req)
    await req.services.teams.do_update_member_roles(
        actor, req.path_id("team_id"), await req.user_id_param(), scheme_admin=admin
    )
    return ok_response()


# A user's teams.


async def user_teams(req: Req) -> Response:
    actor = await req.actor()
    teams = await req.services.teams.for_user(actor, await req.user_id_param())
    return json_response([t.to_dict() for t in teams])


async def user_team_members(req: Req) -> Response:
    actor = await req.actor()
    members = await req.services.teams.members_for_user(actor, await req.user_id_param())
    return json_response([m.to_dict() for m in members])


async def user_teams_unread(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    exclude = req.query_id("exclude_team")
    return json_response(await req.services.teams.unreads(actor, user_id, exclude_team=exclude))


async def user_team_unread(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    rows = await req.services.teams.unreads(actor, user_id, team_id=req.path_id("team_id"))
    return json_response(rows[0])


def routes() -> list[Route]:
    r = Route
    return [
        r("/teams", endpoint(create_team), methods=["POST"]),
        r("/teams", endpoint(list_teams), methods=["GET"]),
        r("/teams/search", endpoint(search_teams), methods=["POST"]),
        r("/teams/members/invite", endpoint(join_by_invite), methods=["POST"]),
        r("/teams/name/{name}", endpoint(team_by_name), methods=["GET"]),
        r("/teams/name/{name}/exists", endpoint(team_exists), methods=["GET"]),
        r("/teams/{team_id}", endpoint(get_team), methods=["GET"]),
        r("/teams/{team_id}", endpoint(update_team), methods=["PUT"]),
        r("/teams/{team_id}", endpoint(delete_team), methods=["DELETE"]),
        r("/teams/{team_id}/restore", endpoint(restore_team), methods=["POST"]),
        r("/teams/{team_id}/patch", endpoint(patch_team), methods=["PUT"]),
        r("/teams/{team_id}/privacy", endpoint(update_privacy), methods=["PUT"]),
        r("/teams/{team_id}/stats", endpoint(team_stats), methods=["GET"]),
        r("/teams/{team_id}/members", endpoint(list_members), methods=["GET"]),
        r("/teams/{team_id}/members", endpoint(add_member), methods=["POST"]),
        r("/teams/{team_id}/members/batch", endpoint(add_members_batch), methods=["POST"]),
        r("/teams/{team_id}/members/ids", endpoint(members_by_ids), methods=["POST"]),
        r("/teams/{team_id}/members/{user_id}", endpoint(get_member), methods=["GET"]),
        r("/teams/{team_id}/members/{user_id}", endpoint(remove_member), methods=["DELETE"]),
        r(
            "/teams/{team_id}/members/{user_id}/roles",
            endpoint(update_member_roles),
            methods=["PUT"],
        ),
        r(
            "/teams/{team_id}/members/{user_id}/schemeRoles",
            endpoint(update_member_scheme_roles),
            methods=["PUT"],
        ),
        r("/users/{user_id}/teams", endpoint(user_teams), methods=["GET"]),
        r("/users/{user_id}/teams/members", endpoint(user_team_members), methods=["GET"]),
        r("/users/{user_id}/teams/unread", endpoint(user_teams_unread), methods=["GET"]),
        r("/users/{user_id}/teams/{team_id}/unread", endpoint(user_team_unread), methods=["GET"]),
    ]
