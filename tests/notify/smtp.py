"""A real SMTP server (aiosmtpd) on a free loopback port: it receives and parses each
message, refuses recipients a test scripted, and can require a login and STARTTLS."""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.server import free_port


@dataclass
class Received:
    mail_from: str
    rcpt: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


class Mailbox:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._got: list[Received] = []
        # recipient -> SMTP replies to give to RCPT, in order (then accept)
        self._refusals: dict[str, list[str]] = {}
        self.logins: list[str] = []

    def refuse(self, rcpt: str, *replies: str) -> None:
        with self._lock:
            self._refusals[rcpt.lower()] = list(replies)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        with self._lock:
            replies = self._refusals.get(address.lower())
            if replies:
                return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self._got.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [r for r in self._got if address.lower() in (a.lower() for a in r.rcpt)]

    def wait(self, address: str, count: int = 1, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while True:
            got = self.to(address)
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(got)} of {count} emails to {address}")
            time.sleep(0.05)

    def quiet(self, address: str, within: float = 1.0) -> None:
        before = len(self.to(address))
        time.sleep(within)
        assert len(self.to(address)) == before, f"unexpected email to {address}"


class SmtpServer:
    def __init__(
        self, port: int = 0, login: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None
    ) -> None:
        self.mailbox = Mailbox()
        self.port = port or free_port()
        self.login = login
        kwargs: dict[str, Any] = {}
        if login is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_require_tls"] = tls is not None
            kwargs["auth_required"] = True
        if tls is not None:
            kwargs["tls_context"] = tls
            kwargs["require_starttls"] = True
        self._kwargs = kwargs
        self._controller = self._make()

    def _make(self) -> Controller:
        return Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **self._kwargs)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.login is not None:
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if (user, password) == self.login:
                self.mailbox.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def restart(self) -> None:
        """Listen again on the same port (after ``stop``)."""
        self._controller = self._make()
        self._controller.start()


@contextmanager
def running_smtp(
    login: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None
) -> Iterator[SmtpServer]:
    server = SmtpServer(login=login, tls=tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()
