"""The integrations' errors (commands, webhooks, post actions, apps) and their Mattermost ids."""

from __future__ import annotations

from roost.app.kernel.errors import AppError


def webhook_payload_too_large(limit: int) -> AppError:
    return AppError(
        413,
        "api.incoming_webhook.too_large.app_error",
        f"The payload is larger than {limit} bytes.",
    )


def app_not_found() -> AppError:
    return AppError(404, "apps.get.not_found", "The app is not installed.")


def app_bot_only() -> AppError:
    return AppError(
        403,
        "apps.bot_only",
        "Only an installed app's bot may do this, with its token.",
    )


def app_installed(app_id: str) -> AppError:
    return AppError(
        400,
        "apps.install.exists",
        f"The app {app_id} is installed.",
    )


def app_username_taken(app_id: str) -> AppError:
    return AppError(
        400,
        "apps.install.username_taken",
        f"A user named {app_id} exists; the app's bot needs that name.",
    )


def manifest_unfetchable(detailed: str) -> AppError:
    return AppError(
        400,
        "apps.install.manifest",
        "Could not fetch the manifest.",
        detailed,
    )


def manifest_not_json() -> AppError:
    return AppError(
        400,
        "apps.install.manifest",
        "The manifest is not JSON.",
    )


def app_call_failed(app_id: str, why: str) -> AppError:
    return AppError(500, "apps.call.failed", f"The app {app_id} did not answer the call.", why)


def subscription_not_found() -> AppError:
    return AppError(
        404,
        "apps.unsubscribe.not_found",
        "No such subscription.",
    )


def too_many_subscriptions(max_subscriptions_per_app: int) -> AppError:
    return AppError(
        400,
        "apps.subscribe.too_many",
        f"An app may hold at most {max_subscriptions_per_app} subscriptions.",
    )


def manifest_invalid(field: str, why: str) -> AppError:
    return AppError(
        400, "apps.manifest.invalid", f"The app's manifest is not valid: {field}: {why}."
    )


def command_not_found() -> AppError:
    return AppError(404, "app.command.get.app_error", "Unable to find the command.")


def commands_disabled() -> AppError:
    return AppError(
        501, "api.command.disabled.app_error", "Commands have been disabled by the system admin."
    )


def command_trigger_not_found(trigger: str) -> AppError:
    return AppError(
        404,
        "api.command.execute_command.not_found.app_error",
        f"Command with a trigger of '/{trigger}' not found.",
    )


def invalid_command_trigger() -> AppError:
    return AppError(
        400,
        "model.command.is_valid.trigger.app_error",
        "Invalid trigger.",
    )


def invalid_command_method() -> AppError:
    return AppError(
        400,
        "model.command.is_valid.method.app_error",
        "Invalid method.",
    )


def duplicate_trigger() -> AppError:
    return AppError(
        400,
        "api.command.duplicate_trigger.app_error",
        "This trigger word is already in use.",
    )


def command_failed(trigger: str, why: str = "") -> AppError:
    return AppError(
        500,
        "api.command.execute_command.failed.app_error",
        f"Command with a trigger of '/{trigger}' failed.",
        why,
    )


def response_url_invalid() -> AppError:
    return AppError(
        404,
        "app.command_webhook.try_use.invalid.app_error",
        "The response URL is unknown, expired or used up.",
    )


def incoming_webhook_not_found() -> AppError:
    return AppError(404, "app.webhooks.get_incoming.app_error", "Unable to find the webhook.")


def incoming_webhooks_disabled() -> AppError:
    return AppError(
        501,
        "api.incoming_webhook.disabled.app_error",
        "Incoming webhooks have been disabled by the system admin.",
    )


def webhook_rate_limited() -> AppError:
    return AppError(
        429,
        "api.incoming_webhook.rate_limited.app_error",
        "Too many messages to this webhook; slow down.",
    )


def webhook_text_missing() -> AppError:
    return AppError(
        400,
        "web.incoming_webhook.text.app_error",
        "No text specified.",
    )


def webhook_channel_locked() -> AppError:
    return AppError(
        403,
        "web.incoming_webhook.channel_locked.app_error",
        "This webhook is not permitted to post to the requested channel.",
    )


def webhook_channel_not_found() -> AppError:
    return AppError(
        404,
        "web.incoming_webhook.channel.app_error",
        "Couldn't find the channel.",
    )


def webhook_user_not_found() -> AppError:
    return AppError(
        404,
        "web.incoming_webhook.user.app_error",
        "Couldn't find the user.",
    )


def outgoing_webhook_not_found() -> AppError:
    return AppError(404, "app.webhooks.get_outgoing.app_error", "Unable to find the webhook.")


def outgoing_webhooks_disabled() -> AppError:
    return AppError(
        501,
        "api.outgoing_webhook.disabled.app_error",
        "Outgoing webhooks have been disabled by the system admin.",
    )


def outgoing_webhook_channel_not_open() -> AppError:
    return AppError(
        403,
        "api.webhooks.create_outgoing.not_open.app_error",
        "Outgoing webhooks can only be created for public channels.",
    )


def outgoing_webhook_no_trigger() -> AppError:
    return AppError(
        400,
        "api.webhooks.create_outgoing.triggers.app_error",
        "Either trigger_words or channel_id must be set.",
    )


def action_failed(why: str) -> AppError:
    return AppError(
        400,
        "api.post.do_action.action_integration.app_error",
        "The action's integration did not answer as expected.",
        why,
    )


def action_not_found() -> AppError:
    return AppError(
        404,
        "api.post.do_action.action_id.app_error",
        "Unable to find the action.",
    )


def integration_owner_inactive() -> AppError:
    return AppError(
        403,
        "api.webhook.owner_inactive.app_error",
        "The integration's owner is deactivated.",
    )
