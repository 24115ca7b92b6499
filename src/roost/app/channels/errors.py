"""The channels domain's errors (channels, members, direct messages, teams) and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def channel_name_taken() -> AppError:
    return AppError(
        400,
        "store.sql_channel.save_channel.exists.app_error",
        "A channel with that name already exists on the same team.",
    )


def invalid_channel_type() -> AppError:
    return AppError(
        400,
        "model.channel.is_valid.type.app_error",
        "Invalid type.",
    )


def invalid_channel_header() -> AppError:
    return AppError(
        400,
        "model.channel.is_valid.header.app_error",
        "Invalid header.",
    )


def invalid_channel_purpose() -> AppError:
    return AppError(
        400,
        "model.channel.is_valid.purpose.app_error",
        "Invalid purpose.",
    )


def invalid_channel_name() -> AppError:
    return AppError(
        400,
        "model.channel.is_valid.2_or_more.app_error",
        "Name must be 1 to 64 lowercase alphanumeric characters, '-' or '_'.",
    )


def invalid_channel_display_name() -> AppError:
    return AppError(
        400,
        "model.channel.is_valid.display_name.app_error",
        "Invalid display name.",
    )


def update_deleted_channel() -> AppError:
    return AppError(
        400,
        "api.channel.update_channel.deleted.app_error",
        "The channel has been archived or deleted.",
    )


def rename_direct_channel() -> AppError:
    return AppError(
        400,
        "api.channel.patch_update_channel.forbidden.app_error",
        "Direct and group channels cannot be renamed.",
    )


def invalid_default_channel_update() -> AppError:
    return AppError(
        400,
        "api.channel.update_channel.tried.app_error",
        "Tried to perform an invalid update of the default channel.",
    )


def delete_direct_channel() -> AppError:
    return AppError(
        400,
        "api.channel.delete_channel.type.invalid",
        "Direct and group message channels cannot be deleted.",
    )


def delete_default_channel() -> AppError:
    return AppError(
        400,
        "api.channel.delete_channel.cannot.app_error",
        "Unable to delete the default channel town-square.",
    )


def delete_deleted_channel() -> AppError:
    return AppError(
        400,
        "api.channel.delete_channel.deleted.app_error",
        "The channel has been archived or deleted.",
    )


def channel_not_archived() -> AppError:
    return AppError(
        400,
        "api.channel.restore_channel.restored.app_error",
        "The channel is not archived.",
    )


def group_bad_size(group_min_users: int, group_max_users: int) -> AppError:
    return AppError(
        400,
        "api.channel.create_group.bad_size.app_error",
        f"Group message channels must contain between {group_min_users} and {group_max_users} users.",
    )


def direct_invalid_user() -> AppError:
    return AppError(
        400,
        "api.channel.create_direct_channel.invalid_user.app_error",
        "Invalid user ID for direct channel creation.",
    )


def group_bad_user() -> AppError:
    return AppError(
        400,
        "api.channel.create_group.bad_user.app_error",
        "One of the provided users does not exist.",
    )


def add_to_direct_channel() -> AppError:
    return AppError(
        400,
        "api.channel.add_user_to_channel.type.app_error",
        "Users cannot be added to direct or group message channels.",
    )


def add_to_deleted_channel() -> AppError:
    return AppError(
        400,
        "api.channel.add_user.to.channel.failed.deleted.app_error",
        "The channel has been archived or deleted.",
    )


def add_deactivated_user() -> AppError:
    return AppError(
        400,
        "api.channel.add_user.to.channel.failed.deleted.app_error",
        "The user has been deactivated.",
    )


def add_user_not_in_team() -> AppError:
    return AppError(
        403,
        "api.channel.add_user.to.channel.failed.app_error",
        "The user is not a member of the channel's team.",
    )


def remove_from_direct_channel() -> AppError:
    return AppError(
        400,
        "api.channel.remove_user_from_channel.direct.app_error",
        "Users cannot be removed from direct or group message channels.",
    )


def remove_from_default_channel() -> AppError:
    return AppError(
        400,
        "api.channel.remove.default.app_error",
        "Unable to remove a user from the default channel town-square.",
    )


def direct_channel_roles() -> AppError:
    return AppError(
        400,
        "api.channel.update_channel_member_roles.changing_guest_role.app_error",
        "Direct and group message channels have no roles to change.",
    )


def invalid_team_name() -> AppError:
    return AppError(
        400,
        "model.team.is_valid.name.app_error",
        "Invalid name.",
    )


def invalid_team_name_characters() -> AppError:
    return AppError(
        400,
        "model.team.is_valid.characters.app_error",
        "Name must be 2 or more lowercase alphanumeric characters.",
    )


def reserved_team_name() -> AppError:
    return AppError(
        400,
        "model.team.is_valid.reserved.app_error",
        "This URL is unavailable.",
    )


def invalid_team_display_name() -> AppError:
    return AppError(
        400,
        "model.team.is_valid.display_name.app_error",
        "Invalid display name.",
    )


def invalid_team_type() -> AppError:
    return AppError(
        400,
        "model.team.is_valid.type.app_error",
        "Invalid type.",
    )


def invalid_team_email() -> AppError:
    return AppError(
        400,
        "model.team.is_valid.email.app_error",
        "Invalid email.",
    )


def invalid_team_field(name: str) -> AppError:
    return AppError(
        400,
        f"model.team.is_valid.{name}.app_error",
        f"Invalid {name.replace('_', ' ')}.",
    )


def team_name_taken() -> AppError:
    return AppError(
        400,
        "app.team.save.existing.app_error",
        "A team with that name already exists.",
    )


def invite_not_found() -> AppError:
    return AppError(
        404,
        "app.team.get_by_invite_id.finding.app_error",
        "Unable to find the team for that invite link.",
    )


def join_deactivated_user() -> AppError:
    return AppError(
        400,
        "app.team.join_user_to_team.deactivated.app_error",
        "The user has been deactivated.",
    )


# Mattermost answers its sidebar-category store's refusals with one id: 404 for what is
# not there, 400 for what it will not do.
SIDEBAR_CATEGORIES = "app.channel.sidebar_categories.app_error"


def sidebar_category_not_found() -> AppError:
    return AppError(404, SIDEBAR_CATEGORIES, "Unable to find the sidebar category.")


def invalid_category_order() -> AppError:
    return AppError(
        400, SIDEBAR_CATEGORIES, "The order must list each of the user's categories once."
    )


def delete_default_category() -> AppError:
    return AppError(400, SIDEBAR_CATEGORIES, "Only custom categories can be deleted.")


def too_many_categories(limit: int) -> AppError:
    return AppError(
        400, SIDEBAR_CATEGORIES, f"A user may have at most {limit} categories in a team."
    )


def sidebar_channel_invalid() -> AppError:
    return AppError(
        400,
        "api.invalid_channel",
        "A channel listed is not one of the user's channels in this team.",
    )


def team_creation_disabled() -> AppError:
    """The caller's roles lack ``create_team`` (Mattermost's answer and id)."""
    return AppError(
        403,
        "api.team.is_team_creation_allowed.disabled.app_error",
        "Team creation has been disabled. Please ask your System Administrator for details.",
    )


def search_paging_not_implemented(kind: str) -> AppError:
    """Mattermost pages team searches only for those who may list every team."""
    which = "public" if kind == "open" else "private"
    return AppError(
        501,
        f"api.team.search_teams.pagination_not_implemented.{which}_team_search",
        "Pagination is not implemented for this team search.",
    )


def team_icon_missing() -> AppError:
    return AppError(
        404,
        "api.team.get_team_icon.read_file.app_error",
        "Unable to read the team icon file.",
    )


def team_icon_no_file() -> AppError:
    return AppError(
        400,
        "api.team.set_team_icon.no_file.app_error",
        "No file under 'image' in request.",
    )


def team_icon_too_large(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.team.set_team_icon.too_large.app_error",
        "Unable to upload team icon. File is too large.",
        detailed,
    )


def team_icon_undecodable(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.team.set_team_icon.decode.app_error",
        "Could not decode team icon.",
        detailed,
    )
