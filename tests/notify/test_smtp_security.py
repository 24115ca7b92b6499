"""SMTP with STARTTLS and a login (ConnectionSecurity, SMTPUsername, SMTPPassword): the
server's test email goes through; a wrong password fails clearly and never shows."""

from __future__ import annotations

import ssl
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notify.conftest import NotifyServer, notify_env
from tests.notify.push_proxy import PushProxy
from tests.notify.smtp import SmtpServer, running_smtp
from tests.support.client import create_user, expect
from tests.support.databases import database
from tests.support.server import running_server

LOGIN = ("roost-mailer", "s3cret-Pa55word")


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    d = tmp_path_factory.mktemp("smtp-cert")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture(scope="module")
def secure_smtp(tls_context: ssl.SSLContext) -> Iterator[SmtpServer]:
    with running_smtp(login=LOGIN, tls=tls_context) as s:
        yield s


def _server(
    backend: str, tmp: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer, password: str
) -> Iterator[NotifyServer]:
    data_dir: Path = tmp.mktemp(f"roost-smtps-{backend}")
    env = notify_env(
        proxy,
        smtp,
        ROOST_CONNECTION_SECURITY="STARTTLS",
        ROOST_SKIP_SERVER_CERTIFICATE_VERIFICATION="true",
        ROOST_SMTP_USERNAME=LOGIN[0],
        ROOST_SMTP_PASSWORD=password,
    )
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username=f"sadmin{uuid.uuid4().hex[:6]}")
        yield NotifyServer(base, data_dir, admin, proxy, smtp)


@pytest.fixture(scope="module")
def secure(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    proxy: PushProxy,
    secure_smtp: SmtpServer,
) -> Iterator[NotifyServer]:
    yield from _server(backend, tmp_path_factory, proxy, secure_smtp, LOGIN[1])


def test_starttls_and_login(secure: NotifyServer) -> None:
    expect(secure.admin.api.post("/email/test", {}), 200)
    [mail] = secure.smtp.mailbox.wait(secure.admin.email)
    assert mail.message["Subject"] == "[Roost] Test email"
    assert LOGIN[0] in secure.smtp.mailbox.logins


def test_wrong_password_fails_clearly_and_stays_secret(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    proxy: PushProxy,
    secure_smtp: SmtpServer,
) -> None:
    wrong = "not-the-Password-42"
    for server in _server(backend, tmp_path_factory, proxy, secure_smtp, wrong):
        failed = expect(server.admin.api.post("/email/test", {}), 500)
        assert failed["id"] == "app.admin.test_email.failure"
        assert "535" in failed["message"]
        assert wrong not in str(failed)
        assert wrong not in server.log_text()
