"""``/system/ping``, the client config and licence, as clients read them at start-up."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost import MATTERMOST_COMPAT_VERSION
from roost.api.http.errors import (
    client_config_format_unsupported,
    client_license_format_unsupported,
)
from roost.api.http.request import Req, endpoint
from roost.api.http.responses import json_response


async def ping(req: Req) -> Response:
    body: dict[str, object] = {
        "status": "OK",
        "ActiveSearchBackend": "database",
        "AndroidLatestVersion": "",
        "AndroidMinVersion": "",
        "IosLatestVersion": "",
        "IosMinVersion": "",
    }
    if req.query_bool("get_server_status"):
        body["database_status"] = "OK" if await req.services.health.database_ok() else "UNHEALTHY"
        body["filestore_status"] = "OK"
        # Reported, not judged: without Redis a node still serves its own clients.
        redis = req.services.health.redis_status()
        if redis:
            body["redis_status"] = redis
        replicas = req.services.health.replicas_status()
        if replicas:
            body["database_replicas_status"] = replicas
    if body.get("database_status", "OK") != "OK":
        body["status"] = "UNHEALTHY"
        return json_response(body, status=500)
    return json_response(body)


def client_config(req: Req) -> dict[str, str]:
    s = req.services.settings
    flag = {True: "true", False: "false"}
    return {
        "Version": MATTERMOST_COMPAT_VERSION,
        "BuildNumber": "0",
        "BuildDate": "",
        "BuildHash": "roost",
        "BuildEnterpriseReady": "false",
        "SiteName": s.serving.site_name,
        "SiteURL": req.services.tenants.site_url(req.tenant_id),
        "DiagnosticId": req.tenant_id,
        "DiagnosticsEnabled": "false",
        "EnableSignInWithEmail": "true",
        "EnableSignInWithUsername": "true",
        "EnableSignUpWithEmail": "true",
        "EnableOpenServer": flag[s.accounts.enable_open_server],
        "EnableUserCreation": "true",
        "EnableUserAccessTokens": flag[s.accounts.enable_user_access_tokens],
        "EnableBotAccountCreation": flag[s.accounts.enable_bot_account_creation],
        "EnableIncomingWebhooks": flag[s.integrations.enable_incoming_webhooks],
        "EnableOutgoingWebhooks": flag[s.integrations.enable_outgoing_webhooks],
        "EnableCommands": flag[s.integrations.enable_commands],
        "EnablePostUsernameOverride": flag[s.integrations.enable_post_username_override],
        "EnablePostIconOverride": flag[s.integrations.enable_post_icon_override],
        "EnableCustomEmoji": "false",
        "EnableFileAttachments": "true",
        "EnablePublicLink": flag[s.files.enable_public_link],
        "CollapsedThreads": "default_off",
        "MaxFileSize": str(s.files.max_file_size),
        "MaxPostSize": str(s.posts.max_post_size),
        "MaxNotificationsPerChannel": str(s.realtime.max_notifications_per_channel),
        "EnableUserTypingMessages": flag[s.realtime.enable_user_typing_messages],
        "TimeBetweenUserTypingUpdatesMilliseconds": "5000",
        "PostEditTimeLimit": "-1",
        "ShowEmailAddress": "true",
        "ShowFullName": "true",
        "TeammateNameDisplay": "username",
        "ExperimentalPrimaryTeam": "",
        "WebsocketURL": "",
        "WebsocketPort": "80",
        "WebsocketSecurePort": "443",
        "EnableReliableWebSockets": "true",
        "DefaultClientLocale": "en",
        "AvailableLocales": "",
        "TermsOfServiceLink": "",
        "PrivacyPolicyLink": "",
        "AboutLink": "",
        "HelpLink": "",
        "ReportAProblemLink": "",
        "SupportEmail": "",
        "NoAccounts": "false",
        "FeatureFlagCollapsedThreads": "true",
    }


async def get_client_config(req: Req) -> Response:
    if req.query_str("format", "old") != "old":
        raise client_config_format_unsupported()
    return json_response(client_config(req))


async def get_client_license(req: Req) -> Response:
    if req.query_str("format", "old") != "old":
        raise client_license_format_unsupported()
    return json_response({"IsLicensed": "false"})


def routes() -> list[Route]:
    return [
        Route("/system/ping", endpoint(ping), methods=["GET"]),
        Route("/config/client", endpoint(get_client_config), methods=["GET"]),
        Route("/license/client", endpoint(get_client_license), methods=["GET"]),
    ]
