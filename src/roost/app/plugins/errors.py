"""The plugins' errors (installation, key-value store, hooks, HTTP) and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError
from roost.plugin.manifest import ManifestError


def plugins_disabled() -> AppError:
    return AppError(
        501,
        "app.plugin.disabled.app_error",
        "Plugins have been disabled on this server.",
    )


def plugin_uploads_disabled() -> AppError:
    return AppError(
        501,
        "app.plugin.upload_disabled.app_error",
        "Plugins and/or plugin uploads have been disabled.",
    )


def plugin_not_running() -> AppError:
    return AppError(
        404,
        "api.plugin.serve_http.not_found.app_error",
        "The plugin is not running.",
    )


def plugin_invalid_response() -> AppError:
    return AppError(
        502,
        "app.plugin.serve_http.app_error",
        "The plugin gave an invalid response.",
    )


def plugin_file_missing() -> AppError:
    return AppError(
        400,
        "api.plugin.upload.file.app_error",
        "Missing the plugin file in the form.",
    )


def plugin_bundle_too_large(limit: int) -> AppError:
    return AppError(
        413,
        "api.plugin.upload.file_too_large.app_error",
        f"A plugin bundle is at most {limit} bytes.",
    )


def plugin_bundle_over_limit(exc: Exception) -> AppError:
    """A bundle past an unpacking limit: too many entries, headers, names or ratio."""
    return AppError(
        413,
        "api.plugin.upload.file_too_large.app_error",
        f"The plugin bundle is past a limit: {exc}",
    )


def plugin_bundle_invalid(exc: Exception) -> AppError:
    return AppError(
        400,
        "app.plugin.extract.app_error",
        f"Invalid plugin bundle: {exc}",
    )


def kv_key_invalid(key_max: int) -> AppError:
    return AppError(
        400,
        "app.plugin.kv.key.app_error",
        f"A key is 1 to {key_max} characters.",
    )


def kv_value_too_large(value_max_bytes: int) -> AppError:
    return AppError(
        413,
        "app.plugin.kv.value.app_error",
        f"A value is bytes, at most {value_max_bytes}.",
    )


def plugin_not_installed() -> AppError:
    return AppError(404, "app.plugin.not_installed.app_error", "Plugin is not installed.")


def invalid_plugin_settings(exc: ManifestError) -> AppError:
    return AppError(400, "app.plugin.settings.app_error", f"Invalid settings: {exc}")


def trusted_plugin_tenant() -> AppError:
    return AppError(
        403,
        "app.plugin.trusted_tenant.app_error",
        "Only the default tenant may install trusted plugins; install it untrusted to run it isolated.",
    )


def plugin_id_bundled() -> AppError:
    return AppError(
        400,
        "app.plugin.install_id_bundled.app_error",
        "Unable to install plugin. A bundled plugin has the same ID.",
    )


def remove_bundled_plugin() -> AppError:
    return AppError(
        400,
        "app.plugin.remove_bundled.app_error",
        "Bundled plugins cannot be removed; disable it instead.",
    )


def plugin_id_installed() -> AppError:
    return AppError(
        400,
        "app.plugin.install_id.app_error",
        "Unable to install plugin. A plugin with the same ID is already installed.",
    )


def required_plugin_unavailable(plugin_id: str) -> AppError:
    return AppError(
        503,
        "app.plugin.hook_failed.app_error",
        f"The plugin {plugin_id} did not answer and is required; please try again.",
    )


def plugin_no_response() -> AppError:
    return AppError(
        502,
        "app.plugin.serve_http.app_error",
        "The plugin gave no response.",
    )


def plugin_failed_to_answer() -> AppError:
    return AppError(
        502,
        "app.plugin.serve_http.app_error",
        "The plugin failed to answer.",
    )


def rejected_by_plugin(what: str, reason: str) -> AppError:
    # Mattermost's error id for a rejection is the message itself.
    message = f"{what} rejected by plugin. {reason}".strip()
    return AppError(400, message, message)
