"""Administration settings (issue 24): the node's log buffer, statistics and data
retention. Kept apart from ``roost.config`` (at its size limit): ``Settings`` inherits
the fields from ``AdministrationFields``; ``AdministrationSettings`` is their section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from pydantic import Field
from pydantic_settings import BaseSettings


@dataclass(frozen=True, slots=True)
class AdministrationSettings:
    """``GET /logs``, ``GET /analytics/old``, data retention and jobs."""

    log_buffer_lines: int
    log_console_json: bool
    analytics_flush_seconds: float
    analytics_cache_seconds: float
    data_retention_enable_message_deletion: bool
    data_retention_message_retention_days: int
    data_retention_enable_file_deletion: bool
    data_retention_file_retention_days: int
    data_retention_deletion_job_start_time: str
    data_retention_batch_size: int
    data_retention_time_between_batches_ms: int
    jobs_poll_seconds: float


class AdministrationFields(BaseSettings):
    log_buffer_lines: int = Field(
        default=5000,
        ge=100,
        le=1_000_000,
        description="log lines each node keeps in memory for `GET /api/v4/logs` (JSON, "
        "secrets removed)",
    )
    log_console_json: bool = Field(
        default=False,
        json_schema_extra={"mattermost": "LogSettings.ConsoleJson"},
        description="the node's log output (stderr) as JSON lines, as `GET /api/v4/logs` "
        "shows them (secrets removed); otherwise uvicorn's text lines",
    )
    analytics_flush_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="how often each node writes who posted today, for the active-users "
        "statistics (`GET /api/v4/analytics/old`)",
    )

    analytics_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="how long each node keeps a statistics answer (`GET "
        "/api/v4/analytics/old`) before computing it again",
    )
    # Mattermost's DataRetentionSettings (the global policy; per-team and per-channel
    # policies are made through /api/v4/data_retention/policies).
    data_retention_enable_message_deletion: bool = Field(
        default=False,
        json_schema_extra={
            "mattermost": "DataRetentionSettings.EnableMessageDeletion",
            "scope": "tenant",
            "live": True,
        },
        description="delete messages (with their replies, reactions and files) older than "
        "the retention, daily (`docs/administration.md`)",
    )
    data_retention_message_retention_days: int = Field(
        default=365,
        ge=1,
        le=365_000,
        json_schema_extra={
            "mattermost": "DataRetentionSettings.MessageRetentionDays",
            "scope": "tenant",
            "live": True,
        },
        description="days a message is kept when message deletion is on",
    )
    data_retention_enable_file_deletion: bool = Field(
        default=False,
        json_schema_extra={
            "mattermost": "DataRetentionSettings.EnableFileDeletion",
            "scope": "tenant",
            "live": True,
        },
        description="delete uploaded files older than the file retention, daily",
    )
    data_retention_file_retention_days: int = Field(
        default=365,
        ge=1,
        le=365_000,
        json_schema_extra={
            "mattermost": "DataRetentionSettings.FileRetentionDays",
            "scope": "tenant",
            "live": True,
        },
        description="days a file is kept when file deletion is on",
    )
    data_retention_deletion_job_start_time: str = Field(
        default="02:00",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        json_schema_extra={
            "mattermost": "DataRetentionSettings.DeletionJobStartTime",
            "scope": "tenant",
            "live": True,
        },
        description="when (UTC, `HH:MM`) the daily deletion job starts",
    )
    data_retention_batch_size: int = Field(
        # Mattermost's default is 3,000; at 1,000,000 posts on two cores that raised
        # other requests' p99 2.5x while the job ran, 1,000 kept it under 2x
        # (docs/benchmarks.md, "Administration").
        default=1000,
        ge=1,
        le=100_000,
        json_schema_extra={"mattermost": "DataRetentionSettings.BatchSize", "live": True},
        description="posts deleted per transaction by the deletion job",
    )
    data_retention_time_between_batches_ms: int = Field(
        default=100,
        ge=0,
        le=60_000,
        json_schema_extra={
            "mattermost": "DataRetentionSettings.TimeBetweenBatchesMilliseconds",
            "live": True,
        },
        description="pause between the deletion job's batches, so other requests keep their speed",
    )
    jobs_poll_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="how often each node looks for jobs to run (`GET /api/v4/jobs`); a job "
        "asked for through the API starts at once",
    )

    # The section property lives here, not in roost.config (at its size limit);
    # Settings builds its sections (``_sections``) from ``SECTIONS``.
    @property
    def administration(self) -> AdministrationSettings:
        sections: dict[type, Any] = getattr(self, "_sections")  # noqa: B009
        return cast(AdministrationSettings, sections[AdministrationSettings])
