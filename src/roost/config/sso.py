"""Single sign-on settings (``roost.app.sso``): Mattermost's ``GitLabSettings``,
``OpenIdSettings``, ``GoogleSettings`` and ``Office365Settings``, one ``ROOST_*``
variable per key (``GitLabSettings.Secret`` -> ``ROOST_GITLAB_SECRET``). Kept apart
from ``roost.config`` for length: ``Settings`` inherits ``SsoFields`` and services read
the frozen ``SsoSettings`` section. These are every tenant's defaults; a tenant may
bring its own provider (``PUT /operator/v1/tenants/{id}/sso/{service}``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings

from roost.config.sso_ldap_groups import LdapGroupFields
from roost.config.sso_saml import SamlFields

# The OAuth / OpenID Connect services Mattermost names, in the order its login page shows them.
OAUTH_SERVICES = ("gitlab", "google", "office365", "openid")
# Mattermost's configuration section of each service.
MATTERMOST_SECTIONS = {
    "gitlab": "GitLabSettings",
    "google": "GoogleSettings",
    "office365": "Office365Settings",
    "openid": "OpenIdSettings",
}


def _tag(service: str, key: str, secret: bool = False) -> dict[str, Any]:
    extra: dict[str, Any] = {"mattermost": f"{MATTERMOST_SECTIONS[service]}.{key}"}
    if secret:
        extra["secret"] = True
    return extra


def _ldap(key: str, secret: bool = False) -> dict[str, Any]:
    extra: dict[str, Any] = {"mattermost": f"LdapSettings.{key}"}
    if secret:
        extra["secret"] = True
    return extra


def _enable(service: str, label: str) -> Any:
    return Field(
        default=False,
        description=f"users may sign in (and sign up) with {label}",
        json_schema_extra=_tag(service, "Enable"),
    )


def _client_id(service: str) -> Any:
    return Field(
        default="",
        max_length=512,
        description="the client (application) id the provider issued to this server",
        json_schema_extra=_tag(service, "Id"),
    )


def _secret(service: str) -> Any:
    return Field(
        default="",
        repr=False,
        max_length=1024,
        description="the client secret the provider issued (never shown: `********`)",
        json_schema_extra=_tag(service, "Secret", secret=True),
    )


def _scope(service: str, default: str) -> Any:
    return Field(
        default=default,
        max_length=512,
        description="scopes asked for, space-separated; with `openid` the provider is used "
        "as an OpenID Connect provider (ID token checked, nonce)",
        json_schema_extra=_tag(service, "Scope"),
    )


def _endpoint(service: str, key: str, what: str) -> Any:
    return Field(
        default="",
        max_length=2048,
        description=f"the provider's {what}; empty: from the discovery document",
        json_schema_extra=_tag(service, key),
    )


def _discovery(service: str, default_text: str) -> Any:
    return Field(
        default="",
        max_length=2048,
        description="the provider's OpenID Connect discovery document "
        f"(`.../.well-known/openid-configuration`); {default_text}",
        json_schema_extra=_tag(service, "DiscoveryEndpoint"),
    )


def _button_text(service: str) -> Any:
    return Field(
        default="",
        max_length=64,
        description="text of the sign-in button on the login page and in the apps",
        json_schema_extra=_tag(service, "ButtonText"),
    )


def _button_color(service: str) -> Any:
    return Field(
        default="",
        pattern=r"^(#[0-9A-Fa-f]{3,8})?$",
        description="colour of the sign-in button (`#rrggbb`)",
        json_schema_extra=_tag(service, "ButtonColor"),
    )


@dataclass(frozen=True, slots=True)
class SsoSettings:
    """Single sign-on: each OAuth / OpenID Connect service's client settings."""

    gitlab_enable: bool
    gitlab_id: str
    gitlab_secret: str = field(repr=False)
    gitlab_scope: str
    gitlab_auth_endpoint: str
    gitlab_token_endpoint: str
    gitlab_user_api_endpoint: str
    gitlab_discovery_endpoint: str
    gitlab_button_text: str
    gitlab_button_color: str
    google_enable: bool
    google_id: str
    google_secret: str = field(repr=False)
    google_scope: str
    google_discovery_endpoint: str
    office365_enable: bool
    office365_id: str
    office365_secret: str = field(repr=False)
    office365_scope: str
    office365_directory_id: str
    office365_discovery_endpoint: str
    openid_enable: bool
    openid_id: str
    openid_secret: str = field(repr=False)
    openid_scope: str
    openid_discovery_endpoint: str
    openid_button_text: str
    openid_button_color: str
    sso_provider_timeout_seconds: float
    sso_state_ttl_seconds: int
    sso_enable_user_creation: bool
    experimental_enable_authentication_transfer: bool
    app_custom_url_schemes: str
    ldap_enable: bool
    ldap_enable_sync: bool
    ldap_server: str
    ldap_port: int
    ldap_connection_security: str
    ldap_skip_certificate_verification: bool
    ldap_trusted_ca_file: str
    ldap_base_dn: str
    ldap_bind_username: str
    ldap_bind_password: str = field(repr=False)
    ldap_user_filter: str
    ldap_id_attribute: str
    ldap_login_id_attribute: str
    ldap_username_attribute: str
    ldap_email_attribute: str
    ldap_first_name_attribute: str
    ldap_last_name_attribute: str
    ldap_nickname_attribute: str
    ldap_position_attribute: str
    ldap_sync_interval_minutes: int
    ldap_query_timeout: int
    ldap_max_page_size: int
    ldap_login_field_name: str
    ldap_group_filter: str
    ldap_group_display_name_attribute: str
    ldap_group_id_attribute: str
    ldap_group_member_attribute: str
    saml_enable: bool
    saml_verify: bool
    saml_encrypt: bool
    saml_sign_request: bool
    saml_idp_url: str
    saml_idp_descriptor_url: str
    saml_idp_certificate_file: str
    saml_public_certificate_file: str
    saml_private_key_file: str
    saml_service_provider_identifier: str
    saml_assertion_consumer_service_url: str
    saml_id_attribute: str
    saml_username_attribute: str
    saml_email_attribute: str
    saml_first_name_attribute: str
    saml_last_name_attribute: str
    saml_nickname_attribute: str
    saml_position_attribute: str
    saml_login_button_text: str


