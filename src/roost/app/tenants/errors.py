"""The tenants domain's errors, in Mattermost's error format (ids are Roost's own)."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def no_such_tenant() -> AppError:
    return AppError(404, "api.tenant.not_found.app_error", "No organisation is served here.")


def moving() -> AppError:
    return AppError(
        409, "api.tenant.moving.app_error", "The tenant is being moved; try again when it is done."
    )


def suspended() -> AppError:
    return AppError(
        403, "api.tenant.suspended.app_error", "This organisation is suspended by its operator."
    )


def rate_limited() -> AppError:
    return AppError(
        429,
        "api.tenant.rate_limited.app_error",
        "This organisation is sending more requests than its limit allows; retry shortly.",
        retry_after=1,
    )


def users_quota(limit: int) -> AppError:
    return AppError(
        403,
        "api.tenant.quota.users.app_error",
        f"This organisation has reached its limit of {limit} users.",
    )


def domain_taken() -> AppError:
    return AppError(
        400, "api.tenant.domains.taken.app_error", "A domain is already another tenant's."
    )


def tenant_not_found() -> AppError:
    return AppError(
        404,
        "api.tenant.get.app_error",
        "Unable to find the tenant.",
    )


def delete_default_tenant() -> AppError:
    return AppError(
        400,
        "api.tenant.delete.default.app_error",
        "The default tenant cannot be deleted.",
    )


def tenant_name_taken() -> AppError:
    return AppError(
        400,
        "api.tenant.create.name_taken.app_error",
        "That name is taken.",
    )


def move_default_tenant() -> AppError:
    return AppError(
        400,
        "api.tenant.move.default.app_error",
        "The default tenant stays in the directory's database.",
    )


def move_in_state(state: str) -> AppError:
    return AppError(
        409,
        "api.tenant.move.state.app_error",
        f"A {state} tenant cannot be moved.",
    )


def move_to_same_database() -> AppError:
    return AppError(
        409,
        "api.tenant.move.same.app_error",
        "The tenant is already in that database.",
    )


def posts_quota(limit: int) -> AppError:
    return AppError(
        429,
        "api.tenant.quota.posts.app_error",
        f"This organisation has made its {limit} posts allowed today (UTC); posting resumes "
        "tomorrow.",
    )


def storage_quota(limit: int) -> AppError:
    return AppError(
        413,
        "api.tenant.quota.storage.app_error",
        f"This organisation's files would take more than its {limit} bytes of storage.",
    )


def read_only() -> AppError:
    """A write for a tenant while it moves to another database."""
    return AppError(
        503,
        "api.tenant.read_only.app_error",
        "This organisation is being moved to another database: it can be read, and "
        "changes are refused until the move ends. Try again shortly.",
        retry_after=5,
    )


def default_tenant_signup_is_a_setting() -> AppError:
    return AppError(
        400,
        "api.tenant.open_signup_default.app_error",
        "The default tenant's sign-up follows ROOST_ENABLE_OPEN_SERVER.",
    )
