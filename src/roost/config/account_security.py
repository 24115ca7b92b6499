"""Account security settings: password rules, MFA, sessions, the audit log and privacy
(Mattermost's ``PasswordSettings``, ``ServiceSettings``, ``TeamSettings`` and
``PrivacySettings``, with its defaults). Kept apart from ``roost.config`` only for its
length: ``Settings`` inherits these fields, and ``AccountSettings`` reads them as any
other."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class AccountSecurityFields(BaseSettings):
    # Mattermost's PasswordSettings, with its defaults; lengths count bytes, as Mattermost's.
    password_minimum_length: int = Field(
        json_schema_extra={
            "mattermost": "PasswordSettings.MinimumLength",
            "scope": "tenant",
            "live": True,
        },
        default=8,
        ge=5,
        le=72,
        description="shortest password accepted at sign-up and on every change (bcrypt reads "
        "at most 72 bytes)",
    )
    password_lowercase: bool = Field(
        json_schema_extra={
            "mattermost": "PasswordSettings.Lowercase",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="whether a new password needs a lowercase letter",
    )
    password_uppercase: bool = Field(
        json_schema_extra={
            "mattermost": "PasswordSettings.Uppercase",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="whether a new password needs an uppercase letter",
    )
    password_number: bool = Field(
        json_schema_extra={
            "mattermost": "PasswordSettings.Number",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="whether a new password needs a digit",
    )
    password_symbol: bool = Field(
        json_schema_extra={
            "mattermost": "PasswordSettings.Symbol",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="whether a new password needs a symbol (ASCII punctuation or a space)",
    )
    # MFA and sessions, as Mattermost's ServiceSettings and TeamSettings (its defaults).
    enable_multifactor_authentication: bool = Field(
        json_schema_extra={
            "mattermost": "ServiceSettings.EnableMultifactorAuthentication",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="users may protect their login with a TOTP code (authenticator app)",
    )
    enforce_multifactor_authentication: bool = Field(
        json_schema_extra={
            "mattermost": "ServiceSettings.EnforceMultifactorAuthentication",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="with MFA enabled, users without it get 403 "
        "`api.context.mfa_required.app_error` on the API until they set it up (bots exempt)",
    )
    session_length_mobile_hours: float = Field(
        json_schema_extra={
            "mattermost": "ServiceSettings.SessionLengthMobileInHours",
            "scope": "tenant",
            "live": True,
        },
        default=720,
        gt=0,
        description="lifetime of a session that named its device (the mobile apps)",
    )
    session_length_sso_hours: float = Field(
        json_schema_extra={
            "mattermost": "ServiceSettings.SessionLengthSSOInHours",
            "scope": "tenant",
            "live": True,
        },
        default=720,
        gt=0,
        description="lifetime of a session of a user signed in through an external service "
        "(`auth_service` other than email or LDAP)",
    )
    session_idle_timeout_minutes: float = Field(
        json_schema_extra={
            "mattermost": "ServiceSettings.SessionIdleTimeoutInMinutes",
            "scope": "tenant",
            "live": True,
        },
        default=43200,
        ge=0,
        description="a web session unused this long ends (mobile sessions and access tokens "
        "are exempt, as in Mattermost); 0: never",
    )
    terminate_sessions_on_password_change: bool = Field(
        json_schema_extra={
            "mattermost": "ServiceSettings.TerminateSessionsOnPasswordChange",
            "scope": "tenant",
            "live": True,
        },
        default=True,
        description="a password change ends the user's other sessions (an admin's reset, "
        "all of them)",
    )
    enable_user_deactivation: bool = Field(
        json_schema_extra={
            "mattermost": "TeamSettings.EnableUserDeactivation",
            "scope": "tenant",
            "live": True,
        },
        default=False,
        description="whether users may deactivate their own account (admins always may)",
    )
    audit_retention_days: float = Field(
        default=365,
        ge=0,
        description="days an audit record is kept (`GET /audits`); 0 keeps them forever",
    )
    audit_purge_interval_seconds: float = Field(
        default=3600,
        gt=0,
        description="how often each node removes audit records past their retention (a "
        "bounded number per run)",
    )
    # Mattermost's PrivacySettings, with its defaults: what other people's profiles show
    # to someone who is not a system admin.
    show_email_address: bool = Field(
        json_schema_extra={"mattermost": "PrivacySettings.ShowEmailAddress"},
        default=True,
        description="whether other people's email addresses are shown to non-admins",
    )
    show_full_name: bool = Field(
        json_schema_extra={"mattermost": "PrivacySettings.ShowFullName"},
        default=True,
        description="whether other people's first and last names are shown to non-admins",
    )
