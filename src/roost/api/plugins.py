"""``/api/v4/plugins`` (system admins) and ``/plugins/{id}/...`` (served by the plugin)."""

from __future__ import annotations

import asyncio
import re

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from roost.api.auth import authenticate
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response, ok_response
from roost.app.kernel import errors
from roost.app.plugins.errors import (
    plugin_bundle_invalid,
    plugin_bundle_over_limit,
    plugin_bundle_too_large,
    plugin_file_missing,
    plugin_invalid_response,
    plugin_not_running,
    plugin_uploads_disabled,
    plugins_disabled,
)
from roost.plugin.types import HttpRequest
from roost.plugin_runtime.bundle import BundleError, BundleTooLarge, read_bundle
from roost.plugin_runtime.runtime import PluginRuntime

_PLUGIN_ID = re.compile(r"^[a-zA-Z0-9\-_.]{3,190}\Z")
# Headers a plugin never sees: the caller's credentials (it gets the user id instead).
_HIDDEN_HEADERS = frozenset({"authorization", "cookie", "x-csrf-token", "mattermost-user-id"})
MAX_FORM_FIELDS = 8


async def _settle(req: Req, tenant_id: str) -> None:
    """Answer once this node has applied the change: stopped what it stopped, started
    what it enabled or replaced, configured what it reconfigured (as Mattermost
    activates and deactivates before answering), so the next request on this node meets
    the plugins the answer speaks of. Other nodes follow when the bus tells them."""
    runtime: PluginRuntime | None = req.raw.app.state.plugins
    if runtime is not None:
        await runtime.settle(tenant_id, req.services.settings.plugin_http_timeout_seconds)


def _runtime(req: Req) -> PluginRuntime:
    runtime: PluginRuntime | None = req.raw.app.state.plugins
    if runtime is None:
        raise plugins_disabled()
    return runtime


def _plugin_id(req: Req) -> str:
    value = str(req.raw.path_params.get("plugin_id", ""))
    if not _PLUGIN_ID.match(value):
        raise errors.invalid_url_param("plugin_id")
    return value


async def list_plugins(req: Req) -> Response:
    actor = await req.actor()
    plugins = req.services.plugins
    plugins.check_manage(actor)
    _runtime(req)
    active: list[dict[str, object]] = []
    inactive: list[dict[str, object]] = []
    for plugin in await plugins.installed(actor.tenant_id):
        shown = plugins.manifest(plugin).to_dict()
        (active if plugin.enabled else inactive).append(shown)
    return json_response({"active": active, "inactive": inactive})


async def statuses(req: Req) -> Response:
    actor = await req.actor()
    req.services.plugins.check_manage(actor)
    return json_response(await _runtime(req).statuses(actor.tenant_id))


def _flag(value: object) -> bool:
    return isinstance(value, str) and value.lower() == "true"


async def upload(req: Req) -> Response:
    actor = await req.actor()
    plugins = req.services.plugins
    plugins.check_manage(actor)
    _runtime(req)
    settings = req.services.settings.plugins
    if not settings.plugin_enable_uploads:
        raise plugin_uploads_disabled()
    try:
        form = await req.raw.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    except Exception:
        raise errors.invalid_body_param("plugin", "expected a multipart form") from None
    try:
        file = form.get("plugin")
        if not isinstance(file, UploadFile):
            raise plugin_file_missing()
        limit = settings.plugin_max_bundle_bytes
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise plugin_bundle_too_large(limit)
        force, trusted = _flag(form.get("force")), _flag(form.get("trusted"))
    finally:
        await form.close()
    try:
        manifest = await asyncio.to_thread(read_bundle, data, plugins.server_version, limit)
    except BundleTooLarge as exc:
        raise plugin_bundle_over_limit(exc) from None
    except BundleError as exc:
        raise plugin_bundle_invalid(exc) from None
    await plugins.do_install(actor, manifest, data, force=force, trusted=trusted)
    await _settle(req, actor.tenant_id)
    return json_response(manifest.to_dict(), 201)


