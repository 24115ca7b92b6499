"""The imports domain's errors, in Mattermost's error format (Mattermost's ids where it
has them)."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def bad_file(detail: str) -> AppError:
    return AppError(
        400,
        "app.import.bulk_import.file_scan.error",
        "The import file could not be read.",
        detail,
    )


def file_not_found(name: str) -> AppError:
    return AppError(
        404,
        "app.import.get_import_file.not_found.app_error",
        f"The import file {name!r} was not found.",
    )


def job_not_found() -> AppError:
    return AppError(404, "app.job.get.app_error", "Unable to get the job.")


def bad_job_type(kind: str) -> AppError:
    return AppError(
        400,
        "model.job.is_valid.type.app_error",
        f"Invalid job type {kind!r}: Roost runs import_process jobs.",
    )


def forbidden() -> AppError:
    return AppError(
        403,
        "api.context.permissions.app_error",
        "You do not have the appropriate permissions.",
    )


def upload_not_found() -> AppError:
    return AppError(404, "app.upload.get.app_error", "Unable to find the upload.")


def upload_bad_request(detail: str) -> AppError:
    return AppError(400, "app.upload.upload_data.first_part_too_small.app_error", detail)


def upload_too_large(limit: int) -> AppError:
    return AppError(
        413,
        "app.upload.create.upload_too_large.app_error",
        f"The import file is larger than the limit of {limit} bytes.",
    )


def upload_bad_type() -> AppError:
    return AppError(
        400,
        "app.upload.create.incorrect_channel_id.app_error",
        "Only uploads of type import are served here.",
    )


def import_failed(detail: str) -> AppError:
    return AppError(500, "app.import.bulk_import.process.error", "The import failed.", detail)