class SsoFields(SamlFields, LdapGroupFields, BaseSettings):
    # GitLab: its own OAuth (/api/v4/user) or, with the openid scope, OpenID Connect.
    gitlab_enable: bool = _enable("gitlab", "GitLab")
    gitlab_id: str = _client_id("gitlab")
    gitlab_secret: str = _secret("gitlab")
    gitlab_scope: str = _scope("gitlab", "")
    gitlab_auth_endpoint: str = _endpoint(
        "gitlab",
        "AuthEndpoint",
        "authorization endpoint (`https://gitlab.example/oauth/authorize`)",
    )
    gitlab_token_endpoint: str = _endpoint(
        "gitlab", "TokenEndpoint", "token endpoint (`https://gitlab.example/oauth/token`)"
    )
    gitlab_user_api_endpoint: str = _endpoint(
        "gitlab", "UserAPIEndpoint", "user endpoint (`https://gitlab.example/api/v4/user`)"
    )
    gitlab_discovery_endpoint: str = _discovery(
        "gitlab", "empty: the auth endpoint's site, when the scope has `openid`"
    )
    gitlab_button_text: str = _button_text("gitlab")
    gitlab_button_color: str = _button_color("gitlab")
    # Google: an OpenID Connect provider at a known address.
    google_enable: bool = _enable("google", "Google")
    google_id: str = _client_id("google")
    google_secret: str = _secret("google")
    google_scope: str = _scope("google", "openid profile email")
    google_discovery_endpoint: str = _discovery("google", "empty: Google's")
    # Office 365 (Microsoft Entra ID): OpenID Connect, per directory (tenant) id.
    office365_enable: bool = _enable("office365", "Office 365 (Entra ID)")
    office365_id: str = _client_id("office365")
    office365_secret: str = _secret("office365")
    office365_scope: str = _scope("office365", "openid profile email")
    office365_directory_id: str = Field(
        default="common",
        max_length=64,
        description="the Entra ID directory (tenant) id whose users may sign in",
        json_schema_extra=_tag("office365", "DirectoryId"),
    )
    office365_discovery_endpoint: str = _discovery(
        "office365", "empty: Microsoft's for the directory id"
    )
    # Any OpenID Connect provider (Keycloak, Authentik, Okta, ...).
    openid_enable: bool = _enable("openid", "an OpenID Connect provider")
    openid_id: str = _client_id("openid")
    openid_secret: str = _secret("openid")
    openid_scope: str = _scope("openid", "openid profile email")
    openid_discovery_endpoint: str = _discovery("openid", "needed")
    openid_button_text: str = _button_text("openid")
    openid_button_color: str = _button_color("openid")
    # Roost's own limits on the flow.
    sso_provider_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="each call to a provider (discovery, keys, token, user info) is given up "
        "after this; the user sees the provider's error page",
    )
    sso_state_ttl_seconds: int = Field(
        default=600,
        ge=30,
        le=3600,
        description="how long a sign-in started at the provider may take to come back "
        "(its state is then forgotten)",
    )
    sso_enable_user_creation: bool = Field(
        default=True,
        description="a first sign-in through a provider creates the account (Mattermost's "
        "`TeamSettings.EnableUserCreation` for SSO); off: only existing SSO users sign in",
    )
    experimental_enable_authentication_transfer: bool = Field(
        default=True,
        description="people may switch their own account between a password and LDAP or "
        "an SSO provider (`POST /users/login/switch`); off: 403, as in Mattermost",
        json_schema_extra={
            "mattermost": "ServiceSettings.ExperimentalEnableAuthenticationTransfer"
        },
    )
    app_custom_url_schemes: str = Field(
        default="mmauth://,mmauthbeta://",
        max_length=512,
        description="the mobile apps' schemes a sign-in may return to "
        "(`<scheme>callback`), comma-separated",
        json_schema_extra={"mattermost": "NativeAppSettings.AppCustomURLSchemes"},
    )

    # LDAP / Active Directory (Mattermost's LdapSettings): the default tenant's directory.
    ldap_enable: bool = Field(
        default=False,
        description="users sign in with their directory password (simple bind); first "
        "sign-in creates the account",
        json_schema_extra=_ldap("Enable"),
    )
    ldap_enable_sync: bool = Field(
        default=False,
        description="the periodic sync updates LDAP users from the directory and deactivates "
        "those gone from it (or no longer matching the user filter)",
        json_schema_extra=_ldap("EnableSync"),
    )
    ldap_server: str = Field(
        default="",
        max_length=255,
        description="the directory's host name or address",
        json_schema_extra=_ldap("LdapServer"),
    )
    ldap_port: int = Field(
        default=389,
        ge=1,
        le=65535,
        description="its port (636 for LDAPS)",
        json_schema_extra=_ldap("LdapPort"),
    )
    ldap_connection_security: str = Field(
        default="",
        pattern="^(|TLS|STARTTLS)$",
        description="`TLS` (LDAPS), `STARTTLS`, or empty (plain: passwords travel in clear; "
        "only for a directory on the same host)",
        json_schema_extra=_ldap("ConnectionSecurity"),
    )
    ldap_skip_certificate_verification: bool = Field(
        default=False,
        description="accept any certificate from the directory (tests only)",
        json_schema_extra=_ldap("SkipCertificateVerification"),
    )
    ldap_trusted_ca_file: str = Field(
        default="",
        max_length=1024,
        description="PEM file of the CA that signed the directory's certificate; empty: the "
        "system's CAs",
    )
    ldap_base_dn: str = Field(
        default="",
        max_length=1024,
        description="where users are searched (`dc=example,dc=com`)",
        json_schema_extra=_ldap("BaseDN"),
    )
    ldap_bind_username: str = Field(
        default="",
        max_length=1024,
        description="the DN Roost binds as to search",
        json_schema_extra=_ldap("BindUsername"),
    )
    ldap_bind_password: str = Field(
        default="",
        repr=False,
        max_length=1024,
        description="that DN's password (never shown: `********`)",
        json_schema_extra=_ldap("BindPassword", secret=True),
    )
    ldap_user_filter: str = Field(
        default="",
        max_length=1024,
        description="an LDAP filter users must match to sign in (`(memberOf=cn=chat,...)`)",
        json_schema_extra=_ldap("UserFilter"),
    )
    ldap_id_attribute: str = Field(
        default="uid",
        max_length=64,
        description="the attribute that never changes for a user (`objectGUID` on AD)",
        json_schema_extra=_ldap("IdAttribute"),
    )
    ldap_login_id_attribute: str = Field(
        default="uid",
        max_length=64,
        description="the attribute people type as their login",
        json_schema_extra=_ldap("LoginIdAttribute"),
    )
    ldap_username_attribute: str = Field(
        default="uid",
        max_length=64,
        description="the attribute giving the username",
        json_schema_extra=_ldap("UsernameAttribute"),
    )
    ldap_email_attribute: str = Field(
        default="mail",
        max_length=64,
        description="the attribute giving the email",
        json_schema_extra=_ldap("EmailAttribute"),
    )
    ldap_first_name_attribute: str = Field(
        default="",
        max_length=64,
        description="first name (`givenName`); empty: not synced",
        json_schema_extra=_ldap("FirstNameAttribute"),
    )
    ldap_last_name_attribute: str = Field(
        default="",
        max_length=64,
        description="last name (`sn`); empty: not synced",
        json_schema_extra=_ldap("LastNameAttribute"),
    )
    ldap_nickname_attribute: str = Field(
        default="",
        max_length=64,
        description="nickname; empty: not synced",
        json_schema_extra=_ldap("NicknameAttribute"),
    )
    ldap_position_attribute: str = Field(
        default="",
        max_length=64,
        description="position (`title`); empty: not synced",
        json_schema_extra=_ldap("PositionAttribute"),
    )
    ldap_sync_interval_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="minutes between two syncs",
        json_schema_extra=_ldap("SyncIntervalMinutes"),
    )
    ldap_query_timeout: int = Field(
        default=60,
        ge=1,
        le=600,
        description="seconds a connection or query may take",
        json_schema_extra=_ldap("QueryTimeout"),
    )
    ldap_max_page_size: int = Field(
        default=500,
        ge=0,
        le=10000,
        description="entries per page of a sync's search; 0: no paging",
        json_schema_extra=_ldap("MaxPageSize"),
    )
    ldap_login_field_name: str = Field(
        default="",
        max_length=64,
        description="the login field's placeholder on the login page (`AD username`)",
        json_schema_extra=_ldap("LoginFieldName"),
    )

    @property
    def sso(self) -> SsoSettings:
        """The section, built once with the others (``Settings._build_sections``)."""
        built = getattr(self, "_sections", {}).get(SsoSettings)
        if isinstance(built, SsoSettings):
            return built
        return SsoSettings(**{f.name: getattr(self, f.name) for f in fields(SsoSettings)})
