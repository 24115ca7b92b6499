"""One typed settings object, read from ROOST_* variables and an optional TOML file.

``Settings`` is parsed flat (one field per ``ROOST_*`` variable); services receive only
their frozen sections (``settings.files``, ``settings.tenancy``, ...), which carry the
same field names. README.md's settings table is generated from the fields' descriptions:
``python -m roost.config --readme`` rewrites it (``roost.config.readme``). Mixins hold
groups of fields, only for length: ``account_security``, ``protection``, ``admission``,
and each feature's own (``notifications``, ``administration``, ``imports``, ``sso``, ...).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from roost.config.account_security import AccountSecurityFields
from roost.config.administration import AdministrationFields, AdministrationSettings
from roost.config.admission import AdmissionFields, AdmissionSettings
from roost.config.checks import checked
from roost.config.imports import ImportFields, ImportSettings
from roost.config.messaging import MessagingFields, MessagingSettings
from roost.config.notifications import NotificationFields, NotificationSettings
from roost.config.parsing import named_urls as _named_urls
from roost.config.parsing import parse_listen as parse_listen
from roost.config.protection import ProtectionFields
from roost.config.protection import RateLimitSettings as RateLimitSettings
from roost.config.sso import SsoFields, SsoSettings

# Public links are signed with the salt: short salts are guessable.
PUBLIC_LINK_SALT_MIN = 32
# The operator token opens every tenant's lifecycle: as long as a random secret.
OPERATOR_TOKEN_MIN = 32

_S = TypeVar("_S")


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    """Where the data lives: read by the database and the migrations."""

    database_url: str
    data_dir: Path
    database_pool_size: int
    database_owner_url: str
    database_replica_urls: str
    replica_max_lag_seconds: float
    database_shards: str
    database_shard_owner_urls: str = field(repr=False)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'roost.db').resolve()}"

    @property
    def migration_database_url(self) -> str:
        return self.database_owner_url or self.effective_database_url

    @property
    def replica_urls(self) -> list[str]:
        return [u.strip() for u in self.database_replica_urls.split(",") if u.strip()]

    @property
    def shard_urls(self) -> dict[str, str]:
        """The named databases' runtime URLs."""
        return _named_urls(self.database_shards)

    @property
    def shard_owner_urls(self) -> dict[str, str]:
        """The named databases' owner URLs, for migrations (the runtime URL when none)."""
        owners = _named_urls(self.database_shard_owner_urls)
        return {name: owners.get(name, url) for name, url in self.shard_urls.items()}


@dataclass(frozen=True, slots=True)
class ServingSettings:
    """The HTTP server: read by the command line, the ASGI app and the API layer."""

    host: str
    port: int
    site_url: str
    site_name: str
    log_level: str
    http_keepalive_seconds: int
    metrics_enabled: bool
    max_request_body_bytes: int
    admin_listen: str
    admin_paths_on_public: bool

    @property
    def admin_address(self) -> tuple[str, int] | None:
        """Where the admin listener binds (``/metrics``, ``/operator/v1``); None: off."""
        return parse_listen(self.admin_listen)


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """How nodes find each other: read by the bus and presence."""

    redis_url: str
    redis_prefix: str


@dataclass(frozen=True, slots=True)
class TenancySettings:
    """Tenants: read by the tenant directory, usage, reaper and mover, and the operator API."""

    tenant_base_domain: str
    tenant_refresh_seconds: float
    tenant_requests_per_second: float
    tenant_request_burst_seconds: float
    tenant_delete_batch: int
    tenant_reap_seconds: float
    tenant_move_grace_seconds: float
    tenant_usage_flush_seconds: float
    operator_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """Users, sessions, tokens and bots."""

    password_hash_cost: int
    session_length_hours: float
    enable_open_server: bool
    enable_user_access_tokens: bool
    enable_bot_account_creation: bool
    max_users_per_page: int
    password_minimum_length: int
    password_lowercase: bool
    password_uppercase: bool
    password_number: bool
    password_symbol: bool
    maximum_login_attempts: int
    # MFA and sessions (issue 19).
    enable_multifactor_authentication: bool
    enforce_multifactor_authentication: bool
    session_length_mobile_hours: float
    session_length_sso_hours: float
    session_idle_timeout_minutes: float
    terminate_sessions_on_password_change: bool
    enable_user_deactivation: bool
    audit_retention_days: float
    audit_purge_interval_seconds: float
    show_email_address: bool
    show_full_name: bool


