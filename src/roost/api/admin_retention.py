"""``/data_retention/...`` (Mattermost's data retention API), ``/jobs``
(``app/admin/retention.py``, ``app/admin/jobs.py``) and moving a channel to another
team (``app/admin/channel_move.py``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.imports.service import IMPORT_PROCESS
from roost.app.kernel import errors
from roost.app.kernel.errors import AppError, invalid_param
from roost.ids import is_valid_id


async def global_policy(req: Req) -> Response:
    actor = await req.actor()
    return json_response(await req.services.retention.global_policy(actor))


async def list_policies(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    listed, total = await req.services.retention.page(actor, offset, limit)
    return json_response({"policies": [p.to_dict() for p in listed], "total_count": total})


async def count_policies(req: Req) -> Response:
    actor = await req.actor()
    _, total = await req.services.retention.page(actor, 0, 1)
    return json_response({"total_count": total})


async def create_policy(req: Req) -> Response:
    actor = await req.actor()
    policy = await req.services.retention.do_create(actor, await req.json_object())
    return json_response(policy.to_dict(), status=201)


async def get_policy(req: Req) -> Response:
    actor = await req.actor()
    policy = await req.services.retention.get(actor, req.path_id("policy_id"))
    return json_response(policy.to_dict())


async def patch_policy(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    policy = await req.services.retention.do_patch(actor, req.path_id("policy_id"), body)
    return json_response(policy.to_dict())


async def delete_policy(req: Req) -> Response:
    actor = await req.actor()
    await req.services.retention.do_delete(actor, req.path_id("policy_id"))
    return ok_response()


def _kind(req: Req) -> str:
    return "team" if req.raw.url.path.endswith("/teams") else "channel"


async def list_members(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    kind = _kind(req)
    ids = await req.services.retention.members(actor, kind, req.path_id("policy_id"), offset, limit)
    return json_response([{"id": i} for i in ids])


async def add_members(req: Req) -> Response:
    actor = await req.actor()
    await req.services.retention.do_change_members(
        actor, _kind(req), req.path_id("policy_id"), await req.json(), adding=True
    )
    return ok_response()


async def remove_members(req: Req) -> Response:
    actor = await req.actor()
    await req.services.retention.do_change_members(
        actor, _kind(req), req.path_id("policy_id"), await req.json(), adding=False
    )
    return ok_response()


async def user_policies(req: Req) -> Response:
    actor = await req.actor()
    offset, limit = req.paging()
    kind = "team" if req.raw.url.path.endswith("/team_policies") else "channel"
    user_id = await req.user_id_param()
    listed = await req.services.retention.user_policies(actor, kind, user_id, offset, limit)
    return json_response({"policies": listed, "total_count": len(listed)})


# The jobs API serves two kinds of job: imports (``roost.app.imports``, their own table
# and runner) and the administration's (data retention, ``roost.app.admin.jobs``). The
# routes are here, once, and hand each request to the one that runs its type.


async def _page_of(req: Req, job_type: str) -> list[Any]:
    actor = await req.actor()
    offset, limit = req.paging()
    if job_type == IMPORT_PROCESS:
        return await req.services.imports.list_jobs(actor, offset // max(limit, 1), limit)
    return [j.to_dict() for j in await req.services.jobs.page(actor, job_type, offset, limit)]


async def list_jobs(req: Req) -> Response:
    return json_response(await _page_of(req, req.query_str("job_type", "", max_len=32)))


async def list_jobs_of_type(req: Req) -> Response:
    return json_response(await _page_of(req, req.path_str("job_type", 32)))


async def get_job(req: Req) -> Response:
    actor = await req.actor()
    job_id = req.path_id("job_id")
    try:
        return json_response((await req.services.jobs.get(actor, job_id)).to_dict())
    except AppError as missing:
        if missing.status != 404:
            raise
    return json_response(await req.services.imports.get_job(actor, job_id))


async def create_job(req: Req) -> Response:
    actor = await req.actor()
    body = await req.json_object()
    job_type = body.get("type")
    if job_type == IMPORT_PROCESS:
        data = body.get("data") or {}
        if not isinstance(data, dict):
            raise invalid_param("data")
        return json_response(await req.services.imports.create_job(actor, job_type, data), 201)
    job = await req.services.jobs.do_create(actor, job_type if isinstance(job_type, str) else "")
    return json_response(job.to_dict(), status=201)


async def cancel_job(req: Req) -> Response:
    actor = await req.actor()
    await req.services.jobs.do_cancel(actor, req.path_id("job_id"))
    return ok_response()


async def move_channel(req: Req) -> Response:
    """``POST /channels/{channel_id}/move`` (``app/admin/channel_move.py``)."""
    actor = await req.actor()
    body = await req.json_object()
    team_id, force = body.get("team_id"), body.get("force", False)
    if not isinstance(team_id, str) or not is_valid_id(team_id):
        raise errors.invalid_body_param("team_id")
    if not isinstance(force, bool):
        raise errors.invalid_body_param("force")
    moved = await req.services.channel_mover.do_move(
        actor, req.path_id("channel_id"), team_id, force
    )
    return json_response(moved.to_dict())


def routes() -> list[Route]:
    policy = "/data_retention/policies/{policy_id}"
    return [
        Route("/data_retention/policy", endpoint(global_policy), methods=["GET"]),
        Route("/data_retention/policies_count", endpoint(count_policies), methods=["GET"]),
        Route("/data_retention/policies", endpoint(list_policies), methods=["GET"]),
        Route("/data_retention/policies", endpoint(create_policy), methods=["POST"]),
        Route(policy, endpoint(get_policy), methods=["GET"]),
        Route(policy, endpoint(patch_policy), methods=["PATCH"]),
        Route(policy, endpoint(delete_policy), methods=["DELETE"]),
        *[
            Route(f"{policy}/{kind}", endpoint(handler), methods=[method])
            for kind in ("teams", "channels")
            for method, handler in (
                ("GET", list_members),
                ("POST", add_members),
                ("DELETE", remove_members),
            )
        ],
        Route(
            "/users/{user_id}/data_retention/team_policies",
            endpoint(user_policies),
            methods=["GET"],
        ),
        Route(
            "/users/{user_id}/data_retention/channel_policies",
            endpoint(user_policies),
            methods=["GET"],
        ),
        Route("/jobs", endpoint(list_jobs), methods=["GET"]),
        Route("/jobs", endpoint(create_job), methods=["POST"]),
        Route("/jobs/type/{job_type}", endpoint(list_jobs_of_type), methods=["GET"]),
        Route("/jobs/{job_id}", endpoint(get_job), methods=["GET"]),
        Route("/jobs/{job_id}/cancel", endpoint(cancel_job), methods=["POST"]),
        Route("/channels/{channel_id}/move", endpoint(move_channel), methods=["POST"]),
    ]