async def remove(req: Req) -> Response:
    actor = await req.actor()
    await req.services.plugins.do_remove(actor, _plugin_id(req))
    await _settle(req, actor.tenant_id)
    return ok_response()


async def enable(req: Req) -> Response:
    actor = await req.actor()
    _runtime(req)
    await req.services.plugins.do_set_enabled(actor, _plugin_id(req), True)
    await _settle(req, actor.tenant_id)
    return ok_response()


async def disable(req: Req) -> Response:
    actor = await req.actor()
    await req.services.plugins.do_set_enabled(actor, _plugin_id(req), False)
    await _settle(req, actor.tenant_id)
    return ok_response()


async def get_settings(req: Req) -> Response:
    actor = await req.actor()
    plugins = req.services.plugins
    plugins.check_manage(actor)
    plugin = await plugins.get(actor.tenant_id, _plugin_id(req))
    manifest = plugins.manifest(plugin)
    return json_response({**manifest.defaults(), **plugin.settings})


async def put_settings(req: Req) -> Response:
    actor = await req.actor()
    values = await req.json_object()
    saved = await req.services.plugins.do_set_settings(actor, _plugin_id(req), values)
    await _settle(req, actor.tenant_id)
    return json_response(saved)


async def serve(req: Req) -> Response:
    """Hand a request under /plugins/{id}/ to the plugin; the user id goes with it if
    and only if the caller is authenticated."""
    runtime = _runtime(req)
    plugin_id = _plugin_id(req)
    raw = req.raw
    try:
        user_id = (await authenticate(raw, req.services.auth, req.tenant_id)).user_id
    except errors.AppError:
        user_id = ""
    request = HttpRequest(
        method=raw.method,
        path="/" + str(raw.path_params.get("rest", "")),
        query=raw.url.query,
        headers={k: v for k, v in raw.headers.items() if k not in _HIDDEN_HEADERS},
        body=await raw.body(),
        user_id=user_id,
    )
    response = await runtime.serve_http(req.tenant_id, plugin_id, request)
    if response is None:
        raise plugin_not_running()
    status = response.status if isinstance(response.status, int) else 0
    if not 200 <= status <= 599:
        raise plugin_invalid_response()
    headers = {str(k): str(v) for k, v in (response.headers or {}).items()}
    body = response.body if isinstance(response.body, bytes) else b""
    media_type = response.content_type if isinstance(response.content_type, str) else None
    return Response(body, status_code=status, headers=headers, media_type=media_type)


async def webapp_plugins(req: Req) -> Response:
    """The client manifests of enabled plugins that have a web-app part. Roost's plugins
    run on the server only (their manifests have no ``webapp`` bundle, and Roost serves
    no plugin bundles to browsers), so the list is empty. No session is needed, as in
    Mattermost."""
    return json_response([])


def routes() -> list[Route]:
    r = Route
    return [
        r("/plugins", endpoint(list_plugins), methods=["GET"]),
        r("/plugins/webapp", endpoint(webapp_plugins), methods=["GET"]),
        r("/plugins", endpoint(upload), methods=["POST"]),
        r("/plugins/statuses", endpoint(statuses), methods=["GET"]),
        r("/plugins/{plugin_id}", endpoint(remove), methods=["DELETE"]),
        r("/plugins/{plugin_id}/enable", endpoint(enable), methods=["POST"]),
        r("/plugins/{plugin_id}/disable", endpoint(disable), methods=["POST"]),
        r("/plugins/{plugin_id}/settings", endpoint(get_settings), methods=["GET"]),
        r("/plugins/{plugin_id}/settings", endpoint(put_settings), methods=["PUT"]),
    ]


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def public_routes() -> list[Route]:
    """Outside /api/v4, as in Mattermost."""
    handler = endpoint(serve)
    return [
        Route("/plugins/{plugin_id}", handler, methods=_METHODS),
        Route("/plugins/{plugin_id}/{rest:path}", handler, methods=_METHODS),
    ]
