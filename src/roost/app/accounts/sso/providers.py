"""Each sign-in service's client settings: the ``ROOST_*`` defaults (``SsoSettings``),
a tenant's own provider over them (Mattermost's key names: ``Enable``, ``Id``,
``Secret``, ...), and the presets Mattermost offers (Google's and Microsoft's
discovery documents, GitLab's endpoints)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from roost.app.accounts.sso.errors import provider_settings_invalid
from roost.config.sso import OAUTH_SERVICES, SsoSettings

GOOGLE_DISCOVERY = "https://accounts.google.com/.well-known/openid-configuration"
OFFICE365_DISCOVERY = (
    "https://login.microsoftonline.com/{directory}/v2.0/.well-known/openid-configuration"
)
WELL_KNOWN = "/.well-known/openid-configuration"
# What the users see as the provider's name (errors, audit entries, default buttons).
LABELS = {
    "gitlab": "GitLab",
    "google": "Google",
    "office365": "Office 365",
    "openid": "OpenID",
    "saml": "SAML",
    "ldap": "LDAP",
}
# A tenant's provider: Mattermost's keys and the longest value each may hold.
TENANT_KEYS: dict[str, int] = {
    "Enable": 0,
    "Id": 512,
    "Secret": 1024,
    "Scope": 512,
    "AuthEndpoint": 2048,
    "TokenEndpoint": 2048,
    "UserAPIEndpoint": 2048,
    "DiscoveryEndpoint": 2048,
    "ButtonText": 64,
    "ButtonColor": 9,
    "DirectoryId": 64,
}
SECRET_MASK = "********"
_COLOR = re.compile(r"^(#[0-9A-Fa-f]{3,8})?\Z")
_DIRECTORY = re.compile(r"^[A-Za-z0-9.\-]{1,64}\Z")


@dataclass(frozen=True, slots=True)
class Provider:
    service: str
    enabled: bool
    client_id: str
    secret: str
    scope: str
    auth_endpoint: str = ""
    token_endpoint: str = ""
    user_api_endpoint: str = ""
    discovery_endpoint: str = ""
    button_text: str = ""
    button_color: str = ""
    directory_id: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.service, self.service)

    @property
    def is_oidc(self) -> bool:
        """OpenID Connect (an ID token, a nonce) rather than plain OAuth 2 with a user
        endpoint: Mattermost's rule, the ``openid`` scope."""
        return "openid" in self.scope.split()

    @property
    def usable(self) -> bool:
        """Enabled and complete enough to start a sign-in."""
        if not (self.enabled and self.client_id):
            return False
        if self.discovery_url():
            return True
        return bool(self.auth_endpoint and self.token_endpoint and self.user_api_endpoint)

    def discovery_url(self) -> str:
        if self.discovery_endpoint:
            return self.discovery_endpoint
        if not self.is_oidc:
            return ""
        if self.service == "google":
            return GOOGLE_DISCOVERY
        if self.service == "office365":
            return OFFICE365_DISCOVERY.format(directory=self.directory_id or "common")
        if self.service == "gitlab" and self.auth_endpoint:
            parts = urlsplit(self.auth_endpoint)
            return f"{parts.scheme}://{parts.netloc}{WELL_KNOWN}"
        return ""

    def to_tenant_json(self) -> dict[str, Any]:
        """What the operator API shows of a tenant's provider: the secret masked."""
        return {
            "Enable": self.enabled,
            "Id": self.client_id,
            "Secret": SECRET_MASK if self.secret else "",
            "Scope": self.scope,
            "AuthEndpoint": self.auth_endpoint,
            "TokenEndpoint": self.token_endpoint,
            "UserAPIEndpoint": self.user_api_endpoint,
            "DiscoveryEndpoint": self.discovery_endpoint,
            "ButtonText": self.button_text,
            "ButtonColor": self.button_color,
            "DirectoryId": self.directory_id,
        }


def default_provider(settings: SsoSettings, service: str) -> Provider:
    """The service as the ``ROOST_*`` settings configure it (every tenant's default)."""
    s = settings
    if service == "gitlab":
        return Provider(
            "gitlab",
            s.gitlab_enable,
            s.gitlab_id,
            s.gitlab_secret,
            s.gitlab_scope,
            s.gitlab_auth_endpoint,
            s.gitlab_token_endpoint,
            s.gitlab_user_api_endpoint,
            s.gitlab_discovery_endpoint,
            s.gitlab_button_text,
            s.gitlab_button_color,
        )
    if service == "google":
        return Provider(
            "google",
            s.google_enable,
            s.google_id,
            s.google_secret,
            s.google_scope,
            discovery_endpoint=s.google_discovery_endpoint,
        )
    if service == "office365":
        return Provider(
            "office365",
            s.office365_enable,
            s.office365_id,
            s.office365_secret,
            s.office365_scope,
            discovery_endpoint=s.office365_discovery_endpoint,
            directory_id=s.office365_directory_id,
        )
    if service == "openid":
        return Provider(
            "openid",
            s.openid_enable,
            s.openid_id,
            s.openid_secret,
            s.openid_scope,
            discovery_endpoint=s.openid_discovery_endpoint,
            button_text=s.openid_button_text,
            button_color=s.openid_button_color,
        )
    raise KeyError(service)


def check_tenant_settings(service: str, body: dict[str, Any]) -> dict[str, Any]:
    """A tenant's provider settings as they will be stored: Mattermost's keys only,
    each of its type and length; a masked secret keeps the stored one (the caller)."""
    if service not in OAUTH_SERVICES:
        raise provider_settings_invalid(f"unknown service {service!r}")
    clean: dict[str, Any] = {}
    for key, value in body.items():
        if key not in TENANT_KEYS:
            raise provider_settings_invalid(f"unknown key {key!r}")
        if key == "Enable":
            if not isinstance(value, bool):
                raise provider_settings_invalid("Enable is true or false")
            clean[key] = value
            continue
        if not isinstance(value, str) or len(value) > TENANT_KEYS[key]:
            raise provider_settings_invalid(f"{key} is a string of at most {TENANT_KEYS[key]}")
        if key.endswith("Endpoint") and value and urlsplit(value).scheme not in ("http", "https"):
            raise provider_settings_invalid(f"{key} is an http(s) URL")
        if key == "ButtonColor" and not _COLOR.match(value):
            raise provider_settings_invalid("ButtonColor is #rrggbb")
        if key == "DirectoryId" and value and not _DIRECTORY.match(value):
            raise provider_settings_invalid("DirectoryId is a directory id or domain")
        clean[key] = value
    return clean


def with_tenant_settings(base: Provider, stored: dict[str, Any]) -> Provider:
    """The tenant's own provider: its stored keys over a blank one of the service (only
    the default scope and directory kept: none of the deployment's client or secret)."""
    base = Provider(base.service, False, "", "", base.scope, directory_id=base.directory_id)
    fields = {
        "Enable": "enabled",
        "Id": "client_id",
        "Secret": "secret",
        "Scope": "scope",
        "AuthEndpoint": "auth_endpoint",
        "TokenEndpoint": "token_endpoint",
        "UserAPIEndpoint": "user_api_endpoint",
        "DiscoveryEndpoint": "discovery_endpoint",
        "ButtonText": "button_text",
        "ButtonColor": "button_color",
        "DirectoryId": "directory_id",
    }
    changes = {fields[k]: v for k, v in stored.items() if k in fields}
    return replace(base, **changes)
