"""Sending email through SMTP (aiosmtplib): no security, implicit TLS or STARTTLS, with
or without a login. Up to ``POOL_SIZE`` connections are kept open and reused (a digest
run sends thousands of emails; a conversation per email would spend most of its time
connecting), each dropped once idle for ``IDLE_SECONDS`` or after any error.

A refused recipient or sender (5xx) is final; a connection that fails, a timeout or a
4xx is worth retrying later. The SMTP password is never logged: errors carry the
server's reply code and the exception's class only.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from typing import cast
from urllib.parse import urlsplit

import aiosmtplib

from roost.app.notifications.emails import Email
from roost.app.notifications.outbox import GiveUp, Retry
from roost.config.notifications import NotificationSettings

POOL_SIZE = 8
IDLE_SECONDS = 20.0


class Mailer:
    def __init__(self, cfg: NotificationSettings, site_url: str) -> None:
        self._cfg = cfg
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(POOL_SIZE)
        host = urlsplit(site_url).hostname or "localhost"
        self._from_address = cfg.feedback_email or f"noreply@{host}"
        self._msgid_domain = host

    @property
    def configured(self) -> bool:
        return bool(self._cfg.smtp_server)

    def message(self, email: Email) -> Message:
        """The MIME message (multipart/alternative: text, then HTML). Built with the
        compat32 classes: four times faster than EmailMessage, which a digest run of
        thousands of emails notices."""
        msg = MIMEMultipart("alternative")
        msg["From"] = formataddr((self._cfg.feedback_name, self._from_address), "utf-8")
        msg["To"] = email.to
        # compat32 takes a Header object as a value (typeshed says str only).
        msg["Subject"] = cast(str, _header(email.subject))
        msg["Date"] = format_datetime(datetime.now(UTC))
        msg["Message-ID"] = make_msgid(domain=self._msgid_domain)
        msg["Auto-Submitted"] = "auto-generated"
        if email.unsubscribe_url:
            msg["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        msg.attach(MIMEText(email.text, "plain", "utf-8"))
        msg.attach(MIMEText(email.html, "html", "utf-8"))
        return msg

    async def send(self, email: Email) -> None:
        """Raises Retry or GiveUp."""
        cfg = self._cfg
        if not cfg.smtp_server:
            raise GiveUp("no SMTP server is configured")
        if "\n" in email.to or "\r" in email.to or "@" not in email.to:
            raise GiveUp("not an email address")
        message = self.message(email)
        async with self._slots:
            client: aiosmtplib.SMTP | None = None
            try:
                client, reused = await self._client()
                try:
                    await client.send_message(message, timeout=cfg.smtp_timeout_seconds)
                except aiosmtplib.SMTPServerDisconnected:
                    if not reused:
                        raise
                    # The server closed an idle connection: once more on a fresh one.
                    await _close(client)
                    client, _ = await self._client(fresh=True)
                    await client.send_message(message, timeout=cfg.smtp_timeout_seconds)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                await _close(client)
                if all(r.code >= 500 for r in exc.recipients):
                    raise GiveUp(f"SMTP refused the recipient ({_codes(exc)})") from None
                raise Retry(f"SMTP deferred the recipient ({_codes(exc)})") from None
            except aiosmtplib.SMTPResponseException as exc:
                await _close(client)
                if 500 <= exc.code < 600:
                    raise GiveUp(f"SMTP refused the message ({exc.code})") from None
                raise Retry(f"SMTP answered {exc.code}") from None
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await _close(client)
                raise Retry(f"SMTP server unreachable: {type(exc).__name__}") from None
            self._idle.append((client, time.monotonic()))

    async def _client(self, fresh: bool = False) -> tuple[aiosmtplib.SMTP, bool]:
        """An open connection (reused when one is idle and recent) and whether it was
        reused. Connecting does TLS or STARTTLS and the login, as configured."""
        while self._idle and not fresh:
            client, since = self._idle.pop()
            if time.monotonic() - since < IDLE_SECONDS and client.is_connected:
                return client, True
            await _close(client)
        cfg = self._cfg
        client = aiosmtplib.SMTP(
            hostname=cfg.smtp_server,
            port=cfg.smtp_port,
            username=cfg.smtp_username or None,
            password=cfg.smtp_password or None,
            use_tls=cfg.connection_security == "TLS",
            start_tls=cfg.connection_security == "STARTTLS",
            validate_certs=not cfg.skip_server_certificate_verification,
            timeout=cfg.smtp_timeout_seconds,
        )
        await client.connect()
        return client, False

    async def close(self) -> None:
        while self._idle:
            client, _ = self._idle.pop()
            await _close(client)


async def _close(client: aiosmtplib.SMTP | None) -> None:
    if client is None:
        return
    with contextlib.suppress(Exception):
        if client.is_connected:
            await asyncio.wait_for(client.quit(), 2.0)
    with contextlib.suppress(Exception):
        client.close()


def _codes(exc: aiosmtplib.SMTPRecipientsRefused) -> str:
    return ", ".join(str(r.code) for r in exc.recipients) or "refused"


def _header(value: str) -> str | Header:
    """A header value, RFC 2047-encoded when it is not plain ASCII."""
    if value.isascii():
        return value
    return Header(value, "utf-8", header_name="Subject")
