"""The files domain's errors (uploads, downloads, previews, public links) and their Mattermost ids."""

from __future__ import annotations

from collections.abc import Sequence

from roost.app.kernel.errors import AppError
from roost.filestore import FileStoreError


def upload_unreadable(detailed: str) -> AppError:
    return AppError(
        400,
        "api.file.upload_file.read_request.app_error",
        "Unable to upload file(s). Error reading or parsing request data.",
        detailed,
    )


def form_value_too_large(field_name: str, max_field_bytes: int) -> AppError:
    return AppError(
        400,
        "api.file.upload_file.read_form_value.app_error",
        f"Unable to upload file(s). Error reading the value for {field_name}.",
        f"form fields are at most {max_field_bytes} bytes",
    )


def not_attachable(file_ids: Sequence[str]) -> AppError:
    return AppError(
        400,
        "app.file_info.attach_to_post.app_error",
        "Unable to attach the files to the post: each must be your own upload in this "
        "channel, not already in a post.",
        "file_ids: " + ", ".join(file_ids),
    )


def file_content_missing(file_id: str) -> AppError:
    # The row is there but the object is not (removed behind Roost's back).
    return AppError(
        404, "api.file.file_reader.app_error", "Unable to find the file's content.", file_id
    )


def public_links_disabled() -> AppError:
    # Current Mattermost answers 403 here (older servers said 501).
    return AppError(
        403, "api.file.get_public_link.disabled.app_error", "Public links have been disabled."
    )


def no_thumbnail(file_id: str) -> AppError:
    return AppError(
        400,
        "api.file.get_file_thumbnail.no_thumbnail.app_error",
        "File doesn't have a thumbnail image.",
        f"file_id={file_id}",
    )


def no_preview(file_id: str) -> AppError:
    return AppError(
        400,
        "api.file.get_file_preview.no_preview.app_error",
        "File doesn't have a preview image.",
        f"file_id={file_id}",
    )


def public_link_not_in_post(file_id: str) -> AppError:
    return AppError(
        400,
        "api.file.get_public_link.no_post.app_error",
        "Unable to get a public link for a file that is not in a post.",
        f"file_id={file_id}",
    )


def public_link_invalid() -> AppError:
    return AppError(
        400,
        "api.file.get_file.public_invalid.app_error",
        "The public link is invalid.",
    )


def bad_file_name(detailed: str) -> AppError:
    return AppError(
        400, "api.file.upload_file.bad_filename.app_error", "Invalid file name.", detailed
    )


def image_too_many_pixels(name: str, size: str, limit: int) -> AppError:
    return AppError(
        400,
        "api.file.upload_file.large_image_detailed.app_error",
        f"{name} dimensions{size} exceed the limits.",
        f"images may have at most {limit} pixels",
    )


def storage_failed(exc: FileStoreError) -> AppError:
    return AppError(
        503,
        "api.file.storage.app_error",
        "The file store is not available; try again.",
        str(exc),
    )


def file_empty(name: str) -> AppError:
    return AppError(400, "api.file.upload_file.empty.app_error", f"The file {name} is empty.", name)


def upload_to_archived_channel() -> AppError:
    return AppError(
        400,
        "api.file.upload_file.archived_channel.app_error",
        "The channel is archived; files cannot be uploaded to it.",
    )


def upload_multiple_channels() -> AppError:
    return AppError(
        400,
        "api.file.upload_file.multiple_channel_ids.app_error",
        "Unable to upload files: the request names more than one channel.",
    )


def upload_too_many_files(max_files_per_upload: int) -> AppError:
    return AppError(
        400,
        "api.file.upload_file.too_many_files.app_error",
        f"At most {max_files_per_upload} files may be uploaded at once.",
    )


def upload_client_ids_mismatch(client_ids: int, files: int) -> AppError:
    return AppError(
        400,
        "api.file.upload_file.incorrect_number_of_client_ids.app_error",
        f"Unable to upload files: {client_ids} client ids for {files} files.",
    )
