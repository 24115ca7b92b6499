"""Roost's settings as Mattermost's configuration document (``GET /config``).

A field takes part when it names its Mattermost path in its tag,
``Field(..., json_schema_extra={"mattermost": "EmailSettings.SMTPServer"})``, with more
keys when they apply:

- ``"secret": True``: shown as ``********`` and never logged; ``********`` sent back
  means "keep the stored value", as Mattermost's clients do.
- ``"scope": "tenant"``: each tenant's system admin sets it for their tenant (through
  ``/api/v4/config``). Without it the setting is deployment-wide: only the operator
  changes it (``/operator/v1/config``).
- ``"live": True``: the code reads it at every use through its settings section, so a
  change applies at once on every node. Without it the value is read when the node
  starts: a change is stored and applies at the next restart (GET /config/environment
  and the docs say which). A tenant-scoped setting must be live (a per-tenant value
  read only at start-up could not differ between tenants).

Fields of ``roost/config/__init__.py`` (at its size limit) are tagged here, in
``SETTINGS_MODULE_TAGS``; fields of the mixins carry their own tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from roost.config import Settings

SECRET_MASK = "********"
TENANT = "tenant"
DEPLOYMENT = "deployment"

_LIVE_TENANT: dict[str, Any] = {"scope": TENANT, "live": True}

# The tags of the fields declared in roost/config/__init__.py.
SETTINGS_MODULE_TAGS: dict[str, dict[str, Any]] = {
    "site_url": {"mattermost": "ServiceSettings.SiteURL"},
    "site_name": {"mattermost": "TeamSettings.SiteName", **_LIVE_TENANT},
    "log_level": {"mattermost": "LogSettings.ConsoleLevel"},
    "database_url": {"mattermost": "SqlSettings.DataSource", "secret": True},
    "database_pool_size": {"mattermost": "SqlSettings.MaxOpenConns"},
    "database_replica_urls": {"mattermost": "SqlSettings.DataSourceReplicas", "secret": True},
    "max_request_body_bytes": {"mattermost": "ServiceSettings.MaximumPayloadSizeBytes"},
    "session_length_hours": {
        "mattermost": "ServiceSettings.SessionLengthWebInHours",
        **_LIVE_TENANT,
    },
    "enable_open_server": {"mattermost": "TeamSettings.EnableOpenServer", **_LIVE_TENANT},
    "enable_user_access_tokens": {
        "mattermost": "ServiceSettings.EnableUserAccessTokens",
        **_LIVE_TENANT,
    },
    "enable_bot_account_creation": {
        "mattermost": "ServiceSettings.EnableBotAccountCreation",
        **_LIVE_TENANT,
    },
    # Mattermost fixes it at 16383 characters; Roost lets it be set.
    "max_post_size": {"mattermost": "ServiceSettings.MaxPostSize", **_LIVE_TENANT},
    "enable_user_typing_messages": {"mattermost": "ServiceSettings.EnableUserTypingMessages"},
    "max_notifications_per_channel": {"mattermost": "TeamSettings.MaxNotificationsPerChannel"},
    "file_s3_endpoint": {"mattermost": "FileSettings.AmazonS3Endpoint"},
    "file_s3_region": {"mattermost": "FileSettings.AmazonS3Region"},
    "file_s3_access_key_id": {"mattermost": "FileSettings.AmazonS3AccessKeyId"},
    "file_s3_secret_access_key": {
        "mattermost": "FileSettings.AmazonS3SecretAccessKey",
        "secret": True,
    },
    "max_file_size": {"mattermost": "FileSettings.MaxFileSize"},
    "max_image_pixels": {"mattermost": "FileSettings.MaxImageResolution"},
    "enable_public_link": {"mattermost": "FileSettings.EnablePublicLink"},
    "public_link_salt": {"mattermost": "FileSettings.PublicLinkSalt", "secret": True},
    "enable_incoming_webhooks": {
        "mattermost": "ServiceSettings.EnableIncomingWebhooks",
        **_LIVE_TENANT,
    },
    "enable_outgoing_webhooks": {
        "mattermost": "ServiceSettings.EnableOutgoingWebhooks",
        **_LIVE_TENANT,
    },
    "enable_commands": {"mattermost": "ServiceSettings.EnableCommands", **_LIVE_TENANT},
    "enable_post_username_override": {
        "mattermost": "ServiceSettings.EnablePostUsernameOverride",
        **_LIVE_TENANT,
    },
    "enable_post_icon_override": {
        "mattermost": "ServiceSettings.EnablePostIconOverride",
        **_LIVE_TENANT,
    },
    "outbound_allowed_hosts": {"mattermost": "ServiceSettings.AllowedUntrustedInternalConnections"},
    "plugins_enable": {"mattermost": "PluginSettings.Enable"},
    "plugin_enable_uploads": {"mattermost": "PluginSettings.EnableUploads", "live": True},
}


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """One setting as Mattermost names it."""

    field: str  # the Settings field (ROOST_<FIELD>)
    group: str  # "ServiceSettings"
    name: str  # "SiteURL"
    kind: type  # bool, int, float or str
    secret: bool
    scope: str  # TENANT or DEPLOYMENT
    live: bool

    @property
    def path(self) -> str:
        return f"{self.group}.{self.name}"

    @property
    def env_var(self) -> str:
        return f"ROOST_{self.field.upper()}"


def _tag(name: str, extra: Any) -> dict[str, Any] | None:
    if name in SETTINGS_MODULE_TAGS:
        return SETTINGS_MODULE_TAGS[name]
    if isinstance(extra, dict) and isinstance(extra.get("mattermost"), str):
        return extra
    return None


@cache
def config_keys() -> tuple[ConfigKey, ...]:
    """Every tagged setting, in the order of the Settings fields."""
    keys: list[ConfigKey] = []
    for name, info in Settings.model_fields.items():
        tag = _tag(name, info.json_schema_extra)
        if tag is None:
            continue
        group, _, leaf = str(tag["mattermost"]).partition(".")
        kind = info.annotation if info.annotation in (bool, int, float, str) else str
        scope = TENANT if tag.get("scope") == TENANT else DEPLOYMENT
        live = bool(tag.get("live")) or scope == TENANT
        keys.append(
            ConfigKey(name, group, leaf, kind, bool(tag.get("secret")), scope, live)  # type: ignore[arg-type]
        )
    return tuple(keys)


@cache
def keys_by_path() -> dict[tuple[str, str], ConfigKey]:
    return {(k.group, k.name): k for k in config_keys()}


@cache
def keys_by_field() -> dict[str, ConfigKey]:
    return {k.field: k for k in config_keys()}


def plain(key: ConfigKey, value: Any) -> Any:
    """A setting's value as the document shows it: a path (or any other type Mattermost
    holds as a string) as its text, an unset one as ``""``."""
    if key.kind is str and not isinstance(value, str):
        return "" if value is None else str(value)  # unset: Mattermost's empty string
    return value


def to_document(values: dict[str, Any], mask_secrets: bool = True) -> dict[str, Any]:
    """Settings values by field -> Mattermost's nested document (secrets masked)."""
    doc: dict[str, dict[str, Any]] = {}
    for key in config_keys():
        if key.field not in values:
            continue
        value = plain(key, values[key.field])
        if key.secret and mask_secrets and value:
            value = SECRET_MASK
        doc.setdefault(key.group, {})[key.name] = value
    return doc


def environment_document(fixed: frozenset[str]) -> dict[str, Any]:
    """``GET /config/environment``: ``true`` at each path the environment sets."""
    doc: dict[str, dict[str, Any]] = {}
    for key in config_keys():
        if key.field in fixed:
            doc.setdefault(key.group, {})[key.name] = True
    return doc


def scopes_document() -> dict[str, Any]:
    """Roost's ``GET /config/scopes``: for each setting, who may change it through
    ``/config`` (``tenant``: the tenant's admins; ``deployment``: the operator only) and
    whether a change applies at once (``live``) or at each node's next start."""
    doc: dict[str, dict[str, Any]] = {}
    for key in config_keys():
        doc.setdefault(key.group, {})[key.name] = {"scope": key.scope, "live": key.live}
    return doc
