"""Errors the app layer raises; the API renders them in Mattermost's error format.

``AppError`` is built only in the ``errors`` modules: this one holds the generic
request errors, and each domain's (``roost.app.<domain>.errors``, ``roost.api.http.errors``)
holds its Mattermost error ids as named factories (tests/unit/app/test_error_catalogue.py
checks it)."""

from __future__ import annotations


class AppError(Exception):
    def __init__(
        self,
        status: int,
        error_id: str,
        message: str,
        detailed: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message
        self.detailed = detailed
        # Seconds a client should wait before retrying: the API sends it as Retry-After.
        self.retry_after = retry_after


def invalid_param(name: str, detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.context.invalid_param.app_error",
        f"Invalid or missing {name} parameter.",
        detailed,
    )


def invalid_url_param(name: str) -> AppError:
    return AppError(
        400, "api.context.invalid_url_param.app_error", f"Invalid or missing {name} in request URL."
    )


def invalid_body_param(name: str, detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.context.invalid_body_param.app_error",
        f"Invalid or missing {name} in request body.",
        detailed,
    )


def not_found(what: str, error_id: str | None = None) -> AppError:
    return AppError(404, error_id or f"app.{what}.get.app_error", f"Unable to find the {what}.")


def forbidden(detailed: str = "") -> AppError:
    return AppError(
        403,
        "api.context.permissions.app_error",
        "You do not have the appropriate permissions.",
        detailed,
    )


def unauthorized() -> AppError:
    return AppError(
        401,
        "api.context.session_expired.app_error",
        "Invalid or expired session, please login again.",
    )


def upload_too_large(name: str, limit: int) -> AppError:
    return AppError(
        413,
        "api.file.upload_file.too_large_detailed.app_error",
        f"Unable to upload file {name}: it is larger than the {limit} bytes allowed.",
    )


DATABASE_UNAVAILABLE = "api.context.database_unavailable.app_error"


def database_unavailable(cause: str, retry_after: float | None = None) -> AppError:
    """The database cannot serve this now (``cause`` names the driver's error): a 503 the
    client may retry after ``retry_after`` seconds."""
    return AppError(
        503,
        DATABASE_UNAVAILABLE,
        "The database is unavailable; try again shortly.",
        detailed=cause,
        retry_after=retry_after,
    )


SERVER_BUSY = "api.context.server_busy.app_error"


def server_busy(retry_after: float) -> AppError:
    """Admission control refused the work (``roost.app.kernel.admission``): Mattermost's
    busy-server 503, with the seconds after which a retry should be taken."""
    return AppError(
        503,
        SERVER_BUSY,
        "The server is busy; try again shortly.",
        retry_after=retry_after,
    )
