"""The notifications' errors and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def email_not_configured() -> AppError:
    return AppError(
        501,
        "api.email.test.not_configured.app_error",
        "No SMTP server is configured (ROOST_SMTP_SERVER).",
    )


def email_test_failed(reason: str) -> AppError:
    return AppError(
        500,
        "app.admin.test_email.failure",
        f"The test email could not be sent: {reason}",
    )


def ack_invalid(field: str) -> AppError:
    return AppError(
        400,
        "api.push_notifications_ack.message.parse.app_error",
        f"The acknowledgement's {field} is missing or invalid.",
    )


def ack_forbidden() -> AppError:
    return AppError(
        403,
        "api.push_notification.id_loaded.fetch.app_error",
        "The notification is not the caller's to read.",
    )


def reset_link_invalid() -> AppError:
    return AppError(
        400,
        "api.user.reset_password.invalid_link.app_error",
        "The reset link does not appear to be valid.",
    )


def reset_link_expired() -> AppError:
    return AppError(
        400,
        "api.user.reset_password.link_expired.app_error",
        "The password reset link has expired.",
    )


def verify_link_invalid() -> AppError:
    return AppError(
        400,
        "api.user.verify_email.bad_link.app_error",
        "The email verification link does not appear to be valid.",
    )


def verify_link_expired() -> AppError:
    return AppError(
        400,
        "api.user.verify_email.link_expired.app_error",
        "The email verification link has expired.",
    )


def invitations_disabled() -> AppError:
    return AppError(
        501,
        "api.team.invite_members.disabled.app_error",
        "Email invitations are disabled: no SMTP server is configured.",
    )


def too_many_invitations(limit: int) -> AppError:
    return AppError(
        400,
        "app.email.rate_limit_exceeded.app_error",
        f"At most {limit} invitations can be sent at once.",
    )


def invalid_invitation_email(address: str) -> AppError:
    return AppError(
        400,
        "api.team.invite_members.invalid_email.app_error",
        f"Not a valid email address: {address}",
    )


def team_not_found() -> AppError:
    return AppError(404, "app.team.get.find.app_error", "Unable to find the team.")


# Guest invitations (POST /teams/{team_id}/invite-guests/email), as Mattermost's.


def guest_invites_disabled() -> AppError:
    return AppError(
        501,
        "api.team.invite_guests_to_channels.disabled.error",
        "Guest accounts are disabled.",
    )


def guest_invite_field(field: str) -> AppError:
    """A missing or malformed part of a guest invitation: emails, email, channels,
    channel (Mattermost's GuestsInvite checks)."""
    return AppError(
        400,
        f"model.guest.is_valid.{field}.app_error",
        f"Invalid {field} in the guest invitation.",
    )


def guest_channel_not_in_team() -> AppError:
    return AppError(
        400,
        "api.team.invite_guests.channel_in_invalid_team.app_error",
        "The channels of the invitation must be part of the team.",
    )
