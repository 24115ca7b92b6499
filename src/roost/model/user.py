"""Users, bots, sessions and personal access tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.model.custom_status import visible_props

DEFAULT_NOTIFY_PROPS: dict[str, str] = {
    "desktop": "mention",
    "desktop_sound": "true",
    "email": "true",
    "mark_unread": "all",
    "push": "mention",
    "push_status": "away",
    "comments": "never",
    "first_name": "false",
    "channel": "true",
    "mention_keys": "",
}

DEFAULT_TIMEZONE: dict[str, str] = {
    "useAutomaticTimezone": "true",
    "automaticTimezone": "",
    "manualTimezone": "",
}


@dataclass(slots=True)
class User:
    id: str
    username: str
    email: str
    create_at: int = 0
    update_at: int = 0
    delete_at: int = 0
    password_hash: str = ""
    email_verified: bool = False
    nickname: str = ""
    first_name: str = ""
    last_name: str = ""
    position: str = ""
    roles: str = "system_user"
    auth_service: str = ""
    auth_data: str = ""
    locale: str = "en"
    props: dict[str, str] = field(default_factory=dict)
    notify_props: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_NOTIFY_PROPS))
    timezone: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TIMEZONE))
    last_password_update: int = 0
    last_picture_update: int = 0
    is_bot: bool = False
    bot_description: str = ""
    last_activity_at: int = 0
    # Whether the user logs in with a TOTP code too; the secret itself is never loaded
    # into a User (store/accounts/mfa.py reads it where a code is checked).
    mfa_active: bool = False

    @property
    def is_system_admin(self) -> bool:
        return "system_admin" in self.roles.split()

    def to_dict(self) -> dict[str, Any]:
        """The sanitised public shape: never the password hash."""
        out: dict[str, Any] = {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
            "username": self.username,
            "auth_data": self.auth_data,
            "auth_service": self.auth_service,
            "email": self.email,
            "email_verified": self.email_verified,
            "nickname": self.nickname,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "position": self.position,
            "roles": self.roles,
            "props": visible_props(self.props),
            "notify_props": self.notify_props,
            "last_password_update": self.last_password_update,
            "last_picture_update": self.last_picture_update,
            "locale": self.locale,
            "timezone": self.timezone,
            "mfa_active": self.mfa_active,
            "last_activity_at": self.last_activity_at,
            "is_bot": self.is_bot,
            "bot_description": self.bot_description,
            "disable_welcome_email": False,
        }
        return out

    def profile_dict(self, privacy: Privacy, as_admin: bool) -> dict[str, Any]:
        """Someone else's profile, as Mattermost's SanitizeProfile shows it: never their
        notification settings (mention keys), password age or verification state; their
        email and full name only where the privacy settings allow or to an admin."""
        out = self.to_dict()
        # Mattermost empties these, and its JSON then omits them (omitempty).
        del out["notify_props"]
        del out["last_password_update"]
        out["email_verified"] = False
        if not as_admin:
            out["auth_data"] = ""
            out["auth_service"] = ""
            if not privacy.show_email_address:
                out["email"] = ""
            if not privacy.show_full_name:
                out["first_name"] = ""
                out["last_name"] = ""
        return out


@dataclass(slots=True, frozen=True)
class Privacy:
    """Mattermost's PrivacySettings: what non-admins see of other people."""

    show_email_address: bool = True
    show_full_name: bool = True


@dataclass(slots=True)
class Bot:
    user_id: str
    username: str
    display_name: str
    description: str
    owner_id: str
    create_at: int
    update_at: int
    delete_at: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "username": self.username,
            "display_name": self.display_name,
            "description": self.description,
            "owner_id": self.owner_id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "delete_at": self.delete_at,
        }


@dataclass(slots=True)
class Session:
    id: str
    user_id: str
    csrf_token: str
    roles: str
    create_at: int
    expires_at: int
    last_activity_at: int = 0
    device_id: str = ""
    access_token_id: str = ""
    is_bot: bool = False
    username: str = ""
    props: dict[str, str] = field(default_factory=dict)
    # The user's, read with the session: whether MFA enforcement lets it through.
    mfa_active: bool = False

    @property
    def is_system_admin(self) -> bool:
        return "system_admin" in self.roles.split()

    @property
    def is_mobile(self) -> bool:
        """Mattermost's IsMobileApp: a session that named its device."""
        return bool(self.device_id)

    def is_expired(self, now: int) -> bool:
        return self.expires_at != 0 and self.expires_at < now

    def to_dict(self) -> dict[str, Any]:
        """Mattermost's Session JSON, sanitised: the token is never sent. As in
        Mattermost the CSRF token is a prop: a browser finds its own session by it (its
        ``MMCSRF`` cookie), and alone it opens nothing."""
        return {
            "id": self.id,
            "token": "",
            "create_at": self.create_at,
            "expires_at": self.expires_at,
            "last_activity_at": self.last_activity_at,
            "user_id": self.user_id,
            "device_id": self.device_id,
            "roles": self.roles,
            "is_oauth": False,
            "expired_notify": False,
            "props": {**self.props, "csrf": self.csrf_token},
            "team_members": [],
            "local": False,
        }


@dataclass(slots=True)
class AccessToken:
    id: str
    user_id: str
    description: str
    is_active: bool
    create_at: int

    def to_dict(self, token: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "user_id": self.user_id,
            "description": self.description,
            "is_active": self.is_active,
        }
        if token is not None:
            out["token"] = token
        return out


@dataclass(slots=True)
class Status:
    user_id: str
    status: str = "offline"
    manual: bool = False
    last_activity_at: int = 0
    dnd_end_time: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "status": self.status,
            "manual": self.manual,
            "last_activity_at": self.last_activity_at,
            "dnd_end_time": self.dnd_end_time,
        }


@dataclass(slots=True)
class Preference:
    user_id: str
    category: str
    name: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "category": self.category,
            "name": self.name,
            "value": self.value,
        }
