"""A server per backend with push and email on: pushes go to a local push proxy, emails
to a real SMTP server (aiosmtpd); short retries so faults are quick to test."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.notify.push_proxy import PushProxy, running_proxy
from tests.notify.smtp import SmtpServer, running_smtp
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.server import running_server


def notify_env(proxy: PushProxy, smtp: SmtpServer, **extra: str) -> dict[str, str]:
    return {
        "ROOST_SEND_PUSH_NOTIFICATIONS": "true",
        "ROOST_PUSH_NOTIFICATION_SERVER": proxy.url,
        "ROOST_PUSH_NOTIFICATION_CONTENTS": "full",
        "ROOST_SEND_EMAIL_NOTIFICATIONS": "true",
        "ROOST_SMTP_SERVER": "127.0.0.1",
        "ROOST_SMTP_PORT": str(smtp.port),
        "ROOST_FEEDBACK_EMAIL": "roost@example.com",
        "ROOST_NOTIFICATION_RETRY_BASE_SECONDS": "0.2",
        "ROOST_NOTIFICATION_POLL_SECONDS": "0.2",
        "ROOST_NOTIFICATION_MAX_ATTEMPTS": "4",
        "ROOST_PUSH_TIMEOUT_SECONDS": "2",
        "ROOST_SMTP_TIMEOUT_SECONDS": "3",
        **extra,
    }


@dataclass
class NotifyServer:
    base: str
    data_dir: Path
    admin: LoggedIn
    proxy: PushProxy
    smtp: SmtpServer

    def user(self, **fields: Any) -> LoggedIn:
        return create_user(self.base, **fields)

    def log_text(self) -> str:
        return "\n".join(p.read_text() for p in self.data_dir.glob("server-*.log"))


@pytest.fixture(scope="session")
def proxy() -> Iterator[PushProxy]:
    with running_proxy() as p:
        yield p


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as s:
        yield s


@pytest.fixture(scope="session")
def notify(
    backend: str, tmp_path_factory: pytest.TempPathFactory, proxy: PushProxy, smtp: SmtpServer
) -> Iterator[NotifyServer]:
    data_dir: Path = tmp_path_factory.mktemp(f"roost-notify-{backend}")
    env = notify_env(proxy, smtp)
    with database(backend, data_dir) as url, running_server(url, data_dir, env) as base:
        admin = create_user(base, username=f"nadmin{uuid.uuid4().hex[:6]}")
        yield NotifyServer(base, data_dir, admin, proxy, smtp)


def token() -> str:
    """A fresh device token, so tests never see each other's pushes."""
    return uuid.uuid4().hex


def attach_device(user: LoggedIn, platform: str = "android_rn") -> str:
    """Name a device on the user's session; returns the token the proxy will see."""
    t = token()
    expect(user.api.put("/users/sessions/device", {"device_id": f"{platform}:{t}"}), 200)
    return t


def set_status(user: LoggedIn, status: str, **extra: Any) -> None:
    body = {"user_id": user.id, "status": status, **extra}
    expect(user.api.put(f"/users/{user.id}/status", body), 200)


def patch_notify(user: LoggedIn, **props: str) -> None:
    current = expect(user.api.get("/users/me"), 200)["notify_props"]
    expect(user.api.put("/users/me/patch", {"notify_props": {**current, **props}}), 200)


def channel_notify(user: LoggedIn, channel_id: str, **props: str) -> None:
    expect(
        user.api.put(f"/channels/{channel_id}/members/{user.id}/notify_props", {**props}),
        200,
    )


def settled(server: NotifyServer, timeout: float = 15.0) -> None:
    """Wait until the server's outbox holds no post job, push or email still to do (a
    setting changed after this no longer affects what was posted before)."""
    deadline = time.monotonic() + timeout
    while expect(server.admin.api.get("/notifications/outbox"), 200)["pending"]:
        assert time.monotonic() < deadline, "notifications still pending"
        time.sleep(0.05)


MakeUser = Callable[..., LoggedIn]
