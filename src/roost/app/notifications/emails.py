"""The emails Roost sends, as pure functions: (subject, plain text, HTML) for mention and
direct-message notifications, digests, password reset, email verification, team
invitations and the admin's test. Every notification email links to the message and
to the notification preferences (also as ``List-Unsubscribe``, added by the sender)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from roost.app.notifications.push_messages import clear_mention_tags
from roost.model.channel import DIRECT, GROUP

MAX_EXCERPT = 4000
SITE_NAME = "Roost"


@dataclass(slots=True, frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str = ""

    def to_payload(self) -> dict[str, str]:
        return {
            "to": self.to,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "unsubscribe_url": self.unsubscribe_url,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, object]) -> Email:
        return cls(
            to=str(payload.get("to", "")),
            subject=str(payload.get("subject", "")),
            text=str(payload.get("text", "")),
            html=str(payload.get("html", "")),
            unsubscribe_url=str(payload.get("unsubscribe_url", "")),
        )


@dataclass(slots=True, frozen=True)
class Mentioned:
    """One message an email tells of."""

    sender: str
    channel_type: str
    channel_name: str
    team_display: str
    message: str
    create_at: int
    link: str


def preferences_url(site_url: str, team_name: str) -> str:
    # The web client opens its Settings > Notifications from this address.
    base = f"{site_url}/{team_name}" if team_name else site_url
    return f"{base}?settings=notifications"


def permalink(site_url: str, team_name: str, post_id: str) -> str:
    if team_name:
        return f"{site_url}/{team_name}/pl/{post_id}"
    return f"{site_url}/_redirect/pl/{post_id}"


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%B %d, %Y")


def _time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M UTC")


def _where(m: Mentioned) -> str:
    if m.channel_type == DIRECT:
        return "a direct message"
    if m.channel_type == GROUP:
        return "a group message"
    return f"~{m.channel_name}"


def _headline(m: Mentioned) -> str:
    if m.channel_type == DIRECT:
        return f"@{m.sender} sent you a direct message"
    if m.channel_type == GROUP:
        return f"@{m.sender} sent you a group message"
    return f"@{m.sender} mentioned you in ~{m.channel_name}"


def _page(title: str, body_html: str, footer_html: str) -> str:
    return (
        '<!DOCTYPE html><html><body style="font-family:sans-serif;color:#3d3c40">'
        f"<h2>{html.escape(title)}</h2>{body_html}"
        f'<hr><p style="font-size:12px;color:#888">{footer_html}</p></body></html>'
    )


def _footer(prefs: str) -> tuple[str, str]:
    text = (
        "To change your notification preferences or unsubscribe, go to Settings > "
        f"Notifications: {prefs}"
    )
    markup = (
        "To change your notification preferences or unsubscribe, go to "
        f'<a href="{html.escape(prefs)}">Settings &gt; Notifications</a>.'
    )
    return text, markup


def notification_email(to: str, m: Mentioned, full: bool, prefs: str) -> Email:
    """One mention or message, sent at once (``EmailNotificationContentsType``: ``full``
    carries the text, ``generic`` only who and where)."""
    if m.channel_type == DIRECT:
        subject = f"[{SITE_NAME}] New Direct Message from @{m.sender} on {_date(m.create_at)}"
    elif m.channel_type == GROUP:
        subject = f"[{SITE_NAME}] New Group Message from @{m.sender} on {_date(m.create_at)}"
    else:
        subject = f"[{SITE_NAME}] Notification in {m.team_display} on {_date(m.create_at)}"
    excerpt = clear_mention_tags(m.message)[:MAX_EXCERPT] if full else ""
    foot_text, foot_html = _footer(prefs)
    lines = [f"{_headline(m)} at {_time(m.create_at)}."]
    if excerpt:
        lines += ["", excerpt]
    lines += ["", f"View Message: {m.link}", "", foot_text]
    body = f"<p>{html.escape(_headline(m))} at {_time(m.create_at)}.</p>"
    if excerpt:
        body += f'<blockquote style="white-space:pre-wrap">{html.escape(excerpt)}</blockquote>'
    body += f'<p><a href="{html.escape(m.link)}">View Message</a></p>'
    return Email(to, subject, "\n".join(lines), _page(_headline(m), body, foot_html), prefs)


def digest_email(to: str, items: list[Mentioned], full: bool, prefs: str) -> Email:
    """Several mentions in one email (email batching)."""
    first = min(i.create_at for i in items)
    subject = f"[{SITE_NAME}] New Notifications for {_date(first)}"
    foot_text, foot_html = _footer(prefs)
    title = f"You have {len(items)} new notification{'s' if len(items) != 1 else ''}"
    lines = [title + ":", ""]
    parts = []
    for m in sorted(items, key=lambda i: i.create_at):
        excerpt = clear_mention_tags(m.message)[:MAX_EXCERPT] if full else ""
        lines.append(f"@{m.sender} in {_where(m)} at {_time(m.create_at)}")
        if excerpt:
            lines.append(f"  {excerpt}")
        lines += [f"  {m.link}", ""]
        part = (
            f"<p><b>@{html.escape(m.sender)}</b> in {html.escape(_where(m))} "
            f"at {_time(m.create_at)}</p>"
        )
        if excerpt:
            part += f'<blockquote style="white-space:pre-wrap">{html.escape(excerpt)}</blockquote>'
        part += f'<p><a href="{html.escape(m.link)}">View Message</a></p>'
        parts.append(part)
    lines.append(foot_text)
    return Email(to, subject, "\n".join(lines), _page(title, "".join(parts), foot_html), prefs)


def link_email(to: str, subject: str, intro: str, action: str, link: str, outro: str) -> Email:
    """An email whose point is one link (reset, verify, invitation, test)."""
    text = f"{intro}\n\n{action}: {link}\n\n{outro}".rstrip() + "\n"
    body = (
        f"<p>{html.escape(intro)}</p>"
        f'<p><a href="{html.escape(link)}">{html.escape(action)}</a></p>'
        f"<p>{html.escape(outro)}</p>"
    )
    return Email(to, f"[{SITE_NAME}] {subject}", text, _page(subject, body, ""))


def test_email(to: str) -> Email:
    return Email(
        to,
        f"[{SITE_NAME}] Test email",
        "This is a test email from Roost: the email settings work.\n",
        _page("Test email", "<p>This is a test email from Roost: the email settings work.</p>", ""),
    )
