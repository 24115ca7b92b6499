"""Notification emails through a real SMTP server: who gets one, what it says and links
to, SMTP refusing or down (retried, nothing lost, nothing twice), the admin's test
email, and the client configuration the apps read."""

from __future__ import annotations

import time

import httpx

from tests.notify.conftest import (
    NotifyServer,
    channel_notify,
    patch_notify,
    set_status,
    settled,
)
from tests.support.chat import make_dm
from tests.support.client import expect
from tests.support.posting import make_room, post


def test_mention_emails_the_offline_user(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    set_status(alice, "offline")
    p = post(room.owner, room.channel_id, f"@{alice.username} please <review> this")
    [mail] = notify.smtp.mailbox.wait(alice.email)
    msg = mail.message
    assert mail.rcpt == [alice.email]
    assert msg["From"] == "Roost <roost@example.com>"
    assert msg["To"] == alice.email
    assert msg["Subject"].startswith("[Roost] Notification in ")
    text, html = mail.part("plain"), mail.part("html")
    team = expect(room.owner.api.get(f"/teams/{room.team_id}"), 200)["name"]
    link = f"{notify.base}/{team}/pl/{p['id']}"
    assert link in text and link in html
    assert f"@{room.owner.username} mentioned you" in text
    assert "please <review> this" in text.replace("@", "")
    assert "&lt;review&gt;" in html and "<review>" not in html
    assert "settings=notifications" in text
    assert msg["List-Unsubscribe"].strip().startswith(f"<{notify.base}/{team}")
    # bob was not mentioned; the author is never told
    notify.smtp.mailbox.quiet(room.bob.email, 0.5)
    assert notify.smtp.mailbox.to(room.owner.email) == []


def test_who_gets_no_email(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice, bob, owner = room.alice, room.bob, room.owner
    set_status(alice, "online")  # online: no email
    set_status(bob, "away")
    patch_notify(bob, email="false")
    post(owner, room.channel_id, f"@{alice.username} @{bob.username} hello")
    settled(notify)
    # the channel's own setting overrides the account's
    channel_notify(bob, room.channel_id, email="all")
    post(owner, room.channel_id, f"@{bob.username} now you hear")
    [mail] = notify.smtp.mailbox.wait(bob.email)
    assert "now you hear" in mail.part("plain")
    notify.smtp.mailbox.quiet(alice.email, 0.5)


def test_direct_message_email(notify: NotifyServer) -> None:
    a, b = notify.user(), notify.user()
    set_status(b, "offline")
    dm = make_dm(a, b)
    p = post(a, dm["id"], "a direct word")
    [mail] = notify.smtp.mailbox.wait(b.email)
    assert mail.message["Subject"].startswith(f"[Roost] New Direct Message from @{a.username}")
    assert "a direct word" in mail.part("plain")
    assert f"/pl/{p['id']}" in mail.part("plain")


def test_refused_recipient_is_final_and_deferral_is_retried(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice, bob = room.alice, room.bob
    for u in (alice, bob):
        set_status(u, "offline")
    notify.smtp.mailbox.refuse(alice.email, "550 no such user")
    notify.smtp.mailbox.refuse(bob.email, "451 try again later", "451 still busy")
    post(room.owner, room.channel_id, f"@{alice.username} @{bob.username} hi")
    [mail] = notify.smtp.mailbox.wait(bob.email)  # the third attempt
    assert "hi" in mail.part("plain")
    deadline = time.monotonic() + 10
    failed: list[dict[str, object]] = []
    while not failed and time.monotonic() < deadline:
        status = expect(notify.admin.api.get("/notifications/outbox"), 200)
        failed = [f for f in status["failed"] if f["user_id"] == alice.id]
        time.sleep(0.1)
    assert failed and failed[0]["kind"] == "email"
    assert "550" in str(failed[0]["last_error"])
    notify.smtp.mailbox.quiet(bob.email, 1.0)  # once
    assert notify.smtp.mailbox.to(alice.email) == []


def test_smtp_down_loses_nothing(notify: NotifyServer) -> None:
    room = make_room(notify.user)
    alice = room.alice
    set_status(alice, "offline")
    notify.smtp.stop()
    try:
        post(room.owner, room.channel_id, f"@{alice.username} while the mail is down")
        time.sleep(1.0)  # a few attempts fail meanwhile
        assert notify.smtp.mailbox.to(alice.email) == []
    finally:
        notify.smtp.restart()
    [mail] = notify.smtp.mailbox.wait(alice.email, timeout=30)
    assert "while the mail is down" in mail.part("plain")
    notify.smtp.mailbox.quiet(alice.email, 1.0)


def test_admin_test_email(notify: NotifyServer) -> None:
    expect(notify.admin.api.post("/email/test", {"EmailSettings": {}}), 200)
    [mail] = notify.smtp.mailbox.wait(notify.admin.email)
    assert mail.message["Subject"] == "[Roost] Test email"
    user = notify.user()
    denied = expect(user.api.post("/email/test", {}), 403)
    assert denied["id"] == "api.context.permissions.app_error"


def test_client_config_and_ping(notify: NotifyServer) -> None:
    config = expect(httpx.get(f"{notify.base}/api/v4/config/client?format=old"), 200)
    assert config["SendPushNotifications"] == "true"
    assert config["SendEmailNotifications"] == "true"
    assert config["EmailNotificationContentsType"] == "full"
    assert config["EnableEmailBatching"] == "false"
    assert config["RequireEmailVerification"] == "false"
    ping = expect(httpx.get(f"{notify.base}/api/v4/system/ping?device_id=android_rn:x"), 200)
    assert ping["CanReceiveNotifications"] == "true"
