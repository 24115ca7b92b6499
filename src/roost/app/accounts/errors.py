"""The accounts domain's errors (users, logins, tokens, bots, profile images) and their Mattermost ids."""

from __future__ import annotations

from collections.abc import Sequence

from roost.app.kernel.errors import AppError


def image_too_large(max_image_bytes: int) -> AppError:
    return AppError(
        413,
        "api.user.upload_profile_user.too_large.app_error",
        f"The image is larger than {max_image_bytes} bytes.",
    )


def invalid_credentials() -> AppError:
    return AppError(
        401,
        "api.user.login.invalid_credentials_email_username",
        "Enter a valid email or username and/or password.",
    )


def email_not_verified() -> AppError:
    return AppError(
        401,
        "api.user.login.not_verified.app_error",
        "Login failed because email address has not been verified.",
    )


def login_inactive() -> AppError:
    return AppError(
        401,
        "api.user.login.inactive.app_error",
        "Login failed because your account has been deactivated.",
    )


def access_tokens_disabled() -> AppError:
    return AppError(
        501,
        "api.user.create_user_access_token.disabled.app_error",
        "Personal access tokens are disabled on this server.",
    )


def bot_creation_disabled() -> AppError:
    return AppError(
        501,
        "api.bot.create_disabled",
        "Bot creation has been disabled.",
    )


def image_undecodable(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.user.upload_profile_user.decode.app_error",
        "Could not decode profile image.",
        detailed,
    )


def image_missing() -> AppError:
    return AppError(
        400,
        "api.user.upload_profile_user.no_file.app_error",
        "No file under 'image'.",
    )


def image_too_many_pixels(max_pixels: int) -> AppError:
    return AppError(
        400,
        "api.user.upload_profile_user.too_large.app_error",
        f"The image has more than {max_pixels} pixels.",
    )


def invalid_username() -> AppError:
    return AppError(
        400,
        "model.user.is_valid.username.app_error",
        "Username must begin with a letter and contain between 1 and 64 lowercase characters made up of numbers, letters, and the symbols '.', '-', and '_'.",
    )


def invalid_email() -> AppError:
    return AppError(
        400,
        "model.user.is_valid.email.app_error",
        "Invalid email.",
    )


def password_too_short(minimum: int) -> AppError:
    return AppError(
        400,
        "model.user.is_valid.pwd_min_length.app_error",
        f"Your password must contain at least {minimum} characters.",
    )


def password_too_long(maximum: int) -> AppError:
    return AppError(
        400,
        "model.user.is_valid.pwd_max_length.app_error",
        f"Your password must contain no more than {maximum} characters.",
    )


_PASSWORD_CLASS_WORDS = {
    "lowercase": "at least one lowercase letter",
    "uppercase": "at least one uppercase letter",
    "number": "at least one number",
    "symbol": 'at least one symbol (e.g. "~!@#$%^&*()")',
}


def password_lacks(minimum: int, missing: Sequence[str]) -> AppError:
    """Mattermost's id names every class the password lacks, in a fixed order
    (model.user.is_valid.pwd_lowercase_number.app_error...)."""
    words = [_PASSWORD_CLASS_WORDS.get(name, name) for name in missing]
    # "a and b", or "a, b, and c".
    listed = ", ".join(words[:-1]) + ", and " + words[-1] if len(words) > 2 else " and ".join(words)
    return AppError(
        400,
        "model.user.is_valid.pwd_" + "_".join(missing) + ".app_error",
        f"Your password must contain at least {minimum} characters made up of {listed}.",
    )


def wrong_password() -> AppError:
    return AppError(
        400,
        "api.user.check_user_password.invalid.app_error",
        "Login failed because of invalid password.",
    )


def open_signup_disabled() -> AppError:
    return AppError(
        501,
        "api.user.create_user.no_open_server",
        "This server does not allow open signups.",
    )


def signup_link_invalid() -> AppError:
    """An invite token that is unknown, already used or expired (one answer for all)."""
    return AppError(
        400,
        "api.user.create_user.signup_link_invalid.app_error",
        "The signup link does not appear to be valid.",
    )


def username_exists() -> AppError:
    return AppError(
        400,
        "app.user.save.username_exists.app_error",
        "An account with that username already exists.",
    )


def email_exists() -> AppError:
    return AppError(
        400,
        "app.user.save.email_exists.app_error",
        "An account with that email already exists.",
    )


def role_not_found() -> AppError:
    return AppError(404, "app.role.get.app_error", "Unable to get role.")


def role_name_not_found() -> AppError:
    return AppError(404, "app.role.get_by_name.app_error", "Unable to get role.")


def invalid_role(detailed: str = "") -> AppError:
    return AppError(
        400, "app.role.save.invalid_role.app_error", "The role was not valid.", detailed
    )


def role_permission_not_allowed(detailed: str = "") -> AppError:
    return AppError(
        501,
        "api.roles.patch_roles.not_allowed_permission.error",
        "One or more of the following permissions that you are trying to add or remove "
        "is not allowed",
        detailed,
    )


def custom_status_invalid(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.custom_status.set_custom_statuses.update.app_error",
        "Failed to update the custom status. Please add either emoji or custom text status or both.",
        detailed,
    )


def recent_custom_status_missing() -> AppError:
    return AppError(
        400,
        "api.custom_status.recent_custom_statuses.delete.app_error",
        "Failed to delete the recent custom status. Please try again.",
    )


LOCKED_OUT = "api.user.check_user_login_attempts.too_many.app_error"


def too_many_login_attempts() -> AppError:
    # As Mattermost: 401, even with the right password, until the counter is reset.
    return AppError(
        401,
        LOCKED_OUT,
        "Your account is locked because of too many failed password attempts. "
        "Please reset your password.",
    )


# MFA and sessions (issue 19).


def mfa_disabled() -> AppError:
    return AppError(
        501,
        "mfa.mfa_disabled.app_error",
        "Multi-factor authentication has been disabled on this server.",
    )


def mfa_bad_activation_code() -> AppError:
    return AppError(401, "mfa.activate.bad_token.app_error", "Invalid MFA token.")


def mfa_token_malformed() -> AppError:
    # Mattermost's answer to a login without a usable code: clients then ask for one.
    return AppError(
        400, "mfa.validate_token.authenticate.app_error", "Error trying to authenticate MFA token."
    )


def mfa_bad_code() -> AppError:
    return AppError(401, "api.user.check_user_mfa.bad_code.app_error", "Invalid MFA token.")


def mfa_required() -> AppError:
    return AppError(
        403,
        "api.context.mfa_required.app_error",
        "Multi-factor authentication is required on this server.",
    )


def session_not_found() -> AppError:
    return AppError(400, "app.session.get.app_error", "Unable to find the session.")


def deactivation_disabled() -> AppError:
    return AppError(
        401,
        "api.user.update_active.not_enable.app_error",
        "You cannot deactivate yourself because this feature is not enabled. Please contact "
        "your System Administrator.",
    )


def email_hidden() -> AppError:
    return AppError(
        403,
        "api.user.get_user_by_email.permissions.app_error",
        "Unable to get user by email.",
    )
