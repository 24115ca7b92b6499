"""Slash commands as the command service and its providers (built-ins, custom commands
calling a URL, plugins) pass them around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.model.autocomplete import AutocompleteData

EPHEMERAL = "ephemeral"
IN_CHANNEL = "in_channel"


@dataclass(slots=True)
class CommandCall:
    """One ``/trigger text`` typed by a user in a channel (and maybe a thread)."""

    tenant_id: str
    user_id: str
    channel_id: str
    team_id: str
    command: str  # as typed, leading slash included
    trigger: str  # lower-cased, without the slash
    text: str  # everything after the trigger, stripped
    root_id: str = ""
    parent_id: str = ""


@dataclass(slots=True)
class ProvidedCommand:
    """A trigger a provider answers, for listings and autocomplete."""

    trigger: str
    display_name: str = ""
    description: str = ""
    hint: str = ""
    auto_complete: bool = True
    # Sub-commands and arguments for autocomplete (Mattermost's AutocompleteData);
    # without it, the trigger alone with ``hint`` and ``description``.
    autocomplete_data: AutocompleteData | None = None
    # An image shown beside its suggestions (Mattermost's AutocompleteIconData).
    autocomplete_icon_data: str = ""


@dataclass(slots=True)
class CommandResponse:
    """Mattermost's CommandResponse (what /commands/execute returns and integrations
    send back)."""

    response_type: str = EPHEMERAL
    text: str = ""
    username: str = ""
    icon_url: str = ""
    channel_id: str = ""
    type: str = ""
    props: dict[str, Any] = field(default_factory=dict)
    goto_location: str = ""
    trigger_id: str = ""
    skip_slack_parsing: bool = False
    attachments: list[dict[str, Any]] = field(default_factory=list)
    extra_responses: list[CommandResponse] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"response_type": self.response_type, "text": self.text}
        for name in ("username", "icon_url", "channel_id", "type", "goto_location", "trigger_id"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.props:
            out["props"] = self.props
        if self.skip_slack_parsing:
            out["skip_slack_parsing"] = True
        if self.attachments:
            out["attachments"] = self.attachments
        if self.extra_responses:
            out["extra_responses"] = [r.to_dict() for r in self.extra_responses]
        return out
