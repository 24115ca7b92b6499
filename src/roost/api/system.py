"""``/system/ping``, ``/system/timezones``, the client config and licence, as clients
read them at start-up."""

from __future__ import annotations

import os
import zoneinfo
from functools import cache

from starlette.responses import Response
from starlette.routing import Route

from roost.api.client_config import ConfigFacts, client_config
from roost.api.http.errors import (
    client_config_format_unsupported,
    client_license_format_unsupported,
)
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response
from roost.app.kernel import errors
from roost.app.kernel.context import Actor

OK = "OK"
UNHEALTHY = "UNHEALTHY"


def _given(req: Req, name: str) -> bool:
    """Mattermost switches these on for any value but an empty one ("false" and "0" are
    taken as off here too)."""
    return req.raw.query_params.get(name, "").lower() not in ("", "false", "0")


async def _caller(req: Req) -> Actor | None:
    """The caller when the ping carries credentials (it needs none)."""
    try:
        return await req.actor()
    except errors.AppError:
        return None


async def ping(req: Req) -> Response:
    body: dict[str, object] = {
        "status": OK,
        "ActiveSearchBackend": "database",
        "AndroidLatestVersion": "",
        "AndroidMinVersion": "",
        "IosLatestVersion": "",
        "IosMinVersion": "",
    }
    headers: dict[str, str] = {}
    if req.raw.query_params.get("device_id"):
        # The mobile app asks whether its device can get push notifications: "false" is
        # what Mattermost answers with push turned off.
        body["CanReceiveNotifications"] = "true" if req.services.notifications.push_on else "false"
    # A node whose data directory or database cannot be written fails every login while
    # still answering reads: unhealthy, so the balancer stops sending users to it.
    deep = _given(req, "get_server_status")
    problems = await req.services.health.storage_problems(deep)
    if problems:
        body["status"] = UNHEALTHY
    if deep:
        database_ok = "database" not in problems and await req.services.health.database_ok()
        database = OK if database_ok else UNHEALTHY
        filestore = UNHEALTHY if "filestore" in problems else OK
        body["database_status"] = database
        body["filestore_status"] = filestore
        # Reported, not judged: without Redis a node still serves its own clients.
        redis = req.services.health.redis_status()
        if redis:
            body["redis_status"] = redis
        replicas = req.services.health.replicas_status()
        if replicas:
            body["database_replicas_status"] = replicas
        if database != OK:
            body["status"] = UNHEALTHY
        headers = {"database_status": database, "filestore_status": filestore}
        caller = await _caller(req)
        if caller is not None and caller.is_system_admin:
            body["root_status"] = os.geteuid() == 0
    headers["status"] = str(body["status"])
    unhealthy = body["status"] != OK and req.raw.query_params.get("use_rest_semantics") != "true"
    return json_response(body, status=500 if unhealthy else 200, headers=headers)


@cache
def _timezone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


async def supported_timezones(req: Req) -> Response:
    await req.actor()
    return json_response(list(_timezone_names()))


async def get_client_config(req: Req) -> Response:
    if req.query_str("format", "old") != "old":
        raise client_config_format_unsupported()
    tenants = req.services.tenants
    try:
        installed_at = tenants.get(req.tenant_id).create_at
    except errors.AppError:
        installed_at = 0  # the default tenant before the directory knows it
    facts = ConfigFacts(
        settings=req.services.settings,
        tenant_id=req.tenant_id,
        site_url=tenants.site_url(req.tenant_id),
        installed_at=installed_at,
        open_signup=req.services.users.signup_open(req.tenant_id),
        no_accounts=not await req.services.users.has_accounts(req.tenant_id),
        providers=await req.services.sso.providers(req.tenant_id),
        ldap=await req.services.ldap.settings_for(req.tenant_id),
        saml=await req.services.saml.settings_for(req.tenant_id),
    )
    return json_response(client_config(facts))


async def get_client_license(req: Req) -> Response:
    if req.query_str("format", "old") != "old":
        raise client_license_format_unsupported()
    return json_response({"IsLicensed": "false"})


def routes() -> list[Route]:
    return [
        Route("/system/ping", endpoint(ping), methods=["GET"]),
        Route("/system/timezones", endpoint(supported_timezones), methods=["GET"]),
        Route("/config/client", endpoint(get_client_config), methods=["GET"]),
        Route("/license/client", endpoint(get_client_license), methods=["GET"]),
    ]
