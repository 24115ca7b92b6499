"""The posts domain's errors (posts, drafts, reactions) and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def draft_too_long(max_post_size: int) -> AppError:
    return AppError(
        400,
        "model.draft.is_valid.message_length.app_error",
        f"The draft is longer than {max_post_size} characters.",
    )


def too_many_post_ids(max_ids: int) -> AppError:
    return AppError(
        400,
        "api.post.posts_by_ids.invalid_body.request_error",
        f"Too many post ids; at most {max_ids}.",
    )


def message_too_long() -> AppError:
    return AppError(
        400, "model.post.is_valid.message_length.app_error", "Invalid Message property length."
    )


def channel_archived(error_id: str) -> AppError:
    return AppError(400, error_id, "The channel is archived; its posts cannot change.")


def invalid_post_type(detailed: str) -> AppError:
    return AppError(
        400,
        "model.post.is_valid.type.app_error",
        "Invalid type.",
        detailed,
    )


def invalid_root_id() -> AppError:
    return AppError(
        400,
        "api.post.create_post.root_id.app_error",
        "Invalid RootId parameter.",
    )


def root_in_other_channel() -> AppError:
    return AppError(
        400,
        "api.post.create_post.channel_root_id.app_error",
        "Invalid ChannelId for RootId parameter.",
    )


def update_system_message() -> AppError:
    return AppError(
        400,
        "api.post.update_post.system_message.app_error",
        "Cannot update a system message.",
    )


def reaction_channel_archived() -> AppError:
    return AppError(
        403,
        "api.reaction.save.archived_channel.app_error",
        "You cannot react to posts in an archived channel.",
    )


def invalid_emoji_name() -> AppError:
    return AppError(
        400,
        "model.reaction.is_valid.emoji_name.app_error",
        "Invalid emoji name.",
    )


def reaction_for_other_user() -> AppError:
    return AppError(
        403,
        "api.reaction.save_reaction.user_id.app_error",
        "You cannot save reactions for other users.",
    )


def too_many_reactions(max_emoji_per_post: int) -> AppError:
    return AppError(
        400,
        "app.reaction.save.save.too_many_reactions",
        f"A post can have at most {max_emoji_per_post} different emoji.",
    )


# Custom emoji.


def emoji_too_large(max_bytes: int) -> AppError:
    return AppError(
        413,
        "api.emoji.create.too_large.app_error",
        f"Unable to create emoji. Image must be less than {max_bytes} bytes in size.",
    )


def emoji_unparsable(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.emoji.create.parse.app_error",
        "Unable to create emoji. Could not understand request.",
        detailed,
    )


def emoji_for_other_user() -> AppError:
    return AppError(
        403,
        "api.emoji.create.other_user.app_error",
        "Invalid user id.",
    )


def emoji_duplicate() -> AppError:
    return AppError(
        400,
        "api.emoji.create.duplicate.app_error",
        "Unable to create emoji. Another emoji with the same name already exists.",
    )


def emoji_invalid_name() -> AppError:
    return AppError(
        400,
        "model.emoji.name.app_error",
        "Name must be between 1 and 64 lowercase alphanumeric characters.",
    )


def emoji_system_name() -> AppError:
    return AppError(
        400,
        "model.emoji.system_emoji_name.app_error",
        "Name conflicts with an existing system emoji name.",
    )


def emoji_not_image(detailed: str = "") -> AppError:
    return AppError(
        400,
        "api.emoji.upload.image.app_error",
        "Unable to create emoji. File must be a PNG, JPEG, or GIF.",
        detailed,
    )


def emoji_image_too_big(max_side: int) -> AppError:
    return AppError(
        400,
        "api.emoji.upload.large_image.too_large.app_error",
        f"Unable to create emoji. Image must be at most {max_side} by {max_side} pixels.",
    )


def emoji_too_many_pixels(max_pixels: int) -> AppError:
    return AppError(
        400,
        "api.emoji.upload.large_image.too_large.app_error",
        f"Unable to create emoji. Image must have at most {max_pixels} pixels.",
    )


def emoji_not_found() -> AppError:
    return AppError(404, "app.emoji.get.no_result", "Unable to find the emoji.")


def emoji_name_not_found() -> AppError:
    return AppError(404, "app.emoji.get_by_name.no_result", "Unable to find the emoji.")


def emoji_image_missing() -> AppError:
    return AppError(
        404, "api.emoji.get_image.read.app_error", "Unable to read image file for emoji."
    )


def emoji_too_many_names(max_names: int) -> AppError:
    return AppError(
        400,
        "api.emoji.get_multiple_by_name.too_many_names.app_error",
        f"Unable to get emojis by name. At most {max_names} names may be asked at once.",
    )


def priority_not_allowed() -> AppError:
    return AppError(
        403,
        "api.post.post_priority.priority_post_not_allowed_for_user.request_error",
        "Message priority is not available.",
    )


def priority_only_for_root_posts() -> AppError:
    return AppError(
        400,
        "api.post.post_priority.priority_post_only_allowed_for_root_post.request_error",
        "Only root posts can have a priority.",
    )
