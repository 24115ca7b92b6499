"""``/users/{user_id}/teams/{team_id}/channels/categories``: a user's sidebar categories.

Client4 sends the user's real id here (not ``me``); ``me`` is taken too."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response

BASE = "/users/{user_id}/teams/{team_id}/channels/categories"


async def _owner(req: Req) -> tuple[str, str]:
    return await req.user_id_param(), req.path_id("team_id")


async def list_categories(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    categories, order = await req.services.categories.for_team(actor, user_id, team_id)
    return json_response({"categories": [c.to_dict() for c in categories], "order": order})


async def create_category(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    created = await req.services.categories.do_create(actor, user_id, team_id, await req.json())
    # Mattermost answers 200 here, not 201.
    return json_response(created.to_dict())


async def update_categories(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    updated = await req.services.categories.do_update(actor, user_id, team_id, await req.json())
    return json_response([c.to_dict() for c in updated])


async def get_order(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    return json_response(await req.services.categories.order(actor, user_id, team_id))


async def set_order(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    order = await req.services.categories.do_set_order(actor, user_id, team_id, await req.json())
    return json_response(order)


def _category_id(req: Req) -> str:
    # Checked by the service: default categories' ids are not plain ids.
    return str(req.raw.path_params.get("category_id", ""))


async def get_category(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    category = await req.services.categories.get(actor, user_id, team_id, _category_id(req))
    return json_response(category.to_dict())


async def update_category(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    category_id = _category_id(req)
    body = await req.json()
    updated = await req.services.categories.do_update(actor, user_id, team_id, body, category_id)
    return json_response(updated[0].to_dict())


async def delete_category(req: Req) -> Response:
    actor = await req.actor()
    user_id, team_id = await _owner(req)
    await req.services.categories.do_delete(actor, user_id, team_id, _category_id(req))
    return ok_response()


def routes() -> list[Route]:
    return [
        Route(BASE, endpoint(list_categories), methods=["GET"]),
        Route(BASE, endpoint(create_category), methods=["POST"]),
        Route(BASE, endpoint(update_categories), methods=["PUT"]),
        Route(f"{BASE}/order", endpoint(get_order), methods=["GET"]),
        Route(f"{BASE}/order", endpoint(set_order), methods=["PUT"]),
        Route(f"{BASE}/{{category_id}}", endpoint(get_category), methods=["GET"]),
        Route(f"{BASE}/{{category_id}}", endpoint(update_category), methods=["PUT"]),
        Route(f"{BASE}/{{category_id}}", endpoint(delete_category), methods=["DELETE"]),
    ]
