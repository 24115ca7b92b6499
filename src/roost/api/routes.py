"""The whole HTTP surface, assembled from each domain's routes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from roost import metrics
from roost.api import admin_config as admin_config_routes
from roost.api import admin_retention as admin_retention_routes
from roost.api import admin_system as admin_system_routes
from roost.api import agents as agent_routes
from roost.api import apps as app_routes
from roost.api import audits as audit_routes
from roost.api import (
    bots,
    channel_members,
    channels,
    limits,
    search,
    sessions,
    status,
    system,
    teams,
    threads,
    user_images,
    users,
)
from roost.api import categories as category_routes
from roost.api import commands as command_routes
from roost.api import deliveries as delivery_routes
from roost.api import drafts as draft_routes
from roost.api import emoji as emoji_routes
from roost.api import files as file_routes
from roost.api import imports as import_routes
from roost.api import ldap as ldap_routes
from roost.api import ldap_groups as ldap_group_routes
from roost.api import messaging as messaging_routes
from roost.api import mfa as mfa_routes
from roost.api import notifications as notification_routes
from roost.api import operator as operator_routes
from roost.api import plugins as plugin_routes
from roost.api import post_actions as post_action_routes
from roost.api import posts as post_routes
from roost.api import reactions as reaction_routes
from roost.api import roles as role_routes
from roost.api import saml as saml_routes
from roost.api import sso as sso_routes
from roost.api import team_icons as team_icon_routes
from roost.api import user_posts as user_post_routes
from roost.api import webapp as web_client
from roost.api import webhooks as webhook_routes
from roost.api.http import errors as http_errors
from roost.api.http.responses import error_response
from roost.api.http.router import IndexedRouter
from roost.api.websocket import websocket_endpoint
from roost.ids import new_id

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def api_routes() -> list[BaseRoute]:
    return [
        *system.routes(),
        *status.routes(),
        # Before users': "/users/sessions/..." is not a user id.
        *sessions.routes(),
        *notification_routes.routes(),
        *mfa_routes.routes(),
        # Before users': "/users/login/switch" is not a user's path.
        *sso_routes.api_routes(),
        *users.routes(),
        *user_images.image_routes(),
        *team_icon_routes.routes(),
        *bots.routes(),
        *role_routes.routes(),
        *draft_routes.routes(),
        *teams.routes(),
        *channels.routes(),
        *channel_members.routes(),
        *category_routes.routes(),
        *post_routes.routes(),
        *reaction_routes.routes(),
        *emoji_routes.routes(),
        *user_post_routes.routes(),
        *file_routes.routes(),
        *threads.routes(),
        *search.routes(),
        *webhook_routes.routes(),
        *command_routes.routes(),
        *post_action_routes.routes(),
        *delivery_routes.routes(),
        *plugin_routes.routes(),
        *app_routes.routes(),
        *limits.routes(),
        *agent_routes.routes(),
        *audit_routes.routes(),
        *admin_config_routes.routes(),
        *admin_system_routes.routes(),
        *messaging_routes.routes(),
        *admin_retention_routes.routes(),
        *import_routes.routes(),
        *ldap_routes.routes(),
        *ldap_group_routes.routes(),
        *saml_routes.api_routes(),
        WebSocketRoute("/websocket", websocket_endpoint),
    ]


async def prometheus_metrics(request: Request) -> Response:
    if not request.app.state.services.settings.serving.metrics_enabled:
        return await not_found(request, LookupError())
    return Response(metrics.exposition(), media_type=PROMETHEUS_TEXT)


def all_routes() -> list[BaseRoute]:
    return [
        Mount("/api/v4", app=IndexedRouter(api_routes())),
        Route("/metrics", prometheus_metrics, methods=["GET"]),
        *file_routes.public_routes(),
        *webhook_routes.public_routes(),
        *operator_routes.routes(),
        *admin_config_routes.operator_routes(),
        *sso_routes.operator_routes(),
        *sso_routes.public_routes(),
        *saml_routes.public_routes(),
        # Apps' bindings live under /plugins/com.mattermost.apps (Mattermost's path), so
        # they go before the plugins' own /plugins/{plugin_id}/... routes.
        *app_routes.plugin_routes(),
        *plugin_routes.public_routes(),
        # The web client last: its fallback answers every other page path.
        *web_client.routes(web_client.WebClient(), not_found),
    ]


def _request_id(request: Request) -> str:
    return str(request.scope.get("roost.request_id") or new_id())


async def not_found(request: Request, _: Exception) -> Response:
    error = http_errors.page_not_found()
    return error_response(error, _request_id(request))


async def method_not_allowed(request: Request, _: Exception) -> Response:
    error = http_errors.method_not_allowed()
    return error_response(error, _request_id(request))


async def server_error(request: Request, exc: Exception) -> Response:
    error = http_errors.refuse_for_store(exc) or http_errors.internal_error()
    return error_response(error, _request_id(request))
