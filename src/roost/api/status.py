"""User statuses and preferences."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.ids import is_valid_id
from roost.model.user import Preference


async def get_status(req: Req) -> Response:
    actor = await req.actor()
    status = await req.services.statuses.get(actor.tenant_id, await req.user_id_param())
    return json_response(status.to_dict())


async def set_status(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    body = await req.json_object()
    status = body.get("status")
    if body.get("user_id", user_id) != user_id or not isinstance(status, str):
        raise errors.invalid_body_param("status")
    dnd_end = body.get("dnd_end_time", 0)
    if not isinstance(dnd_end, int) or dnd_end < 0:
        raise errors.invalid_body_param("dnd_end_time")
    saved = await req.services.statuses.do_set_manual(actor, user_id, status, dnd_end)
    return json_response(saved.to_dict())


async def statuses_by_ids(req: Req) -> Response:
    actor = await req.actor()
    ids = await req.id_list("user_ids")
    statuses = await req.services.statuses.get_many(actor.tenant_id, ids)
    return json_response([s.to_dict() for s in statuses])


async def _preferences_body(req: Req, user_id: str) -> list[Preference]:
    data = await req.json()
    if not isinstance(data, list):
        raise errors.invalid_body_param("preferences")
    prefs = []
    for item in data:
        if not isinstance(item, dict):
            raise errors.invalid_body_param("preferences")
        uid, category, name, value = (
            item.get("user_id", user_id),
            item.get("category"),
            item.get("name", ""),
            item.get("value", ""),
        )
        if not isinstance(uid, str) or not is_valid_id(uid):
            raise errors.invalid_body_param("user_id")
        if not all(isinstance(v, str) for v in (category, name, value)):
            raise errors.invalid_body_param("preferences")
        prefs.append(Preference(uid, str(category), str(name), str(value)))
    return prefs


async def get_preferences(req: Req) -> Response:
    actor = await req.actor()
    prefs = await req.services.preferences.get(actor, await req.user_id_param())
    return json_response([p.to_dict() for p in prefs])


async def get_preferences_by_category(req: Req) -> Response:
    actor = await req.actor()
    category = req.path_str("category", 32)
    prefs = await req.services.preferences.get(actor, await req.user_id_param(), category)
    return json_response([p.to_dict() for p in prefs])


async def get_preference(req: Req) -> Response:
    actor = await req.actor()
    category = req.path_str("category", 32)
    name = req.path_str("name", 64)
    prefs = await req.services.preferences.get(actor, await req.user_id_param(), category)
    for pref in prefs:
        if pref.name == name:
            return json_response(pref.to_dict())
    raise errors.not_found("preference", "app.preference.get.app_error")


async def save_preferences(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.preferences.do_save(actor, user_id, await _preferences_body(req, user_id))
    return ok_response()


async def delete_preferences(req: Req) -> Response:
    actor = await req.actor()
    user_id = await req.user_id_param()
    await req.services.preferences.do_delete(actor, user_id, await _preferences_body(req, user_id))
    return ok_response()


def routes() -> list[Route]:
    return [
        Route("/users/status/ids", endpoint(statuses_by_ids), methods=["POST"]),
        Route("/users/{user_id}/status", endpoint(get_status), methods=["GET"]),
        Route("/users/{user_id}/status", endpoint(set_status), methods=["PUT"]),
        Route("/users/{user_id}/preferences", endpoint(get_preferences), methods=["GET"]),
        Route("/users/{user_id}/preferences", endpoint(save_preferences), methods=["PUT"]),
        Route(
            "/users/{user_id}/preferences/delete", endpoint(delete_preferences), methods=["POST"]
        ),
        Route(
            "/users/{user_id}/preferences/{category}",
            endpoint(get_preferences_by_category),
            methods=["GET"],
        ),
        Route(
            "/users/{user_id}/preferences/{category}/name/{name}",
            endpoint(get_preference),
            methods=["GET"],
        ),
    ]
