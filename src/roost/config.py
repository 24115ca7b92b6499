"""One typed settings object, read from ROOST_* variables and an optional TOML file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# Public links are signed with the salt: short salts are guessable.
PUBLIC_LINK_SALT_MIN = 32
# The operator token opens every tenant's lifecycle: as long as a random secret.
OPERATOR_TOKEN_MIN = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOST_", extra="ignore")

    # Storage. Without a database URL Roost uses SQLite in the data directory.
    database_url: str = ""
    data_dir: Path = Path("data")
    database_pool_size: int = Field(default=20, ge=1, le=200)
    # PostgreSQL: the tables' owner, for migrations. The server then connects with
    # database_url as a role that owns nothing, so row-level security binds it; the
    # migration grants that role what it needs. Empty: database_url does both.
    database_owner_url: str = ""
    # PostgreSQL streaming replicas for reads, comma-separated URLs; a replica more than
    # replica_max_lag_seconds behind (or unreachable) serves nothing until it catches up.
    database_replica_urls: str = ""
    replica_max_lag_seconds: float = Field(default=5.0, gt=0, le=3600)

    # Serving.
    host: str = "0.0.0.0"
    port: int = Field(default=8065, ge=0, le=65535)
    site_url: str = "http://localhost:8065"
    site_name: str = "Roost"
    log_level: str = "info"
    # Idle keep-alive connections stay open this long. Longer than the clients' and
    # proxies' own idle timeouts (nginx: 75 s), so the server is not the side that
    # closes a connection a client is about to reuse.
    http_keepalive_seconds: int = Field(default=90, ge=1, le=3600)

    # Several nodes (or `roost serve --workers N`) share events and cache
    # invalidations through Redis; empty means this process is the only node.
    redis_url: str = ""
    # Keys and channels are named <prefix>:...; deployments sharing one Redis differ here.
    redis_prefix: str = Field(default="roost", min_length=1, max_length=64)
    # Prometheus text at /metrics (block it at the proxy for public traffic).
    metrics_enabled: bool = True

    # Tenants. With a base domain, acme.<base> serves the tenant named acme and hosts
    # that name no tenant get 404; without one, every host is the default tenant
    # (custom domains mapped to a tenant still name it).
    tenant_base_domain: str = ""
    tenant_refresh_seconds: float = Field(default=30.0, ge=1, le=3600)
    # Requests per second each node admits for one tenant (0: no limit), unless the
    # operator sets the tenant's own; bursts of this many seconds' worth pass.
    tenant_requests_per_second: float = Field(default=0.0, ge=0)
    tenant_request_burst_seconds: float = Field(default=2.0, gt=0, le=60)
    # A deleted tenant's rows go this many per statement (each its own transaction); each
    # node looks for deletions left unfinished this often.
    tenant_delete_batch: int = Field(default=1000, ge=1, le=100_000)
    tenant_reap_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Databases beyond the directory's, for tenants placed there: "name=url,name=url"
    # (PostgreSQL; each gets the whole schema). Owners for their migrations, the same
    # way as database_owner_url: "name=url,...".
    database_shards: str = ""
    database_shard_owner_urls: str = Field(default="", repr=False)
    # Moving a tenant waits this long after making it read-only (and again before
    # clearing the old copy) so every node has heard; longer than tenant_refresh_seconds.
    tenant_move_grace_seconds: float = Field(default=35.0, ge=0, le=3600)
    # Each node adds the requests it admitted per tenant to the database this often.
    tenant_usage_flush_seconds: float = Field(default=60.0, gt=0, le=3600)
    # The operator API (/operator/v1) answers only requests bearing this token; empty
    # switches it off. Separate from every tenant's own admins.
    operator_token: str = Field(default="", repr=False)

    # bcrypt work factor for new password hashes (each step doubles the CPU per login).
    password_hash_cost: int = Field(default=10, ge=4, le=15)

    # Sessions last this long; personal access tokens never expire.
    session_length_hours: int = Field(default=720, ge=1)

    # Limits, each enforced and tested.
    max_post_size: int = Field(default=16383, ge=1)
    max_request_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_file_size: int = Field(default=100 * 1024 * 1024, ge=1)
    max_users_per_page: int = 200
    # Above this many members a channel gets no typing events (clients do not send
    # them, and the server does not fan them out), as Mattermost's MaxNotificationsPerChannel.
    max_notifications_per_channel: int = Field(default=1000, ge=1)
    # A reply to a thread with more members than this commits without moving their
    # counters; a job right after does (so the reply never waits on a big fan-out).
    thread_fanout_inline_max: int = Field(default=200, ge=0, le=100_000)
    enable_user_typing_messages: bool = True
    websocket_send_queue: int = Field(default=256, ge=8)
    websocket_replay_buffer: int = Field(default=128, ge=8)
    websocket_resume_seconds: float = Field(default=60.0, ge=0)

    # Sign-up and integrations.
    enable_open_server: bool = True
    enable_user_access_tokens: bool = True
    enable_bot_account_creation: bool = True

    # Files. Uploads stay on this node's disk under data_dir/files, or go to an
    # S3-compatible bucket shared by every node: file_store = "s3://bucket/prefix".
    file_store: str = ""
    # For S3: the endpoint of a non-AWS store (MinIO, Ceph, ...), the region, and keys
    # (empty keys: botocore's usual sources, such as AWS_* variables or an instance role).
    file_s3_endpoint: str = ""
    file_s3_region: str = "us-east-1"
    file_s3_access_key_id: str = ""
    file_s3_secret_access_key: str = ""
    # Path-style bucket URLs (endpoint/bucket/key), which most self-hosted stores need.
    file_s3_path_style: bool = False
    # Images with more pixels than this are refused (decompression bombs), as
    # Mattermost's MaxImageResolution (7680x4320).
    max_image_pixels: int = Field(default=7680 * 4320, ge=1)
    # Uploads no post has taken after this long are deleted, checked this often.
    file_orphan_age_seconds: float = Field(default=24 * 3600.0, gt=0)
    file_sweep_interval_seconds: float = Field(default=600.0, gt=0)
    # Public links (GET /files/{id}/link): off by default, as in Mattermost. The salt
    # signs the links; every node needs the same one, and changing it revokes them all.
    enable_public_link: bool = False
    public_link_salt: str = ""

    # Integrations: incoming and outgoing webhooks, slash commands, interactive messages.
    enable_incoming_webhooks: bool = True
    enable_outgoing_webhooks: bool = True
    enable_commands: bool = True
    # Integrations may post under another name or picture only when these allow it.
    enable_post_username_override: bool = False
    enable_post_icon_override: bool = False
    # POST /hooks/{id}: the largest body, and a per-hook rate (a token bucket per node).
    incoming_webhook_max_bytes: int = Field(default=1024 * 1024, ge=1024)
    incoming_webhook_rate_per_second: float = Field(default=10.0, gt=0)
    incoming_webhook_burst: int = Field(default=30, ge=1)
    # Outbound calls (outgoing webhooks, commands, actions): loopback, private,
    # link-local and other non-public addresses are refused unless listed here
    # (comma-separated hostnames or CIDRs), as Mattermost's AllowedUntrustedInternalConnections.
    outbound_allowed_hosts: str = ""
    outbound_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    outbound_max_response_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Queued deliveries (outgoing webhooks): attempts before a delivery is marked failed,
    # and the first retry's delay (doubled after each failure, at most an hour).
    delivery_max_attempts: int = Field(default=5, ge=1, le=50)
    delivery_retry_base_seconds: float = Field(default=10.0, gt=0, le=3600)
    # Server plugins (docs/plugins.md). Uploading bundles is off by default, as in
    # Mattermost: an uploaded plugin is code the server runs.
    plugins_enable: bool = True
    plugin_enable_uploads: bool = False
    plugin_max_bundle_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # One call into a plugin (a hook, an HTTP request, a command) waits at most this long.
    plugin_hook_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    # ... and a request to /plugins/{id}/... or a plugin's slash command this long.
    plugin_http_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    plugin_health_check_seconds: float = Field(default=30.0, gt=0, le=3600)
    # "shared": one plugin-host process per node for every isolated plugin; "per_plugin"
    # (one process each, Mattermost's model) is kept only for comparison.
    plugin_host_mode: str = Field(default="shared", pattern="^(shared|per_plugin)$")
    # Hooks that refuse the change when a plugin fails (else the plugin is skipped):
    # comma-separated "hook" (every plugin) or "plugin_id/hook".
    plugin_fail_closed_hooks: str = ""
    # HTTP apps: how long the server keeps an app's bindings before asking it again
    # (an app also says when they changed).
    app_bindings_ttl_seconds: float = Field(default=600.0, gt=0, le=86400)

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

    @property
    def shard_urls(self) -> dict[str, str]:
        """The named databases' runtime URLs."""
        return _named_urls(self.database_shards)

    @property
    def shard_owner_urls(self) -> dict[str, str]:
        """The named databases' owner URLs, for migrations (the runtime URL when none)."""
        owners = _named_urls(self.database_shard_owner_urls)
        return {name: owners.get(name, url) for name, url in self.shard_urls.items()}

    @property
    def migration_database_url(self) -> str:
        return self.database_owner_url or self.effective_database_url

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'roost.db').resolve()}"

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
    return Settings(**overrides)


_SHARD_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _named_urls(value: str) -> dict[str, str]:
    """'a=url,b=url' -> {a: url, b: url}; names are short lowercase words."""
    named: dict[str, str] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        name, sep, url = part.strip().partition("=")
        if not sep or not _SHARD_NAME.match(name) or not url:
            raise ValueError(f"expected name=url in database shards, got {part.strip()!r}")
        named[name] = url
    return named
