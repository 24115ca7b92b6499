"""The administration domain's errors and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError

# Mattermost's ids for the settings it validates; other settings get
# model.config.is_valid.<name in lowercase>.app_error.
_IS_VALID_IDS = {
    "ServiceSettings.SiteURL": "site_url",
    "TeamSettings.SiteName": "sitename_length",
    "FileSettings.MaxFileSize": "max_file_size",
    "FileSettings.PublicLinkSalt": "file_salt",
    "PasswordSettings.MinimumLength": "password_length",
    "ServiceSettings.MaximumLoginAttempts": "login_attempts",
    "ServiceSettings.MaximumPayloadSizeBytes": "max_payload_size",
    "TeamSettings.MaxNotificationsPerChannel": "max_notify_per_channel",
    "RateLimitSettings.PerSec": "rate_sec",
    "RateLimitSettings.MaxBurst": "max_burst",
    "RateLimitSettings.MemoryStoreSize": "rate_mem",
    "SqlSettings.MaxOpenConns": "sql_max_conn",
    "SqlSettings.DataSource": "sql_data_src",
}


def invalid_setting(path: str, detailed: str) -> AppError:
    leaf = _IS_VALID_IDS.get(path, path.rpartition(".")[2].lower())
    return AppError(
        400,
        f"model.config.is_valid.{leaf}.app_error",
        f"Invalid value for {path}.",
        detailed,
    )


def unknown_setting(path: str) -> AppError:
    return AppError(
        400,
        "api.config.update_config.unknown_setting.app_error",
        f"{path} is not a setting this server has.",
    )


def deployment_wide(path: str) -> AppError:
    return AppError(
        403,
        "api.config.update_config.deployment_wide.app_error",
        f"{path} applies to the whole deployment: only the operator can change it.",
    )


def logs_deployment_wide() -> AppError:
    return AppError(
        403,
        "api.admin.get_logs.deployment_wide.app_error",
        "The server's logs hold every organisation's activity: only the system admins of "
        "the deployment's own organisation may read them.",
    )


def set_by_environment(path: str, variable: str) -> AppError:
    return AppError(
        400,
        "api.config.update_config.environment.app_error",
        f"{path} is set by the environment ({variable}) and cannot be changed here.",
    )


def config_changed_meanwhile() -> AppError:
    return AppError(
        409,
        "api.config.update_config.conflict.app_error",
        "The configuration changed since it was read: read it again and retry.",
    )


def invalid_config_body(detailed: str) -> AppError:
    return AppError(
        400,
        "api.config.update_config.invalid.app_error",
        "The configuration must be a JSON object of setting groups.",
        detailed,
    )


def invalid_retention(field: str, detailed: str) -> AppError:
    return AppError(
        400,
        f"model.retention_policy.is_valid.{field}.app_error",
        f"Invalid {field} for a data retention policy.",
        detailed,
    )


def retention_policy_not_found() -> AppError:
    return AppError(
        404, "app.retention_policy.get.app_error", "No data retention policy with that id."
    )


def invalid_job_type(job_type: str) -> AppError:
    return AppError(
        400,
        "model.job.is_valid.type.app_error",
        f"{job_type!r} is not a job type this server runs.",
    )


def job_not_found() -> AppError:
    return AppError(404, "app.job.get.app_error", "No job with that id.")


def job_not_cancelable() -> AppError:
    return AppError(
        400, "app.job.update.app_error", "Only a pending or running job can be canceled."
    )


def move_channel_not_found() -> AppError:
    return AppError(404, "app.channel.get.existing.app_error", "No channel with that id.")


def move_channel_invalid(detailed: str) -> AppError:
    return AppError(
        400, "app.channel.move_channel.app_error", "The channel cannot be moved.", detailed
    )


def move_channel_members() -> AppError:
    return AppError(
        400,
        "app.channel.move_channel.members_do_not_match.error",
        "Every member of the channel must be a member of the target team (or use force).",
    )
