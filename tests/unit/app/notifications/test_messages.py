"""The push proxy's JSON per PushNotificationContents, and the emails' texts."""

from __future__ import annotations

from roost.app.notifications import emails, push_messages, rules

CTX = push_messages.PostContext(
    post_id="p",
    root_id="",
    channel_id="c",
    channel_type="O",
    channel_name="Town Square",
    team_id="t",
    sender_id="u",
    sender_name="alice",
    message="hi @bob, the <b>plan</b>",
)


def test_contents_settings() -> None:
    full = push_messages.message_push(CTX, rules.EXPLICIT, "full", 3)
    assert full["message"] == "alice: hi bob, the <b>plan</b>"
    assert full["channel_name"] == "Town Square" and full["badge"] == 3
    generic = push_messages.message_push(CTX, rules.EXPLICIT, "generic", 1)
    assert generic["message"] == "alice mentioned you."
    assert generic["channel_name"] == "Town Square"
    no_channel = push_messages.message_push(CTX, rules.CHANNEL_WIDE, "generic_no_channel", 1)
    assert no_channel["message"] == "alice notified the channel."
    assert "channel_name" not in no_channel
    ids = push_messages.message_push(CTX, rules.EXPLICIT, "id_loaded", 1)
    assert ids["is_id_loaded"] is True
    assert ids["message"] == push_messages.ID_LOADED_MESSAGE
    assert "sender_name" not in ids and "plan" not in str(ids)
    assert ids["post_id"] == "p" and ids["channel_id"] == "c"


def test_device_ids() -> None:
    msg = push_messages.for_device({"type": "message"}, "apple_rn:abc:def", "srv", "ack")
    assert msg == {
        "type": "message",
        "platform": "apple_rn",
        "device_id": "abc:def",
        "server_id": "srv",
        "ack_id": "ack",
    }
    assert push_messages.for_device({}, "nocolon", "s", "a") is None
    assert push_messages.for_device({}, ":token", "s", "a") is None


def test_notification_email_escapes_and_links() -> None:
    m = emails.Mentioned("alice", "O", "town", "Team", "<script>x</script>", 0, "http://s/t/pl/p")
    e = emails.notification_email("bob@example.com", m, True, "http://s/t?settings=notifications")
    assert "<script>" not in e.html and "&lt;script&gt;" in e.html
    assert "http://s/t/pl/p" in e.text and "http://s/t/pl/p" in e.html
    assert "settings=notifications" in e.text
    generic = emails.notification_email("bob@example.com", m, False, "http://s")
    assert "script" not in generic.text


def test_digest_lists_each_message() -> None:
    items = [
        emails.Mentioned("alice", "O", "town", "Team", "one", 1000, "http://s/1"),
        emails.Mentioned("carol", "D", "", "", "two", 2000, "http://s/2"),
    ]
    e = emails.digest_email("bob@example.com", items, True, "http://s")
    assert "2 new notifications" in e.text
    assert e.text.index("one") < e.text.index("two")
    assert "a direct message" in e.text


def test_mime_message_round_trips() -> None:
    import email
    import email.policy

    from roost.app.notifications.mail import Mailer
    from roost.config import Settings

    cfg = Settings(feedback_name="Équipe Roost").notifications
    m = emails.Mentioned("zoë", "O", "town", "Tëam", "héllo ✓", 0, "http://s/t/pl/p")
    e = emails.notification_email("bob@example.com", m, True, "http://s/t?settings=notifications")
    raw = Mailer(cfg, "https://chat.example.com").message(e).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == e.subject
    assert "Équipe Roost" in str(parsed["From"])
    assert "noreply@chat.example.com" in str(parsed["From"])
    plain = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert plain is not None and "héllo ✓" in plain.get_content()
    assert html is not None and "héllo ✓" in html.get_content()
