"""Errors the app layer raises; the API renders them in Mattermost's error format."""

from __future__ import annotations


class AppError(Exception):
    def __init__(self, status: int, error_id: str, message: str, detailed: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message
        self.detailed = detailed


def invalid_param(name: str) -> AppError:
    return AppError(
        400, "api.context.invalid_param.app_error", f"Invalid or missing {name} parameter."
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
