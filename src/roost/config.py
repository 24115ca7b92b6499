"""One typed settings object, read from ROOST_* variables and an optional TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOST_", extra="ignore")

    # Storage. Without a database URL Roost uses SQLite in the data directory.
    database_url: str = ""
    data_dir: Path = Path("data")
    database_pool_size: int = Field(default=20, ge=1, le=200)
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
    enable_user_typing_messages: bool = True
    websocket_send_queue: int = Field(default=256, ge=8)
    websocket_replay_buffer: int = Field(default=128, ge=8)
    websocket_resume_seconds: float = Field(default=60.0, ge=0)

    # Sign-up and integrations.
    enable_open_server: bool = True
    enable_user_access_tokens: bool = True
    enable_bot_account_creation: bool = True

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
