"""HTTP apps (Roost's take on Mattermost's Apps Framework): an installed app, and an
event it subscribed to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The locations an app may bind to, and the event subjects it may subscribe to.
COMMAND = "/command"
POST_MENU = "/post_menu"
CHANNEL_HEADER = "/channel_header"
LOCATIONS = (COMMAND, POST_MENU, CHANNEL_HEADER)

USER_CREATED = "user_created"
USER_JOINED_CHANNEL = "user_joined_channel"
USER_JOINED_TEAM = "user_joined_team"
CHANNEL_CREATED = "channel_created"
POST_CREATED = "post_created"
SUBJECTS = (USER_CREATED, USER_JOINED_CHANNEL, USER_JOINED_TEAM, CHANNEL_CREATED, POST_CREATED)


@dataclass(slots=True)
class InstalledApp:
    tenant_id: str
    app_id: str
    manifest: dict[str, Any]
    root_url: str
    use_jwt: bool
    secret: str
    bot_user_id: str
    bot_token_id: str
    bot_token: str
    installed_by: str
    create_at: int = 0
    update_at: int = 0

    @property
    def display_name(self) -> str:
        return str(self.manifest.get("display_name") or self.app_id)

    def to_dict(self) -> dict[str, Any]:
        """What admins see: never the secret or the bot's token."""
        return {
            "app_id": self.app_id,
            "manifest": self.manifest,
            "bot_user_id": self.bot_user_id,
            "installed_by": self.installed_by,
            "create_at": self.create_at,
            "update_at": self.update_at,
        }


@dataclass(slots=True)
class Subscription:
    tenant_id: str
    app_id: str
    subject: str
    call: dict[str, Any]
    team_id: str = ""
    channel_id: str = ""
    create_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "subject": self.subject,
            "team_id": self.team_id,
            "channel_id": self.channel_id,
            "call": self.call,
        }


@dataclass(slots=True)
class AppBindings:
    """One app's bindings as its bindings call answered them, by location."""

    app_id: str
    by_location: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