@dataclass(frozen=True, slots=True)
class PostSettings:
    """Posts, drafts and threads."""

    max_post_size: int
    thread_fanout_inline_max: int


@dataclass(frozen=True, slots=True)
class RealtimeSettings:
    """Typing events and the WebSocket hub."""

    enable_user_typing_messages: bool
    max_notifications_per_channel: int
    websocket_send_queue: int
    websocket_replay_buffer: int
    websocket_resume_seconds: float


@dataclass(frozen=True, slots=True)
class FileSettings:
    """Uploads, their store, previews, public links and the orphan sweep."""

    file_store: str
    file_s3_endpoint: str
    file_s3_region: str
    file_s3_access_key_id: str
    file_s3_secret_access_key: str = field(repr=False)
    file_s3_path_style: bool
    max_file_size: int
    max_image_pixels: int
    max_emoji_file_size: int
    file_orphan_age_seconds: float
    file_sweep_interval_seconds: float
    enable_public_link: bool
    public_link_salt: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class IntegrationSettings:
    """Webhooks, slash commands, outbound calls, queued deliveries and HTTP apps."""

    enable_incoming_webhooks: bool
    enable_outgoing_webhooks: bool
    enable_commands: bool
    enable_post_username_override: bool
    enable_post_icon_override: bool
    incoming_webhook_max_bytes: int
    incoming_webhook_rate_per_second: float
    incoming_webhook_burst: int
    outbound_allowed_hosts: str
    outbound_timeout_seconds: float
    outbound_max_response_bytes: int
    delivery_max_attempts: int
    delivery_retry_base_seconds: float
    app_bindings_ttl_seconds: float


@dataclass(frozen=True, slots=True)
class PluginSettings:
    """Server plugins: the runtime, its hosts and the plugin admin API."""

    plugins_enable: bool
    plugin_enable_uploads: bool
    plugin_max_bundle_bytes: int
    plugin_hook_timeout_seconds: float
    plugin_http_timeout_seconds: float
    plugin_health_check_seconds: float
    plugin_host_mode: str
    plugin_fail_closed_hooks: str
    plugin_host_user: str


# Each section: its Settings property, its class and its README heading (the table's order).
SECTIONS: tuple[tuple[str, type, str], ...] = (
    ("database", DatabaseSettings, "Database"),
    ("serving", ServingSettings, "Serving"),
    ("cluster", ClusterSettings, "Several nodes"),
    ("tenancy", TenancySettings, "Tenants"),
    ("accounts", AccountSettings, "Accounts"),
    ("posts", PostSettings, "Posts"),
    ("realtime", RealtimeSettings, "Typing and WebSocket"),
    ("files", FileSettings, "Files"),
    ("integrations", IntegrationSettings, "Integrations"),
    ("plugins", PluginSettings, "Plugins"),
    ("rate_limits", RateLimitSettings, "Rate limits"),
    ("admission", AdmissionSettings, "Admission control and shutdown"),
    ("notifications", NotificationSettings, "Email and push notifications"),
    ("administration", AdministrationSettings, "Administration"),
    ("imports", ImportSettings, "Imports"),
    ("messaging", MessagingSettings, "Link previews, scheduled posts and reminders"),
    ("sso", SsoSettings, "Single sign-on"),
)


