"""Errors of HTTP itself (no route, wrong method, body too large, unknown WebSocket action), in Mattermost's error format."""

from __future__ import annotations

from typing import Final

from roost import metrics
from roost.app.kernel import errors as kernel_errors
from roost.app.kernel.errors import AppError
from roost.app.tenants import errors as tenant_errors
from roost.store.db import errors as db_errors
from roost.store.db.errors import DatabaseUnavailable, TenantReadOnly, as_store_error


def body_too_large(limit: int) -> AppError:
    return AppError(
        413,
        "api.context.request_body_too_large.app_error",
        f"The request body is larger than the {limit} bytes allowed.",
    )


def page_not_found() -> AppError:
    return AppError(
        404,
        "api.context.404.app_error",
        "Sorry, we could not find the page.",
    )


def method_not_allowed() -> AppError:
    return AppError(
        405,
        "api.context.405.app_error",
        "Method not allowed.",
    )


def internal_error() -> AppError:
    return AppError(
        500,
        "api.context.500.app_error",
        "An internal error occurred.",
    )


def client_config_format_unsupported() -> AppError:
    return AppError(
        501,
        "api.config.client.old_format.app_error",
        "New format for the client configuration is not supported yet. Please specify format=old in the query string.",
    )


def client_license_format_unsupported() -> AppError:
    return AppError(
        501,
        "api.license.client.old_format.app_error",
        "New format for the client license is not supported yet. Please specify format=old in the query string.",
    )


def unknown_websocket_action() -> AppError:
    return AppError(
        400,
        "api.web_socket_router.bad_action.app_error",
        "Unknown WebSocket action.",
    )


def websocket_not_authenticated() -> AppError:
    """An action other than ``authentication_challenge`` on a socket not yet
    authenticated (Mattermost's websocket router)."""
    return AppError(
        401,
        "api.web_socket_router.not_authenticated.app_error",
        "The WebSocket is not authenticated.",
    )


def token_in_query() -> AppError:
    """A session or personal access token sent as ``?access_token=`` (Mattermost takes
    only OAuth tokens there)."""
    return AppError(
        401,
        "api.context.token_provided.app_error",
        "Session tokens and personal access tokens are not accepted in the URL's query "
        "string: send them in the Authorization header.",
    )


def websocket_bad_origin(origin: str) -> AppError:
    return AppError(
        400,
        "api.web_socket.connect.upgrade.app_error",
        "Failed to upgrade websocket connection.",
        f"BlockedOrigin={origin}",
    )


# Seconds a client is told to wait (Retry-After, whole seconds as Mattermost sends it)
# before retrying a request the database could not serve, by reason: a restart takes
# seconds, a lock or a lost race is over in a moment.
DATABASE_RETRY_AFTER_SECONDS: Final[dict[str, int]] = {
    db_errors.STARTING_UP: 5,
    db_errors.SHUTTING_DOWN: 5,
    db_errors.CONNECTION: 3,
    db_errors.TIMEOUT: 3,
    db_errors.TOO_MANY_CONNECTIONS: 2,
    db_errors.LOCKED: 1,
    db_errors.CONFLICT: 1,
}
DEFAULT_DATABASE_RETRY_AFTER_SECONDS: Final = 3


def from_store(error: BaseException) -> AppError | None:
    """The answer to a request that failed in the store and may be retried: a 503 with
    Retry-After when the database cannot serve it now (down, starting up or shutting
    down, unreachable, out of connections, locked, a transaction conflict), or when the
    tenant is read-only while it moves to another database. None for anything else (a
    fault, answered 500)."""
    store_error = as_store_error(error)
    if isinstance(store_error, TenantReadOnly):
        return tenant_errors.read_only()
    if isinstance(store_error, DatabaseUnavailable):
        wait = DATABASE_RETRY_AFTER_SECONDS.get(
            store_error.reason, DEFAULT_DATABASE_RETRY_AFTER_SECONDS
        )
        return kernel_errors.database_unavailable(store_error.cause_name, retry_after=wait)
    return None


def rate_limited(retry_after: float) -> AppError:
    # Mattermost answers its rate limit in plain text ("limit exceeded"); Roost keeps its
    # one error format, with the id clients and tools already match on.
    return AppError(
        429,
        "api.context.rate_limit.app_error",
        "Too many requests; retry after the time in the Retry-After header.",
        retry_after=retry_after,
    )


def refuse_for_store(error: BaseException) -> AppError | None:
    """``from_store``, counting each database refusal by reason
    (``roost_db_unavailable_total``): every path that answers a request uses this."""
    answer = from_store(error)
    if answer is not None and answer.error_id == kernel_errors.DATABASE_UNAVAILABLE:
        store_error = as_store_error(error)
        reason = store_error.reason if isinstance(store_error, DatabaseUnavailable) else ""
        metrics.db_unavailable.labels(reason=reason).inc()
    return answer
