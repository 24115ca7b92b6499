"""The notification settings (``roost.app.notifications``): email through SMTP and mobile
push through Mattermost's push proxy, named after Mattermost's ``EmailSettings``. A
section of their own, kept apart from ``roost.config`` to keep that module short.
``Settings`` inherits the fields from ``NotificationFields``."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field
from pydantic.config import JsonDict
from pydantic_settings import BaseSettings

CONNECTION_SECURITY = ("", "TLS", "STARTTLS")
PUSH_CONTENTS = ("generic", "generic_no_channel", "full", "id_loaded")


def _mm(path: str, secret: bool = False) -> JsonDict:
    extra: JsonDict = {"mattermost": f"EmailSettings.{path}"}
    if secret:
        extra["secret"] = True
    return extra


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    """Who is told of what, and how email and push notifications leave the server."""

    send_email_notifications: bool
    smtp_server: str
    smtp_port: int
    connection_security: str
    smtp_username: str
    smtp_password: str
    smtp_timeout_seconds: float
    skip_server_certificate_verification: bool
    feedback_email: str
    feedback_name: str
    email_notification_contents_type: str
    enable_email_batching: bool
    email_batching_interval: int
    send_push_notifications: bool
    push_notification_server: str
    push_notification_contents: str
    push_timeout_seconds: float
    require_email_verification: bool
    notification_max_attempts: int
    notification_retry_base_seconds: float
    notification_poll_seconds: float
    notification_worker: str
    notification_wake_socket: str


class NotificationFields(BaseSettings):
    send_email_notifications: bool = Field(
        default=False,
        description="email people who are mentioned or messaged while away (needs an SMTP "
        "server); password reset, verification and invitations are sent whenever an SMTP "
        "server is set",
        json_schema_extra=_mm("SendEmailNotifications"),
    )
    smtp_server: str = Field(
        default="",
        max_length=255,
        description="SMTP server host name; empty: no email at all",
        json_schema_extra=_mm("SMTPServer"),
    )
    smtp_port: int = Field(
        default=25,
        ge=1,
        le=65535,
        description="SMTP server port (`465` for TLS, `587` for STARTTLS, `25` plain)",
        json_schema_extra=_mm("SMTPPort"),
    )
    connection_security: str = Field(
        default="",
        pattern="^(|TLS|STARTTLS)$",
        description="empty (no encryption), `TLS` (implicit TLS) or `STARTTLS`",
        json_schema_extra=_mm("ConnectionSecurity"),
    )
    smtp_username: str = Field(
        default="",
        max_length=255,
        description="SMTP login; empty: no authentication",
        json_schema_extra=_mm("SMTPUsername"),
    )
    smtp_password: str = Field(
        default="",
        max_length=255,
        description="SMTP password (never logged nor shown)",
        json_schema_extra=_mm("SMTPPassword", secret=True),
    )
    smtp_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="how long one SMTP conversation may take before it is retried later",
        json_schema_extra=_mm("SMTPServerTimeout"),
    )
    skip_server_certificate_verification: bool = Field(
        default=False,
        description="accept any certificate from the SMTP server (TLS and STARTTLS); "
        "only for a server with a self-signed certificate on a trusted network",
        json_schema_extra=_mm("SkipServerCertificateVerification"),
    )
    feedback_email: str = Field(
        default="",
        max_length=128,
        description="the From address of every email; empty: `noreply@` the site's host",
        json_schema_extra=_mm("FeedbackEmail"),
    )
    feedback_name: str = Field(
        default="Roost",
        max_length=64,
        description="the From name of every email",
        json_schema_extra=_mm("FeedbackName"),
    )
    email_notification_contents_type: str = Field(
        default="full",
        pattern="^(full|generic)$",
        description="`full`: notification emails carry the message; `generic`: only who "
        "wrote where",
        json_schema_extra=_mm("EmailNotificationContentsType"),
    )
    enable_email_batching: bool = Field(
        default=False,
        description="let users choose digests (every 15 minutes or hourly) instead of one "
        "email per mention",
        json_schema_extra=_mm("EnableEmailBatching"),
    )
    email_batching_interval: int = Field(
        default=30,
        ge=1,
        le=3600,
        description="seconds between looks for digests that are due",
        json_schema_extra=_mm("EmailBatchingInterval"),
    )
    send_push_notifications: bool = Field(
        default=False,
        description="send mobile push notifications through the push proxy",
        json_schema_extra=_mm("SendPushNotifications"),
    )
    push_notification_server: str = Field(
        default="",
        max_length=1024,
        pattern="^(|https?://.+)$",
        description="the push proxy's base URL (Mattermost's, e.g. "
        "`https://push.mattermost.com`, or your own); `/api/v1/send_push` is appended",
        json_schema_extra=_mm("PushNotificationServer"),
    )
    push_notification_contents: str = Field(
        default="full",
        pattern="^(generic|generic_no_channel|full|id_loaded)$",
        description="what a push says: `generic` (sender and channel), "
        "`generic_no_channel` (sender only), `full` (the message), `id_loaded` (ids only; "
        "the app fetches the message through the API)",
        json_schema_extra=_mm("PushNotificationContents"),
    )
    push_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="how long one call to the push proxy may take before it is retried later",
    )
    require_email_verification: bool = Field(
        default=False,
        description="new accounts must verify their email before they can log in",
        json_schema_extra={"mattermost": "EmailSettings.RequireEmailVerification"},
    )
    notification_max_attempts: int = Field(
        default=8,
        ge=1,
        le=50,
        description="attempts at one email or push before it is kept as failed",
    )
    notification_retry_base_seconds: float = Field(
        default=2.0,
        gt=0,
        le=600,
        description="first retry delay of a failed email or push; doubled each attempt "
        "(at most an hour)",
    )
    notification_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="how often each node looks for notification work other nodes left",
    )
    notification_worker: str = Field(
        default="server",
        pattern="^(server|process)$",
        description="where the notification outbox is worked: `server` (in every server "
        "process, beside the requests) or `process` (`roost serve` starts one "
        "`roost notification-worker` process for it and restarts it if it dies, so "
        "deciding who to tell of a post in a large channel never delays other requests; "
        "needs PostgreSQL and ROOST_REDIS_URL, as --workers does)",
    )
    notification_wake_socket: str = Field(
        default="",
        description="set by `roost serve` for its processes (the name the notification "
        "worker listens on for a nudge when rows are written); leave it unset",
    )