class Settings(
    NotificationFields,
    AdministrationFields,
    ImportFields,
    MessagingFields,
    SsoFields,
    ProtectionFields,
    AdmissionFields,
    AccountSecurityFields,
    BaseSettings,
):
    model_config = SettingsConfigDict(env_prefix="ROOST_", extra="ignore")

    # Database. Without a database URL Roost uses SQLite in the data directory.
    database_url: str = Field(
        default="", description="`postgresql://user@host:5432/db` for production; empty: SQLite"
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="where SQLite, local uploads, plugins and temporary files live",
    )
    database_pool_size: int = Field(
        default=20,
        ge=1,
        le=200,
        description="connections each node pools per database (a quarter more at peaks)",
    )
    # The server connects with database_url as a role that owns nothing, so row-level
    # security binds it; the migration grants that role what it needs.
    database_owner_url: str = Field(
        default="",
        description="PostgreSQL: the tables' owner, for migrations; the server then logs in "
        "with `ROOST_DATABASE_URL` as a role that owns nothing, so row-level security binds "
        "it (`docs/deployment.md`)",
    )
    database_replica_urls: str = Field(
        default="", description="PostgreSQL streaming replicas for reads, comma-separated"
    )
    replica_max_lag_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="a replica further behind (or unreachable) serves no reads until it catches up",
    )
    # Each shard gets the whole schema; its owner migrates it, as database_owner_url.
    database_shards: str = Field(
        default="",
        description="more PostgreSQL databases for tenants placed there: `name=url,name=url`",
    )
    database_shard_owner_urls: str = Field(
        default="", repr=False, description="their owners, for migrations: `name=url,...`"
    )

    # Serving.
    host: str = Field(
        default="0.0.0.0", description="the address to listen on (`roost serve --host` wins)"
    )
    port: int = Field(
        default=8065,
        ge=0,
        le=65535,
        description="the port to listen on (`roost serve --port` wins)",
    )
    site_url: str = Field(default="http://localhost:8065", description="the public URL clients use")
    site_name: str = Field(default="Roost", description="the server's name, shown by the clients")
    log_level: str = Field(
        default="info",
        description="the log level: `critical`, `error`, `warning`, `info`, `debug` or `trace`",
    )
    # Longer than the clients' and proxies' own idle timeouts (nginx: 75 s), so the server
    # is not the side that closes a connection a client is about to reuse.
    http_keepalive_seconds: int = Field(
        default=90, ge=1, le=3600, description="how long an idle client connection stays open"
    )
    metrics_enabled: bool = Field(
        default=True,
        description="Prometheus metrics at `/metrics` (requests and latency by route, "
        "WebSocket connections and events, bus traffic, database pool use), on the admin "
        "listener (`ROOST_ADMIN_LISTEN`)",
    )
    max_request_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="largest JSON request body (413 beyond)"
    )
    # The node's own paths are for the operator and the monitoring system, not the
    # internet: a listener of their own, on loopback unless said otherwise.
    admin_listen: str = Field(
        default="127.0.0.1:8067",
        pattern=r"^(|off|\[[0-9a-fA-F:.]+\]:[0-9]{1,5}|[^:\[\]]*:[0-9]{1,5})$",
        description="`host:port` of the admin listener, the only one serving `/metrics` and "
        "`/operator/v1` (`off` or empty: none)",
    )
    admin_paths_on_public: bool = Field(
        default=False,
        description="also serve `/metrics` and `/operator/v1` on the public listener (the "
        "behaviour before the admin listener; otherwise they answer 404 there)",
    )

    # Several nodes (or `roost serve --workers N`) share events and cache invalidations
    # through Redis; empty means this process is the only node.
    redis_url: str = Field(
        default="",
        description="`redis://host:6379/0`: joins this node to the others using it (needed "
        "for several nodes or `--workers`)",
    )
    redis_prefix: str = Field(
        default="roost",
        min_length=1,
        max_length=64,
        description="names Roost's Redis keys and channels; deployments sharing one Redis use "
        "different prefixes",
    )

    # Tenants. Custom domains mapped to a tenant name it, with or without a base domain.
    tenant_base_domain: str = Field(
        default="",
        description="serve many organisations: `acme.<base>` is the tenant named `acme`, the "
        "base domain itself the default tenant, other hosts 404 (unless mapped as custom "
        "domains); without it every host is the one default tenant (`docs/deployment.md`, "
        '"Tenants")',
    )
    tenant_refresh_seconds: float = Field(
        default=30.0,
        ge=1,
        le=3600,
        description="how often a node re-reads the tenant directory (changes through the API "
        "reach every node at once through the bus; this covers `roost tenant` on a node "
        "without Redis)",
    )
    tenant_requests_per_second: float = Field(
        default=0.0,
        ge=0,
        description="requests per second each node admits for one tenant (429 "
        "`api.tenant.rate_limited.app_error` beyond), unless the operator set the tenant's "
        "own limit",
    )
    tenant_request_burst_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="a tenant may burst this many seconds' worth of its rate",
    )
    tenant_delete_batch: int = Field(
        default=1000,
        ge=1,
        le=100_000,
        description="rows per statement (each its own transaction) when a deleted tenant's "
        "data is removed",
    )
    tenant_reap_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="how often each node looks for tenant deletions left unfinished",
    )
    # Longer than tenant_refresh_seconds.
    tenant_move_grace_seconds: float = Field(
        default=35.0,
        ge=0,
        le=3600,
        description="moving a tenant to another database waits this long after making it "
        "read-only, and again before emptying the old copy, so every node has heard",
    )
    tenant_usage_flush_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="how often each node adds the requests it admitted per tenant to the "
        "usage figures",
    )
    # Separate from every tenant's own admins; empty switches the operator API off.
    operator_token: str = Field(
        default="",
        repr=False,
        description="bearer token (32+ characters) of the operator API at `/operator/v1`, "
        "which creates, lists, suspends and resumes tenants; no tenant's admin can use it",
    )

    # Accounts.
    password_hash_cost: int = Field(
        default=10,
        ge=4,
        le=15,
        description="bcrypt work factor for new password hashes (each step doubles the CPU "
        "per login)",
    )
    session_length_hours: float = Field(
        default=720,
        gt=0,
        description="lifetime of a web login session (Mattermost's SessionLengthWebInHours); "
        "fractions of an hour allowed (personal access tokens never expire)",
    )
    enable_open_server: bool = Field(default=False, description="whether anyone may sign up")
    enable_user_access_tokens: bool = Field(default=True, description="personal access tokens")
    enable_bot_account_creation: bool = Field(
        default=True, description="whether bot accounts may be created (501 while off)"
    )
    max_users_per_page: int = Field(
        default=200,
        description="not read yet: user lists page at most 200 users (`per_page`) whatever it says",
    )
    # Posts.
    max_post_size: int = Field(default=16383, ge=1, description="characters in a message")
    # So a reply never waits on a big fan-out.
    thread_fanout_inline_max: int = Field(
        default=200,
        ge=0,
        le=100_000,
        description="a reply to a thread with more members commits first; a job moves their "
        "unread counts right after",
    )

    # Typing and WebSocket. Clients do not send typing events to large channels and the
    # server does not fan them out, as Mattermost's MaxNotificationsPerChannel.
    enable_user_typing_messages: bool = Field(default=True, description="typing events at all")
    max_notifications_per_channel: int = Field(
        default=1000,
        ge=1,
        description="channels this large get no typing events (clients read it from the "
        "client config)",
    )
    websocket_send_queue: int = Field(
        default=256,
        ge=8,
        description="events queued for one WebSocket connection; a client further behind is "
        "disconnected (it reconnects and resumes)",
    )
    websocket_replay_buffer: int = Field(
        default=128,
        ge=8,
        description="recent events kept per WebSocket session, replayed when it reconnects",
    )
    websocket_resume_seconds: float = Field(
        default=60.0,
        ge=0,
        description="how long a dropped WebSocket session may reconnect and resume where it "
        "left off",
    )

    # Files. Uploads stay on this node's disk under data_dir/files, or go to an
    # S3-compatible bucket shared by every node.
    file_store: str = Field(
        default="",
        description="where uploads live: empty for `$ROOST_DATA_DIR/files`, or "
        "`s3://bucket/prefix` for an S3-compatible store every node shares",
    )
    file_s3_endpoint: str = Field(
        default="",
        description="the S3 endpoint of another store (MinIO, Ceph, ...), e.g. `http://minio:9000`",
    )
    file_s3_region: str = Field(default="us-east-1", description="the bucket's region")
    # Empty keys: botocore's usual sources.
    file_s3_access_key_id: str = Field(
        default="",
        description="S3 access key; when empty, the usual `AWS_*` variables or the instance's role",
    )
    file_s3_secret_access_key: str = Field(
        default="", repr=False, description="S3 secret key, given with the access key"
    )
    file_s3_path_style: bool = Field(
        default=False,
        description="path-style bucket URLs (`endpoint/bucket/key`), which most self-hosted "
        "stores need",
    )
    max_file_size: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        description="largest uploaded file, in bytes (413 beyond; enforced as the upload "
        "streams in)",
    )
    # Decompression bombs; as Mattermost's MaxImageResolution (7680x4320).
    max_image_pixels: int = Field(
        default=7680 * 4320,
        ge=1,
        description="images with more pixels (width x height, read from the header) are "
        "refused with 400",
    )
    # The limit; Mattermost's current servers take 512 KiB, older ones 1 MiB.
    max_emoji_file_size: int = Field(
        default=1024 * 1024,
        ge=1,
        description="largest custom emoji image, in bytes (413 beyond; enforced as the upload "
        "streams in)",
    )
    file_orphan_age_seconds: float = Field(
        default=24 * 3600.0,
        gt=0,
        description="uploads no post has taken after this long are deleted",
    )
    file_sweep_interval_seconds: float = Field(
        default=600.0, gt=0, description="how often each node looks for such uploads"
    )
    # Off by default, as in Mattermost. Every node needs the same salt.
    enable_public_link: bool = Field(
        default=False,
        description="public links to files (`GET /files/{id}/link`); 403 while off, as in "
        "Mattermost",
    )
    public_link_salt: str = Field(
        default="",
        repr=False,
        description="signs public links (32+ characters, the same on every node; changing it "
        "revokes every link); required with public links",
    )

    # Integrations: incoming and outgoing webhooks, slash commands, interactive messages.
    enable_incoming_webhooks: bool = Field(
        default=True, description="incoming webhooks (`docs/integrations.md`); 501 while off"
    )
    enable_outgoing_webhooks: bool = Field(
        default=True, description="outgoing webhooks (`docs/integrations.md`); 501 while off"
    )
    enable_commands: bool = Field(
        default=True, description="custom slash commands (`docs/integrations.md`); 501 while off"
    )
    enable_post_username_override: bool = Field(
        default=False, description="whether integrations may post under another name"
    )
    enable_post_icon_override: bool = Field(
        default=False, description="whether integrations may post with another picture"
    )
    incoming_webhook_max_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="largest incoming-webhook payload (413 beyond)"
    )
    # A token bucket per hook and node.
    incoming_webhook_rate_per_second: float = Field(
        default=10.0, gt=0, description="posts per hook per node, on average (429 beyond)"
    )
    incoming_webhook_burst: int = Field(
        default=30, ge=1, description="posts per hook per node at once (429 beyond)"
    )
    # As Mattermost's AllowedUntrustedInternalConnections.
    outbound_allowed_hosts: str = Field(
        default="",
        description="host names and CIDRs (comma-separated) the default tenant's admin-made "
        "integrations may call although not public, e.g. `ci.internal,10.1.0.0/16`, unless "
        "the operator sets its own list; other tenants only ever get their own "
        "(`PUT /operator/v1/tenants/{t}/outbound`); everything else non-public is refused",
    )
    outbound_timeout_seconds: float = Field(
        default=30.0, gt=0, le=300, description="how long a call to an integration may take"
    )
    outbound_max_response_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="largest answer read from an integration"
    )
    delivery_max_attempts: int = Field(
        default=5,
        ge=1,
        le=50,
        description="attempts of a queued call (outgoing webhooks) before it is listed as failed",
    )
    delivery_retry_base_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="delay before the first retry, doubled after each (at most an hour)",
    )

    # Server plugins (docs/plugins.md). Uploading bundles is off by default, as in
    # Mattermost: an uploaded plugin is code the server runs.
    plugins_enable: bool = Field(
        default=True, description="server plugins at all (`docs/plugins.md`)"
    )
    plugin_enable_uploads: bool = Field(
        default=False,
        description="admins may upload plugin bundles (an upload is code the server runs)",
    )
    plugin_max_bundle_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, description="largest plugin bundle (413 beyond)"
    )
    plugin_hook_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="longest wait for a plugin hook; a post is never held longer",
    )
    plugin_http_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="longest wait for a plugin's HTTP endpoint or slash command",
    )
    plugin_health_check_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="how often the plugin host is pinged (restarted if dead or hung) and "
        "plugin state re-read",
    )
    # "per_plugin" is Mattermost's model.
    plugin_host_mode: str = Field(
        default="shared",
        pattern="^(shared|per_plugin)$",
        description="`shared`: one plugin-host process per node for every isolated plugin; "
        "`per_plugin` (one each) is for comparison only",
    )
    plugin_fail_closed_hooks: str = Field(
        default="",
        description="hooks that refuse the change (503) when a plugin fails, comma-separated "
        "`hook` or `plugin_id/hook`; others skip the failing plugin",
    )
    plugin_host_user: str = Field(
        default="nobody",
        description="the user the plugin host runs as when the server runs as root (so it "
        "cannot read the server's environment); empty: root too (not recommended)",
    )
    # An app also says when its bindings changed.
    app_bindings_ttl_seconds: float = Field(
        default=600.0,
        gt=0,
        le=86400,
        description="how long the server keeps an HTTP app's bindings before asking the app "
        "again (the app can also ask for a refresh)",
    )

    # Built from the fields above once they are valid (_build_sections).
    _sections: dict[type, object] = PrivateAttr(default_factory=dict)

    @field_validator("file_store")
    @classmethod
    def _check_file_store(cls, value: str) -> str:
        if value not in ("", "local") and not re.fullmatch(r"s3://[^/?#]+(/[^?#]*)?", value):
            raise ValueError("file_store is empty, 'local' or s3://bucket[/prefix]")
        return value

    @model_validator(mode="after")
    def _check_public_links(self) -> Settings:
        if self.enable_public_link and len(self.public_link_salt) < PUBLIC_LINK_SALT_MIN:
            raise ValueError(
                f"enable_public_link needs public_link_salt of {PUBLIC_LINK_SALT_MIN}+ characters"
            )
        return self

    @field_validator("operator_token")
    @classmethod
    def _check_operator_token(cls, value: str) -> str:
        if value and len(value) < OPERATOR_TOKEN_MIN:
            raise ValueError(f"operator_token is empty (off) or {OPERATOR_TOKEN_MIN}+ characters")
        return value

    @field_validator("database_shards", "database_shard_owner_urls")
    @classmethod
    def _check_shards(cls, value: str) -> str:
        _named_urls(value)  # refuses what it cannot read
        return value

    @model_validator(mode="after")
    def _build_sections(self) -> Settings:
        self._sections = {
            cls: cls(**{f.name: getattr(self, f.name) for f in fields(cls)})
            for _, cls, _ in SECTIONS
        }
        return self

    def _section(self, cls: type[_S]) -> _S:
        return cast(_S, self._sections[cls])

    @property
    def database(self) -> DatabaseSettings:
        return self._section(DatabaseSettings)

    @property
    def serving(self) -> ServingSettings:
        return self._section(ServingSettings)

    @property
    def cluster(self) -> ClusterSettings:
        return self._section(ClusterSettings)

    @property
    def tenancy(self) -> TenancySettings:
        return self._section(TenancySettings)

    @property
    def accounts(self) -> AccountSettings:
        return self._section(AccountSettings)

    @property
    def posts(self) -> PostSettings:
        return self._section(PostSettings)

    @property
    def realtime(self) -> RealtimeSettings:
        return self._section(RealtimeSettings)

    @property
    def files(self) -> FileSettings:
        return self._section(FileSettings)

    @property
    def integrations(self) -> IntegrationSettings:
        return self._section(IntegrationSettings)

    @property
    def plugins(self) -> PluginSettings:
        return self._section(PluginSettings)

    @property
    def rate_limits(self) -> RateLimitSettings:
        return self._section(RateLimitSettings)

    @property
    def admission(self) -> AdmissionSettings:
        return self._section(AdmissionSettings)

    @property
    def notifications(self) -> NotificationSettings:
        return self._section(NotificationSettings)

    @property
    def shard_urls(self) -> dict[str, str]:
        return self.database.shard_urls

    @property
    def shard_owner_urls(self) -> dict[str, str]:
        return self.database.shard_owner_urls

    @property
    def migration_database_url(self) -> str:
        return self.database.migration_database_url

    @property
    def effective_database_url(self) -> str:
        return self.database.effective_database_url

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("ROOST_CONFIG_FILE")
        if config_file:
            # Environment variables win over the file so one file serves many nodes.
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    return checked(Settings, overrides)  # refuses unknown names and bad values in a line
