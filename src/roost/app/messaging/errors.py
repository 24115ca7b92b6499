"""The everyday-messaging domain's errors and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def link_previews_disabled() -> AppError:
    return AppError(
        501, "api.post.link_preview_disabled.app_error", "Link previews have been disabled."
    )


def scheduled_posts_disabled() -> AppError:
    return AppError(400, "api.scheduled_posts.feature_disabled", "Scheduled posts are disabled.")


def scheduled_post_not_found(action: str) -> AppError:
    """``action``: update or delete (Mattermost's ids differ by the route)."""
    return AppError(
        404,
        f"app.{action}_scheduled_post.existing_scheduled_post.not_exist",
        "The scheduled post does not exist.",
    )


def scheduled_post_not_yours(action: str) -> AppError:
    suffix = "update_permission" if action == "update" else "delete_permission"
    return AppError(
        403,
        f"app.{action}_scheduled_post.{suffix}.error",
        "You can only change your own scheduled posts.",
    )


def scheduled_at_invalid(detailed: str) -> AppError:
    return AppError(
        400,
        "model.scheduled_post.is_valid.scheduled_at.app_error",
        "The scheduled time must be in the future and not too far ahead.",
        detailed,
    )


def scheduled_post_empty() -> AppError:
    return AppError(
        400,
        "model.scheduled_post.is_valid.empty_post.app_error",
        "A scheduled post needs a message or files.",
    )


def scheduled_post_channel_archived() -> AppError:
    return AppError(
        400,
        "app.save_scheduled_post.channel_deleted.app_error",
        "Posts cannot be scheduled in an archived channel.",
    )


def too_many_scheduled_posts(limit: int) -> AppError:
    return AppError(
        400,
        "app.save_scheduled_post.too_many.app_error",
        f"A user may have at most {limit} scheduled posts.",
    )


def reminder_time_invalid(detailed: str) -> AppError:
    return AppError(
        400,
        "api.context.invalid_param.app_error",
        "Invalid or missing target_time parameter.",
        detailed,
    )


def acknowledgement_archived(action: str) -> AppError:
    """``action``: save or delete."""
    return AppError(
        403,
        f"api.acknowledgement.{action}.archived_channel.app_error",
        "Posts in an archived channel cannot be acknowledged.",
    )


def acknowledgement_not_found() -> AppError:
    return AppError(404, "app.acknowledgement.get.app_error", "No such acknowledgement.")


def acknowledgement_deadline() -> AppError:
    return AppError(
        403,
        "api.acknowledgement.delete.deadline.app_error",
        "An acknowledgement can be taken back within five minutes only.",
    )


def privacy_not_convertible() -> AppError:
    return AppError(
        400,
        "api.channel.update_channel_privacy.default_channel_error",
        "Direct, group and default channels cannot change privacy.",
    )


# Channel bookmarks. ``action``: create_channel_bookmark, update_channel_bookmark,
# update_channel_bookmark_sort_order or delete_channel_bookmark (Mattermost's ids differ
# by the route).


def bookmark_channel_archived(action: str) -> AppError:
    return AppError(
        403,
        f"api.channel.bookmark.{action}.deleted_channel.forbidden.app_error",
        "Bookmarks of an archived channel cannot be changed.",
    )


def bookmark_direct_forbidden(action: str) -> AppError:
    return AppError(
        403,
        f"api.channel.bookmark.{action}.direct_or_group_channels.forbidden.app_error",
        "Only members of a direct or group message can change its bookmarks.",
    )


def bookmark_direct_guest_forbidden(action: str) -> AppError:
    return AppError(
        403,
        f"api.channel.bookmark.{action}.direct_or_group_channels_by_guests.forbidden.app_error",
        "Guests cannot change the bookmarks of a direct or group message.",
    )


def bookmark_invalid(field: str, detailed: str = "") -> AppError:
    """``field``: Mattermost's name in ``model.channel_bookmark.is_valid.<field>.app_error``."""
    return AppError(
        400,
        f"model.channel_bookmark.is_valid.{field}.app_error",
        "The bookmark is not valid.",
        detailed,
    )


def bookmark_not_found() -> AppError:
    return AppError(404, "app.channel.bookmark.get.app_error", "No such bookmark.")


def too_many_bookmarks(limit: int) -> AppError:
    return AppError(
        400,
        "app.channel.bookmark.save.app_error",
        f"A channel may have at most {limit} bookmarks.",
        f"bookmarks_per_channel limit {limit}",
    )


def bookmark_file_unavailable() -> AppError:
    return AppError(
        400,
        "model.channel_bookmark.is_valid.file_id.missing_or_invalid.app_error",
        "The file must be your own upload to this channel, not yet in a post or bookmark.",
    )


def bookmark_sort_invalid() -> AppError:
    return AppError(
        400,
        "app.channel.bookmark.update_sort.app_error",
        "The new position is outside the channel's bookmarks.",
    )


# Custom user groups.


def group_not_found() -> AppError:
    return AppError(404, "app.group.no_rows", "No such group.")


def group_not_custom() -> AppError:
    return AppError(
        400, "app.group.crud_permission", "Only custom groups can be changed through the API."
    )


def group_must_be_referenceable() -> AppError:
    return AppError(
        400, "api.custom_groups.must_be_referenceable", "A custom group must be mentionable."
    )


def group_no_remote_id() -> AppError:
    return AppError(400, "api.custom_groups.no_remote_id", "A custom group has no remote id.")


def group_field_invalid(error_id: str, detailed: str = "") -> AppError:
    """``error_id``: Mattermost's model.group.* id for the field."""
    return AppError(400, error_id, "The group is not valid.", detailed)


def group_name_taken() -> AppError:
    return AppError(400, "app.custom_group.unique_name", "A group with that name exists.")


def group_name_is_username() -> AppError:
    return AppError(
        400, "app.group.username_conflict", "A user with that name exists: @mentions would clash."
    )


def group_members_invalid(detailed: str) -> AppError:
    return AppError(400, "api.context.invalid_body_param.app_error", "Invalid user_ids.", detailed)


# Interactive dialogs.


def dialog_trigger_unknown() -> AppError:
    return AppError(
        400,
        "interactive_message.decode_trigger_id.verify_signature_failed",
        "The trigger id is not one this server gave out.",
    )


def dialog_trigger_expired(seconds: float) -> AppError:
    return AppError(
        400,
        "interactive_message.decode_trigger_id.expired",
        f"The trigger id expired: a dialog must be opened within {seconds:g} seconds.",
    )


def dialog_invalid(detailed: str) -> AppError:
    return AppError(400, "api.context.invalid_body_param.app_error", "Invalid dialog.", detailed)


def dialog_not_opened() -> AppError:
    return AppError(
        403,
        "api.dialog.submit.not_opened.app_error",
        "No dialog was opened for you that submits to this URL.",
    )


# Guest accounts.


def guests_disabled(action: str) -> AppError:
    """``action``: demote_user_to_guest or promote_guest_to_user."""
    return AppError(
        501,
        f"api.team.{action}.disabled.error",
        "Guest accounts are disabled (ROOST_GUEST_ACCOUNTS_ENABLE).",
    )


def already_guest() -> AppError:
    return AppError(
        400, "api.user.demote_user_to_guest.already_guest.app_error", "The user is a guest."
    )


def not_a_guest() -> AppError:
    return AppError(
        501, "api.user.promote_guest_to_user.no_guest.app_error", "The user is not a guest."
    )


def bot_not_demotable() -> AppError:
    return AppError(
        400, "api.user.demote_user_to_guest.bot.app_error", "A bot cannot be made a guest."
    )


def ldap_group_not_found() -> AppError:
    return AppError(404, "api.ldap_group.not_found", "No such group in the directory.")
