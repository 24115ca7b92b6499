"""``/operator/v1``: the deployment's operator manages tenants.

Authenticated by ``ROOST_OPERATOR_TOKEN`` alone (a bearer token), never by any tenant's
sessions: a tenant's system admin is not the operator. With no token configured every
route here answers 404, as if it did not exist.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from roost.api.http.errors import page_not_found
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.tenants.directory import ADMIN_INVITE_TTL_SECONDS
from roost.tenancy.scope import enter_tenant

OPERATOR_PREFIX = "/operator/v1"
MAX_PER_PAGE = 1000
# The operator, as sign-up sees it: may make accounts on a tenant closed for sign-up.
_OPERATOR = Actor(tenant_id="", user_id="", roles="system_admin")


def check_operator(req: Req) -> None:
    token = req.services.settings.tenancy.operator_token
    if not token:
        raise page_not_found()
    given = req.raw.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
        raise errors.unauthorized()


def _str_list(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.invalid_body_param(name)
    return value


def _audit(req: Req, tenant_id: str, action: str, extra: str = "") -> None:
    """The operator's actions on a tenant go in that tenant's own audit log, under no
    user of theirs."""
    req.services.audit.record_as(tenant_id, "", action, f"operator {extra}".strip())


def _str(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise errors.invalid_body_param(name)
    return value


def _bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise errors.invalid_body_param(name)
    return value


def _int(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.invalid_body_param(name)
    return value


async def create_tenant(req: Req) -> Response:
    """A new tenant, closed for sign-up unless ``open_signup``. Its first system admin:
    named in ``admin`` (username, email, password: the account is made with the
    tenant), or invited (``admin_invite``: a one-time link in the answer), or both."""
    check_operator(req)
    body = await req.json_object()
    admin = body.get("admin")
    if admin is not None and not isinstance(admin, dict):
        raise errors.invalid_body_param("admin")
    services = req.services
    if admin is not None:
        # Refused before the tenant exists: no tenant is left without its admin.
        services.users.check_new_account(
            _str(admin, "username"), _str(admin, "email"), _str(admin, "password")
        )
    invite = _bool(body, "admin_invite")
    tenant = await services.tenants.do_create(
        _str(body, "name"),
        _str(body, "display_name"),
        _str_list(body, "domains"),
        _str(body, "database"),
        open_signup=_bool(body, "open_signup"),
    )
    answer = tenant.to_dict()
    if admin is not None:
        # The rest of this request works in the new tenant's rows.
        enter_tenant(tenant.id)
        user = await services.users.do_create_user(
            tenant.id,
            username=_str(admin, "username"),
            email=_str(admin, "email"),
            password=_str(admin, "password"),
            system_admin=True,
            actor=_OPERATOR,
        )
        answer["admin_user_id"] = user.id
    if invite:
        answer["admin_invite"] = await _issue_invite(req, tenant.id, body)
    _audit(req, tenant.id, "createTenant", f"name={tenant.name}")
    return json_response(answer, status=201)


async def _issue_invite(req: Req, tenant_id: str, body: dict[str, Any]) -> dict[str, Any]:
    ttl = _int(body, "expires_in_seconds", ADMIN_INVITE_TTL_SECONDS)
    directory = req.services.tenants
    token, expires_at = await directory.do_issue_admin_invite(tenant_id, ttl)
    url = f"{directory.site_url(tenant_id)}/signup_user_complete/?t={token}"
    return {"token": token, "url": url, "expires_at": expires_at}


async def create_admin_invite(req: Req) -> Response:
    """A one-time link signing its holder up as the tenant's system admin (a new one
    replaces the last; only its hash is kept)."""
    check_operator(req)
    body = await req.json_object() if await req.raw.body() else {}
    tenant = req.services.tenants.get(req.path_str("tenant", 63))
    return json_response(await _issue_invite(req, tenant.id, body), status=201)


async def set_signup(req: Req) -> Response:
    """Open or close the tenant for sign-up (``{"open_signup": true}``)."""
    check_operator(req)
    body = await req.json_object()
    if "open_signup" not in body:
        raise errors.invalid_body_param("open_signup")
    tenant = await req.services.tenants.do_set_open_signup(
        req.path_str("tenant", 63), _bool(body, "open_signup")
    )
    return json_response(tenant.to_dict())


async def move_tenant(req: Req) -> Response:
    """Move the tenant's rows to another database; read-only until done (202 at once;
    GET the tenant to see it turn active in its new database)."""
    check_operator(req)
    body = await req.json_object()
    if "database" not in body:
        raise errors.invalid_body_param("database")
    tenant_id = req.services.tenants.get(req.path_str("tenant", 63)).id
    # Written before the rows move (read-only from the start), so it moves with them.
    _audit(req, tenant_id, "moveTenant", f"requested database={_str(body, 'database')}")
    await req.services.audit.flush()
    tenant = await req.services.tenant_mover.do_start_move(
        req.path_str("tenant", 63), _str(body, "database")
    )
    return json_response(tenant.to_dict(), status=202)


async def list_tenants(req: Req) -> Response:
    check_operator(req)
    page = req.query_int("page", 0)
    per_page = req.query_int("per_page", 100, minimum=1, maximum=MAX_PER_PAGE)
    directory = req.services.tenants
    found = directory.page_of(page, per_page)
    return json_response({"tenants": [t.to_dict() for t in found], "total_count": directory.count})


async def get_tenant(req: Req) -> Response:
    check_operator(req)
    return json_response(req.services.tenants.get(req.path_str("tenant", 63)).to_dict())


async def suspend_tenant(req: Req) -> Response:
    check_operator(req)
    tenant = await req.services.tenants.do_suspend(req.path_str("tenant", 63))
    _audit(req, tenant.id, "suspendTenant")
    return json_response(tenant.to_dict())


async def resume_tenant(req: Req) -> Response:
    check_operator(req)
    tenant = await req.services.tenants.do_resume(req.path_str("tenant", 63))
    _audit(req, tenant.id, "resumeTenant")
    return json_response(tenant.to_dict())


async def delete_tenant(req: Req) -> Response:
    """Accepted: the tenant is refused from now on; its data goes in the background."""
    check_operator(req)
    tenant = await req.services.tenants.do_delete(req.path_str("tenant", 63))
    req.services.tenant_reaper.nudge()
    return json_response(tenant.to_dict(), status=202)


async def tenant_usage(req: Req) -> Response:
    """People, posts, files and storage now, and requests per day (UTC) for ``days``."""
    check_operator(req)
    days = req.query_int("days", 30, minimum=1, maximum=366)
    usage = await req.services.tenant_usage.usage(req.path_str("tenant", 63), days)
    return json_response(usage)


async def export_tenant(req: Req) -> Response:
    """The tenant as Mattermost bulk-import JSONL, streamed as it is read."""
    check_operator(req)
    exporter = req.services.tenant_export
    tenant_id = exporter.check(req.path_str("tenant", 63))
    _audit(req, tenant_id, "exportTenant")
    filename = f"roost-{req.services.tenants.get(tenant_id).name}.jsonl"
    # Operator paths name no tenant; the rest of this request (the stream) is this one's.
    enter_tenant(tenant_id)
    return StreamingResponse(
        await exporter.admit(tenant_id),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def set_domains(req: Req) -> Response:
    check_operator(req)
    body = await req.json_object()
    tenant = await req.services.tenants.do_set_domains(
        req.path_str("tenant", 63), _str_list(body, "domains")
    )
    _audit(req, tenant.id, "setTenantDomains", f"domains={' '.join(tenant.domains)}")
    return json_response(tenant.to_dict())


async def set_limits(req: Req) -> Response:
    check_operator(req)
    body = await req.json_object()
    limits: dict[str, float] = {}
    for name, value in body.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise errors.invalid_body_param(name)
        if name != "requests_per_second" and not isinstance(value, int):
            raise errors.invalid_body_param(name)
        limits[name] = value
    tenant = await req.services.tenants.do_set_limits(req.path_str("tenant", 63), limits)
    _audit(req, tenant.id, "setTenantLimits", " ".join(f"{k}={v}" for k, v in limits.items()))
    return json_response(tenant.to_dict())


async def set_outbound(req: Req) -> Response:
    """``{"allowed_hosts": "git.internal,10.1.0.0/16"}``; null: back to the default."""
    check_operator(req)
    body = await req.json_object()
    hosts = body.get("allowed_hosts")
    if hosts is not None and not isinstance(hosts, str):
        raise errors.invalid_body_param("allowed_hosts")
    tenant = await req.services.tenants.do_set_outbound_allowed_hosts(
        req.path_str("tenant", 63), hosts
    )
    return json_response(tenant.to_dict())


def routes() -> list[Route]:
    p = OPERATOR_PREFIX
    return [
        Route(f"{p}/tenants", endpoint(create_tenant), methods=["POST"]),
        Route(f"{p}/tenants", endpoint(list_tenants), methods=["GET"]),
        Route(f"{p}/tenants/{{tenant}}", endpoint(get_tenant), methods=["GET"]),
        Route(f"{p}/tenants/{{tenant}}", endpoint(delete_tenant), methods=["DELETE"]),
        Route(f"{p}/tenants/{{tenant}}/suspend", endpoint(suspend_tenant), methods=["POST"]),
        Route(f"{p}/tenants/{{tenant}}/resume", endpoint(resume_tenant), methods=["POST"]),
        Route(f"{p}/tenants/{{tenant}}/domains", endpoint(set_domains), methods=["PUT"]),
        Route(f"{p}/tenants/{{tenant}}/limits", endpoint(set_limits), methods=["PUT"]),
        Route(f"{p}/tenants/{{tenant}}/outbound", endpoint(set_outbound), methods=["PUT"]),
        Route(f"{p}/tenants/{{tenant}}/usage", endpoint(tenant_usage), methods=["GET"]),
        Route(f"{p}/tenants/{{tenant}}/export", endpoint(export_tenant), methods=["GET"]),
        Route(f"{p}/tenants/{{tenant}}/move", endpoint(move_tenant), methods=["POST"]),
        Route(f"{p}/tenants/{{tenant}}/signup", endpoint(set_signup), methods=["PUT"]),
        Route(
            f"{p}/tenants/{{tenant}}/admin_invite",
            endpoint(create_admin_invite),
            methods=["POST"],
        ),
    ]
