"""Interactive dialogs' limits: Mattermost's (model/integration_action.go), plus the
bounds Roost adds where Mattermost sets none."""

from __future__ import annotations

# A trigger id opens a dialog within this long of the command or click that made it
# (Mattermost's InteractiveDialogTriggerTimeoutMilliseconds).
TRIGGER_TTL_MS = 3_000
# An opened dialog may be submitted (or cancelled) for this long (Roost's bound).
DIALOG_LIFETIME_MS = 24 * 3600 * 1000

TITLE_MAX = 24
ELEMENT_DISPLAY_NAME_MAX = 24
ELEMENT_NAME_MAX = 300
HELP_TEXT_MAX = 150
TEXT_MAX = 150
TEXTAREA_MAX = 3000
SELECT_MAX = 3000
BOOL_MAX = 150
# Roost's bounds.
ELEMENTS_MAX = 100
OPTIONS_MAX = 500
FREE_TEXT_MAX = 3000  # introduction_text, callback_id, state, submit_label
SUBMISSION_VALUE_MAX = 3000

TEXT_SUBTYPES = frozenset({"", "text", "email", "number", "tel", "url", "password"})
SELECT_SOURCES = frozenset({"", "users", "channels"})
ELEMENT_TYPES = frozenset({"text", "textarea", "select", "bool", "radio"})
